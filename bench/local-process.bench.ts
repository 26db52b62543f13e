// The `local-process` benchmark: submit-to-SUCCEEDED wall time of a run launched by
// LocalProcessLauncher (real child process, real HTTP callback, SQLite, files on disk), against
// running the same validator command directly on a prepared envelope, side by side, for a
// validator that exits at once and one that works for one second.
// Run alone: npx tsx bench/local-process.bench.ts   (part of `npm run bench`)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WorkerKeyAuthenticator } from "../packages/sdk/src/auth/worker-key";
import { LocalProcessLauncher } from "../packages/sdk/src/launchers/local-process-launcher";
import { createValidationService } from "../packages/sdk/src/service";
import { FilesystemStorage } from "../packages/sdk/src/storage/filesystem-storage";
import { SqliteRunStore } from "../packages/sdk/src/store/sqlite-store";
import type { ValidatorDefinition } from "../packages/sdk/src/validators";
import { startHarness, WORKER_KEY } from "../packages/sdk/test/service/harness";
import { RecordingLauncher } from "../packages/sdk/test/service/recording-launcher";
import { type BenchResult, benchMain, compare, type Figure, median } from "./lib/report";

const root = fileURLToPath(new URL("..", import.meta.url));
const COMMAND = process.execPath;
const ARGS = [
  "--no-warnings",
  "--import",
  "tsx",
  join(root, "packages/validator-runtime/src/cli.ts"),
  "run",
  join(root, "bench/fixtures/sleep-validator.ts"),
];
const VALIDATOR: ValidatorDefinition = {
  id: "sleep",
  type: "CUSTOM_VALIDATOR",
  version: "1",
  file_ports: [],
};

function runDirect(inputUri: string, workMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(COMMAND, ARGS, {
      cwd: root,
      stdio: "ignore",
      env: {
        ...process.env,
        VALIDIBOT_INPUT_URI: inputUri,
        DEPLOYMENT_TARGET: "self_hosted",
        BENCH_WORK_MS: String(workMs),
      },
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`exit ${code}`)),
    );
  });
}

async function measure(
  workMs: number,
  repeats: number,
): Promise<{ service: number[]; direct: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), "validibot-bench-local-"));
  const launcher = new LocalProcessLauncher({
    command: COMMAND,
    args: ARGS,
    cwd: root,
    workerKey: WORKER_KEY,
    env: { BENCH_WORK_MS: String(workMs) },
  });
  const host = await startHarness({ launcher, dir, service: { validators: [VALIDATOR] } });
  // Envelopes for the direct runs: the same service code, callbacks off, nothing launched.
  const directStore = new SqliteRunStore({ path: join(dir, "direct.sqlite") });
  const prepared = await createValidationService({
    store: directStore,
    storage: new FilesystemStorage({ root: join(dir, "direct") }),
    launcher: new RecordingLauncher(),
    validators: [VALIDATOR],
    callbacks: { url: null, authenticator: new WorkerKeyAuthenticator({ key: WORKER_KEY }) },
  });
  const service: number[] = [];
  const direct: number[] = [];
  try {
    for (let i = 0; i < repeats; i += 1) {
      const t0 = performance.now();
      const run = await host.service.submit({ validatorId: VALIDATOR.id });
      const done = await host.service.waitForRun(run.id, { timeoutMs: 60_000 });
      if (done.status !== "SUCCEEDED")
        throw new Error(`run ended ${done.status}: ${done.error_message}`);
      service.push(performance.now() - t0);

      const envelopeRun = await prepared.submit({ validatorId: VALIDATOR.id });
      const attempt = await directStore.getAttempt(envelopeRun.current_attempt_id as string);
      if (!attempt) throw new Error("the prepared run has no attempt");
      direct.push(await runDirect(attempt.input_uri, workMs));
    }
  } finally {
    await prepared.close();
    await host.close({ keepDir: true });
    rmSync(dir, { recursive: true, force: true });
  }
  return { service, direct };
}

/** The benchmark as `npm run bench` runs it. */
export async function run(): Promise<BenchResult> {
  const figures: Figure[] = [];
  for (const [label, workMs, repeats] of [
    ["validator that exits at once", 0, 7],
    ["validator that works 1 s", 1000, 5],
  ] as const) {
    const { service, direct } = await measure(workMs, repeats);
    const s = median(service);
    const d = median(direct);
    figures.push(
      compare(`${label}: submit to SUCCEEDED`, s, d, "ms", "the same command run directly"),
    );
    figures.push({ label: `${label}: host overhead`, value: s - d, unit: "ms" });
  }
  return {
    name: "local-process",
    description:
      "Median wall time from submit() to SUCCEEDED through LocalProcessLauncher (the runtime CLI as a child process, its real HTTP callback, SQLite, FilesystemStorage), against the same command run directly on a prepared envelope with callbacks off, alternating run by run.",
    figures,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMain(run);
