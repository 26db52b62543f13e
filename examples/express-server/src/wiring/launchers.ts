import { isAbsolute, join, resolve } from "node:path";
import {
  CloudRunJobLauncher,
  DockerLauncher,
  type Launcher,
  LauncherRegistry,
  LocalProcessLauncher,
  MockLauncher,
} from "@validibot/sdk";
import type { Logger } from "pino";
import type { DockerLaunchConfig, LocalLaunchConfig, ValidatorConfig } from "../config-file";
import { configDirOf, type ServerSettings } from "../settings";
import { ExecutionLog } from "./execution-log";
import { runtimeCli } from "./runtime-command";

function localLauncher(
  validator: ValidatorConfig,
  local: LocalLaunchConfig,
  settings: ServerSettings,
  workerKey: string,
  executions: ExecutionLog,
): Launcher {
  const configDir = configDirOf(settings);
  let command: string;
  let args: string[];
  if (local.runtime !== undefined) {
    const cli = runtimeCli();
    command = cli.command;
    args = [...cli.args, "run", local.runtime, ...local.args];
  } else {
    command = local.command as string;
    args = local.args;
  }
  const launcher = new LocalProcessLauncher({
    name: `local-process:${validator.id}`,
    command,
    args,
    env: local.env,
    cwd:
      local.cwd === undefined
        ? configDir
        : isAbsolute(local.cwd)
          ? local.cwd
          : resolve(configDir, local.cwd),
    workerKey,
    scratchRoot: join(settings.dataDir, "scratch"),
    ...(local.max_concurrent ? { maxConcurrent: local.max_concurrent } : {}),
    onExit: executions.onExit,
  });
  return executions.track(launcher);
}

function dockerLauncher(
  validator: ValidatorConfig,
  docker: DockerLaunchConfig,
  workerKey: string,
): Launcher {
  return new DockerLauncher({
    name: `docker:${validator.id}`,
    image: docker.image,
    ...(docker.network ? { network: docker.network } : {}),
    extraArgs: docker.extra_args,
    env: docker.env,
    workerKey,
  });
}

/**
 * The launcher of every validator for the settings' mode: one `MockLauncher` (HTTP callbacks with
 * the worker key) in mock mode; per validator a `LocalProcessLauncher` (or a `DockerLauncher`)
 * in local mode; one `CloudRunJobLauncher` running each validator's job in production.
 */
export function buildLaunchers(
  settings: ServerSettings,
  workerKey: string | null,
  logger: Logger,
): LauncherRegistry {
  if (settings.mode === "mock") {
    if (!workerKey) throw new Error("mock mode needs a worker key");
    const mock = new MockLauncher({
      delayMs: settings.mock.delayMs,
      failRate: settings.mock.failRate,
      delivery: { http: { workerKey } },
    });
    return new LauncherRegistry({ default: mock });
  }
  if (settings.mode === "production") {
    const google = settings.google;
    if (!google) throw new Error("production mode needs the Google Cloud settings");
    const jobs = new Map(
      settings.validators.map((validator) => [validator.id, validator.launch.cloudRun?.job]),
    );
    const cloudRun = new CloudRunJobLauncher({
      project: google.project,
      region: google.region,
      jobNameFor: (request) => jobs.get(request.validator.id) ?? "",
    });
    return new LauncherRegistry({ default: cloudRun });
  }
  if (!workerKey) throw new Error("local mode needs a worker key");
  const executions = new ExecutionLog(logger);
  const byValidatorId: Record<string, Launcher> = {};
  for (const validator of settings.validators) {
    const { local, docker } = validator.launch;
    if (local)
      byValidatorId[validator.id] = localLauncher(
        validator,
        local,
        settings,
        workerKey,
        executions,
      );
    else if (docker) byValidatorId[validator.id] = dockerLauncher(validator, docker, workerKey);
  }
  return new LauncherRegistry({ byValidatorId });
}
