import type { ChildProcess } from "node:child_process";
import { stat } from "node:fs/promises";
import { ValidibotError } from "@validibot/contracts";
import { CONTRACT_ENV } from "./contract-env";
import { containerNameFor, dockerRunArgs, localPathOf, MANAGED_LABEL } from "./docker-args";
import { dockerRunError, isNoSuchContainer, runDocker, spawnDocker } from "./docker-cli";
import { MAX_TIMER_MS } from "./process-group";
import type {
  ExecutionStatus,
  LaunchContext,
  Launcher,
  LaunchRequest,
  LaunchResult,
} from "./types";

/** Options of `DockerLauncher`. One of `image` / `imageFor` is required. */
export interface DockerLauncherOptions {
  /** The validator image, e.g. `validibot/validator-energyplus:latest`. */
  image?: string;
  /** The image per request (e.g. by `request.validator.type`), for one launcher serving several validators. */
  imageFor?: (request: LaunchRequest) => string;
  /** The docker CLI: a path, or a name looked up on `PATH`. Default: `docker`. */
  docker?: string;
  /**
   * `--network` of the containers, e.g. the compose network the host runs on, or `host`.
   * Default: Docker's default bridge.
   */
  network?: string;
  /**
   * Adds `--add-host host.docker.internal:host-gateway`, so a container reaches the host's
   * callback endpoint at `http://host.docker.internal:<port>/`. Default: true.
   */
  hostGateway?: boolean;
  /** Arguments inserted before the image (`--memory 4g`, `--cpus 2`, `--user 1000`). Default: none. */
  extraArgs?: string[];
  /**
   * Extra environment variables for the container. They are passed by name (`-e NAME`) with the
   * value in the docker CLI's environment, so no value shows on a command line. Default: none.
   */
  env?: Record<string, string>;
  /** `WORKER_API_KEY` of the container, passed by name like `env`. */
  workerKey: string;
  /** `VALIDIBOT_ATTEMPT_SCRATCH_ROOT` inside the container. Default: not set (the runtime's default). */
  scratchRoot?: string;
  /** Extra labels on every container. `validibot.*` labels are always set and win. Default: none. */
  labels?: Record<string, string>;
  /**
   * Allow callback URLs on localhost / 127.0.0.1 without `network: "host"`. From a container on a
   * bridge network those reach the container itself, not the host, so by default such a launch
   * fails fast with `launch_failed` instead of a run that never calls back. Default: false.
   */
  allowLoopbackCallback?: boolean;
  /** `Launcher.name`, stored with each attempt. Default: `docker`. */
  name?: string;
}

interface ContainerRecord {
  image: string;
  watcher: ChildProcess | undefined;
  /** Settles when the `docker wait` follower has ended. */
  watched: Promise<void>;
  timer: NodeJS.Timeout | undefined;
  exitCode: number | undefined;
  stopped: "cancelled" | "timed_out" | "closed" | undefined;
  timeoutSeconds: number;
}

/**
 * Runs each attempt as a Docker container: `docker run --rm -d` of the validator image with the
 * bundle folder mounted at its own path, the contract's environment (secrets by name only),
 * `host.docker.internal` pointing at the host, and `validibot.*` labels for clean-up. The
 * execution reference is the container name, `validibot-<attempt id>`.
 *
 * While a container runs, a `docker wait` follows it, so its exit code is known after `--rm` has
 * removed it. `status()` answers from that, else from `docker inspect` (`unknown` once the
 * container is gone, e.g. after a host restart). The attempt's timeout and `cancel()` stop the
 * container with `docker kill`. Container output is not kept by the launcher: it goes to Docker's
 * logging driver (`docker logs` while the container exists).
 */
export class DockerLauncher implements Launcher {
  readonly name: string;
  private readonly options: DockerLauncherOptions;
  private readonly docker: string;
  private readonly containers = new Map<string, ContainerRecord>();
  private closed = false;

  constructor(options: DockerLauncherOptions) {
    if (!options.image && !options.imageFor) {
      throw new ValidibotError("invalid_request", "DockerLauncher needs image or imageFor");
    }
    if (typeof options.workerKey !== "string" || options.workerKey.length === 0) {
      throw new ValidibotError("invalid_request", "DockerLauncher needs a workerKey");
    }
    this.options = options;
    this.docker = options.docker ?? "docker";
    this.name = options.name ?? "docker";
  }

  async launch(request: LaunchRequest, _context: LaunchContext): Promise<LaunchResult> {
    if (this.closed) throw new ValidibotError("launch_failed", `launcher ${this.name} is closed`);
    const image = this.imageFor(request);
    this.checkCallbackReachable(request);
    await this.checkBundle(request);
    const secretNames = [CONTRACT_ENV.workerKey, ...Object.keys(this.options.env ?? {})];
    const args = dockerRunArgs(request, {
      image,
      secretNames,
      network: this.options.network,
      hostGateway: this.options.hostGateway ?? true,
      labels: this.options.labels ?? {},
      scratchRoot: this.options.scratchRoot,
      extraArgs: this.options.extraArgs ?? [],
      launcherName: this.name,
    });
    const name = containerNameFor(request.attempt.id);
    const result = await runDocker(this.docker, args, this.cliEnv());
    if (result.code !== 0) {
      // A container created but not started would linger; a name conflict is someone else's.
      if (!/conflict/i.test(result.stderr)) {
        await runDocker(this.docker, ["rm", "-f", name], this.cliEnv()).catch(() => undefined);
      }
      throw dockerRunError(image, result);
    }
    const record: ContainerRecord = {
      image,
      watcher: undefined,
      watched: Promise.resolve(),
      timer: undefined,
      exitCode: undefined,
      stopped: undefined,
      timeoutSeconds: request.timeoutSeconds,
    };
    this.containers.set(name, record);
    this.watch(name, record);
    if (request.timeoutSeconds > 0) {
      record.timer = setTimeout(
        () => {
          record.stopped ??= "timed_out";
          void this.kill(name).catch(() => {});
        },
        Math.min(request.timeoutSeconds * 1000, MAX_TIMER_MS),
      );
      record.timer.unref();
    }
    return { executionRef: name };
  }

  async status(executionRef: string): Promise<ExecutionStatus> {
    const record = this.containers.get(executionRef);
    const known = record && this.recordedStatus(record);
    if (known) return known;
    const result = await runDocker(
      this.docker,
      ["inspect", "--format", "{{json .State}}", executionRef],
      this.cliEnv(),
    );
    if (result.code !== 0) {
      if (isNoSuchContainer(result.stderr)) {
        // Removed by --rm: the follower reports its exit code as soon as it has seen it.
        if (record) {
          await record.watched;
          const followed = this.recordedStatus(record);
          if (followed) return followed;
        }
        return {
          state: "unknown",
          detail: `no container ${executionRef}: it ended and was removed, or never existed`,
        };
      }
      throw new ValidibotError(
        "launch_failed",
        `docker inspect ${executionRef} failed: ${result.stderr.trim() || `exit code ${result.code}`}`,
      );
    }
    return stateStatus(result.stdout);
  }

  private recordedStatus(record: ContainerRecord): ExecutionStatus | undefined {
    if (record.stopped === "timed_out") {
      return {
        state: "failed",
        detail: `timed out after ${record.timeoutSeconds} s; the container was killed`,
        exitCode: record.exitCode ?? null,
      };
    }
    if (record.stopped) {
      const what = record.stopped === "closed" ? "stopped: the launcher was closed" : "cancelled";
      return { state: "cancelled", detail: what, exitCode: record.exitCode ?? null };
    }
    if (record.exitCode !== undefined) return exitStatus(record.exitCode, false);
    return undefined;
  }

  async cancel(executionRef: string): Promise<void> {
    const record = this.containers.get(executionRef);
    if (record && record.exitCode !== undefined) return;
    if (record) record.stopped ??= "cancelled";
    await this.kill(executionRef);
  }

  /** Kills the containers this launcher started that still run, and stops following them. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.containers.entries()].filter(([, r]) => r.exitCode === undefined);
    await Promise.all(
      running.map(async ([name, record]) => {
        record.stopped ??= "closed";
        await this.kill(name).catch(() => {});
      }),
    );
    for (const record of this.containers.values()) {
      if (record.timer) clearTimeout(record.timer);
      record.watcher?.kill();
    }
  }

  /**
   * Removes every container labelled `validibot.managed=true` (running or not), including ones
   * left by earlier host processes. Returns the ids removed.
   */
  async cleanup(): Promise<string[]> {
    const env = this.cliEnv();
    const list = await runDocker(
      this.docker,
      ["ps", "-aq", "--filter", `label=${MANAGED_LABEL}`],
      env,
    );
    if (list.code !== 0) {
      throw new ValidibotError("launch_failed", `docker ps failed: ${list.stderr.trim()}`);
    }
    const ids = list.stdout.split(/\s+/).filter(Boolean);
    if (ids.length === 0) return [];
    const removed = await runDocker(this.docker, ["rm", "-f", ...ids], env);
    if (removed.code !== 0 && !isNoSuchContainer(removed.stderr)) {
      throw new ValidibotError("launch_failed", `docker rm failed: ${removed.stderr.trim()}`);
    }
    return ids;
  }

  private imageFor(request: LaunchRequest): string {
    const image = this.options.imageFor ? this.options.imageFor(request) : this.options.image;
    if (!image) {
      throw new ValidibotError(
        "launch_failed",
        `no Docker image is configured for validator ${request.validator.id}`,
      );
    }
    return image;
  }

  private checkCallbackReachable(request: LaunchRequest): void {
    const { context } = request.envelope;
    if (!context.callback_url || context.skip_callback) return;
    if (this.options.allowLoopbackCallback || this.options.network === "host") return;
    const host = new URL(context.callback_url).hostname;
    if (host === "localhost" || host === "[::1]" || /^127\./.test(host)) {
      throw new ValidibotError(
        "launch_failed",
        `the callback URL ${context.callback_url} points at the loopback interface, which inside a container is the container itself: ` +
          "set the host's callback URL to http://host.docker.internal:<port>/... (and listen on 0.0.0.0), " +
          'run the containers with network: "host", or set allowLoopbackCallback',
        { details: { callback_url: context.callback_url } },
      );
    }
  }

  private async checkBundle(request: LaunchRequest): Promise<void> {
    const bundle = localPathOf(request.bundleUri);
    if (bundle === undefined) return;
    const info = await stat(bundle).catch(() => undefined);
    // Docker would create a missing mount source as an empty root-owned folder.
    if (!info?.isDirectory()) {
      throw new ValidibotError(
        "launch_failed",
        `the bundle folder ${bundle} does not exist on this machine; the Docker daemon must see it at the same path`,
        { details: { bundle } },
      );
    }
  }

  private watch(name: string, record: ContainerRecord): void {
    let watcher: ReturnType<typeof spawnDocker>;
    try {
      watcher = spawnDocker(this.docker, ["wait", name], this.cliEnv());
    } catch {
      return;
    }
    record.watcher = watcher.child;
    record.watched = new Promise((resolve) => {
      watcher.child.on("error", () => {});
      watcher.child.once("close", (code) => {
        record.watcher = undefined;
        if (record.timer) clearTimeout(record.timer);
        const exitCode = Number.parseInt(watcher.stdout.text().trim(), 10);
        if (code === 0 && Number.isInteger(exitCode)) record.exitCode = exitCode;
        resolve();
      });
    });
  }

  private async kill(name: string): Promise<void> {
    const result = await runDocker(this.docker, ["kill", name], this.cliEnv());
    if (
      result.code === 0 ||
      isNoSuchContainer(result.stderr) ||
      /is not running/i.test(result.stderr)
    ) {
      return;
    }
    throw new ValidibotError(
      "launch_failed",
      `docker kill ${name} failed: ${result.stderr.trim() || `exit code ${result.code}`}`,
    );
  }

  /** The docker CLI's environment: the host's, plus the values of the variables passed by name. */
  private cliEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ...this.options.env,
      [CONTRACT_ENV.workerKey]: this.options.workerKey,
    };
  }
}

function exitStatus(exitCode: number, oomKilled: boolean): ExecutionStatus {
  if (oomKilled) return { state: "failed", detail: "out of memory (OOMKilled)", exitCode };
  if (exitCode === 0) return { state: "succeeded", detail: "exited with code 0", exitCode };
  return { state: "failed", detail: `exited with code ${exitCode}`, exitCode };
}

interface DockerState {
  Status?: string;
  ExitCode?: number;
  OOMKilled?: boolean;
  Error?: string;
}

function stateStatus(json: string): ExecutionStatus {
  let state: DockerState;
  try {
    state = JSON.parse(json) as DockerState;
  } catch {
    throw new ValidibotError(
      "launch_failed",
      `docker inspect printed no JSON state: ${json.trim()}`,
    );
  }
  switch (state.Status) {
    case "created":
    case "running":
    case "restarting":
    case "paused":
      return { state: "running", detail: `container ${state.Status}` };
    case "exited":
    case "dead":
    case "removing":
      return exitStatus(state.ExitCode ?? -1, state.OOMKilled === true);
    default:
      return { state: "unknown", detail: `container state ${state.Status ?? "missing"}` };
  }
}
