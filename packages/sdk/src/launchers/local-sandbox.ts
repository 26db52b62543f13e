import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { bubblewrapArgs } from "../process/bubblewrap";
import { prlimitCommand, type ResolvedLimits } from "../process/resource-limits";
import {
  commandReadOnlyPaths,
  isWithinPath,
  minimalCover,
  storageRootOfBundle,
} from "../process/sandbox-paths";
import { localPathOf } from "./docker-args";
import type { LaunchRequest } from "./types";

/** The `PATH` inside a sandbox: the system's folders (the validator's executable is given by its absolute path). */
export const SANDBOX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** What shapes one sandbox besides the request. */
export interface SandboxSetup {
  bwrap: string;
  prlimit: string;
  /** The executable, already resolved to an absolute path. */
  command: string;
  args: string[];
  /** The configured working directory, if any (bound read-only and entered); else the scratch folder. */
  cwd: string | undefined;
  limits: ResolvedLimits;
  readOnlyPaths: string[];
  hiddenPaths: string[];
  /** Where this attempt's scratch folder is made. */
  scratchRoot: string;
}

/** A sandboxed spawn: `bwrap` with its arguments, the attempt's scratch folder, and how to remove it. */
export interface SandboxedSpawn {
  command: string;
  args: string[];
  scratchDir: string;
  cleanup: () => Promise<void>;
}

/**
 * Plans the bubblewrap sandbox of one attempt: only its bundle is visible, read-write, with
 * `input.json` and the input files inside it bound read-only over it; input files outside the
 * bundle read-only; a fresh scratch folder of its own read-write; the validator's install folders
 * read-only; the storage root (every other run) and `hiddenPaths` (the data folder, the worker
 * key) behind an empty tmpfs; all of it run through `prlimit` with the limits.
 */
export async function planSandbox(
  request: LaunchRequest,
  setup: SandboxSetup,
): Promise<SandboxedSpawn> {
  const scratchDir = await mkdtemp(join(setup.scratchRoot, `${request.attempt.id}.`));
  const cleanup = () => rm(scratchDir, { recursive: true, force: true }).catch(() => undefined);
  try {
    const bundle = localPathOf(request.bundleUri);
    const writable = [scratchDir];
    const overlays: string[] = [];
    const readOnly = [
      ...commandReadOnlyPaths(setup.command, setup.args, setup.cwd),
      ...setup.readOnlyPaths.map((path) => resolve(path)),
    ];
    const hidden = setup.hiddenPaths.map((path) => resolve(path));
    if (bundle !== undefined) {
      writable.unshift(bundle);
      const storageRoot = storageRootOfBundle(bundle);
      if (storageRoot) hidden.push(storageRoot, dirname(storageRoot));
      const inputs = [
        request.inputUri,
        ...request.envelope.input_files.map((file) => file.uri),
        ...request.envelope.resource_files.map((file) => file.uri),
      ];
      for (const uri of inputs) {
        const path = localPathOf(uri);
        if (path === undefined || !existsSync(path)) continue;
        if (isWithinPath(bundle, path)) overlays.push(path);
        else readOnly.push(path);
      }
    }
    const args = bubblewrapArgs({
      argv: prlimitCommand(setup.prlimit, setup.limits, setup.command, setup.args),
      readOnly: minimalCover(readOnly),
      hidden: minimalCover(hidden.filter((path) => isAbsolute(path) && path !== "/")),
      writable,
      readOnlyOverlays: [...new Set(overlays)],
      cwd: setup.cwd ?? scratchDir,
    });
    return { command: setup.bwrap, args, scratchDir, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
