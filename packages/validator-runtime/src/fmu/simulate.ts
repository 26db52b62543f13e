import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { SimulationOutcome, SimulationRequest, WorkerReply } from "./simulation-protocol";
import { workerModule } from "./worker-module";

/** Limits of one co-simulation run. */
export interface RunSimulationOptions {
  /** Kill the worker after this long. Default: no limit besides `deadline`. */
  timeoutMs?: number;
  /** Kill the worker shortly before this time (a reserve of up to 5 s is kept for reporting). */
  deadline?: Date;
  /** Kill the worker when this aborts (the attempt was cancelled). */
  signal?: AbortSignal;
  /** How much of the worker's stderr to keep, from the end. Default: 16 KiB. */
  tailBytes?: number;
  /** The worker's working folder. Default: the runtime's. */
  cwd?: string;
}

/** How the worker process ended. */
export interface SimulationRun {
  /** What the worker reported; null when it died or was killed before reporting. */
  outcome: SimulationOutcome | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** The end of the worker's stderr (FMUs that print, Node's own crash reports). */
  stderrTail: string;
  /** Wall-clock seconds from spawning the worker to its exit. */
  wallSeconds: number;
}

const KILL_GRACE_MS = 2000;

/** The environment variables the worker keeps; secrets of the runtime never reach the FMU. */
const KEPT_ENV = [
  "PATH",
  "LANG",
  "LC_ALL",
  "TZ",
  "TMPDIR",
  "LD_LIBRARY_PATH",
  "DYLD_LIBRARY_PATH",
  "SYSTEMROOT",
];

/**
 * Runs one co-simulation in a child Node process (`process.execPath`) that loads the FMU
 * with koffi, so a segfaulting or hanging binary cannot take the runtime down. Parent and
 * child talk over the IPC channel with one JSON message each way; the child's stdout and
 * stderr are only kept as tails. The child is killed (SIGTERM, then SIGKILL) on timeout,
 * deadline or abort, and gets a minimal environment without the runtime's secrets.
 */
export function runSimulation(
  request: SimulationRequest,
  options: RunSimulationOptions = {},
): Promise<SimulationRun> {
  const worker = workerModule();
  const boot =
    "const m = await import(process.argv[1]); await (m.runSimulationWorker ?? m.default.runSimulationWorker)();";
  const env: Record<string, string> = {};
  for (const key of KEPT_ENV) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  const started = performance.now();
  const tailBytes = options.tailBytes ?? 16 * 1024;
  const child = spawn(
    process.execPath,
    [...worker.execArgv, "--input-type=module", "-e", boot, worker.url],
    { stdio: ["ignore", "pipe", "pipe", "ipc"], env, cwd: options.cwd },
  );

  return new Promise<SimulationRun>((resolve) => {
    let outcome: SimulationOutcome | null = null;
    let stderr = "";
    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
    };

    const limit = timeLimit(options);
    const timer =
      limit === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop();
          }, limit);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout?.resume();
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-tailBytes);
    });
    child.on("message", (message) => {
      const reply = message as WorkerReply;
      if (reply?.type === "outcome") outcome = reply.outcome;
    });
    let settled = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve({
        outcome,
        exitCode,
        signal,
        timedOut,
        cancelled,
        stderrTail: stderr,
        wallSeconds: (performance.now() - started) / 1000,
      });
    };
    child.on("error", (error) => {
      stderr = `${stderr}\n${error.message}`.slice(-tailBytes);
      if (child.pid === undefined) finish(null, null);
    });
    child.on("close", finish);
    try {
      child.send(request, (error) => {
        if (error) stop();
      });
    } catch {
      stop();
    }
  });
}

function timeLimit(options: RunSimulationOptions): number | undefined {
  let limit = options.timeoutMs;
  if (options.deadline) {
    const remaining = options.deadline.getTime() - Date.now();
    const untilDeadline = Math.max(0, remaining - Math.min(5000, remaining * 0.1));
    limit = limit === undefined ? untilDeadline : Math.min(limit, untilDeadline);
  }
  return limit;
}
