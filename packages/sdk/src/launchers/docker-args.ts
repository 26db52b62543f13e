import { fileURLToPath } from "node:url";
import { ValidibotError } from "@validibot/contracts";
import { contractEnv } from "./contract-env";
import type { LaunchRequest } from "./types";

/** The label every container of a Docker launcher carries; `cleanup()` finds containers by it. */
export const MANAGED_LABEL = "validibot.managed=true";

/** What shapes one `docker run` besides the request. */
export interface DockerRunSpec {
  image: string;
  /** Environment variables passed by name only (`-e NAME`): their values travel in the CLI's env. */
  secretNames: string[];
  network: string | undefined;
  hostGateway: boolean;
  labels: Record<string, string>;
  scratchRoot: string | undefined;
  extraArgs: string[];
  launcherName: string;
}

/** The container name of an attempt: `validibot-<attempt id>`, in the characters Docker allows. */
export function containerNameFor(attemptId: string): string {
  return `validibot-${attemptId.replace(/[^a-zA-Z0-9_.-]/g, "-")}`;
}

/** The local path of a `file://` URI, without a trailing slash; undefined for other schemes. */
export function localPathOf(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  const path = fileURLToPath(uri);
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/**
 * The arguments of `docker run` for one attempt: detached, removed on exit, named and labelled
 * for clean-up; the bundle folder mounted read-write at its own path (so `file://` URIs in
 * `input.json` resolve inside the container) and any input file outside it mounted read-only the
 * same way; the contract's environment with values, secrets by name only.
 */
export function dockerRunArgs(request: LaunchRequest, spec: DockerRunSpec): string[] {
  const args = ["run", "--rm", "-d", "--name", containerNameFor(request.attempt.id)];
  const labels: Record<string, string> = {
    ...spec.labels,
    "validibot.managed": "true",
    "validibot.run_id": request.run.id,
    "validibot.attempt_id": request.attempt.id,
    "validibot.launcher": spec.launcherName,
  };
  for (const [key, value] of Object.entries(labels)) args.push("--label", `${key}=${value}`);
  if (spec.network) args.push("--network", spec.network);
  if (spec.hostGateway) args.push("--add-host", "host.docker.internal:host-gateway");
  for (const mount of mountsFor(request)) args.push("-v", mount);
  const env = contractEnv(request, {
    deploymentTarget: "self_hosted",
    scratchRoot: spec.scratchRoot,
  });
  for (const [name, value] of Object.entries(env)) args.push("-e", `${name}=${value}`);
  for (const name of spec.secretNames) args.push("-e", name);
  args.push(...spec.extraArgs, spec.image);
  return args;
}

function mountsFor(request: LaunchRequest): string[] {
  const bundle = localPathOf(request.bundleUri);
  if (request.bundleUri.startsWith("gs:")) return [];
  if (bundle === undefined) {
    throw new ValidibotError(
      "launch_failed",
      `DockerLauncher needs a file:// or gs:// bundle, got ${request.bundleUri}`,
    );
  }
  const mounts = [bindMount(bundle, "")];
  const files = [...request.envelope.input_files, ...request.envelope.resource_files];
  const seen = new Set<string>();
  for (const file of files) {
    const path = localPathOf(file.uri);
    if (path === undefined || path.startsWith(`${bundle}/`) || seen.has(path)) continue;
    seen.add(path);
    mounts.push(bindMount(path, ":ro"));
  }
  return mounts;
}

function bindMount(path: string, mode: string): string {
  if (path.includes(":")) {
    throw new ValidibotError(
      "launch_failed",
      `cannot mount ${path} into a container: docker -v does not accept a ':' in a path`,
    );
  }
  return `${path}:${path}${mode}`;
}
