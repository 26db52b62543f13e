import {
  accessSync,
  closeSync,
  constants,
  openSync,
  readSync,
  realpathSync,
  statSync,
} from "node:fs";
import { delimiter, dirname, join } from "node:path";
import type { ProcessRunner } from "./process-runner";
import { parseIddHeader, parseVersionOutput } from "./version";

/** What is known about the EnergyPlus binary a run uses. */
export interface EnergyPlusBinary {
  path: string;
  /** `24.1.0`, from `energyplus --version`; null when it could not be read. */
  version: string | null;
  build: string | null;
  /** The `Energy+.idd` beside the binary, with its `!IDD_Version` and `!IDD_BUILD`. */
  iddPath: string | null;
  iddVersion: string | null;
  iddBuild: string | null;
  /** What `--version` printed (trimmed), for people. */
  versionOutput: string;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the EnergyPlus binary is: `ENERGYPLUS_BIN` when set (it must be an executable file),
 * else the first executable `energyplus` on `PATH`. Null when there is none.
 */
export function findEnergyPlusBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.ENERGYPLUS_BIN?.trim();
  if (explicit) return isExecutableFile(explicit) ? explicit : null;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "energyplus");
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

function readHead(path: string, bytes: number): string | null {
  try {
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.alloc(bytes);
      const n = readSync(fd, buf, 0, bytes, 0);
      return buf.subarray(0, n).toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

/** Asks the binary its version (`--version`, 30 s at most) and reads the IDD beside it. */
export async function probeBinary(runner: ProcessRunner, path: string): Promise<EnergyPlusBinary> {
  let output = "";
  try {
    const result = await runner.runProcess(path, ["--version"], {
      timeoutMs: 30_000,
      tailBytes: 4096,
    });
    output = `${result.stdoutTail}\n${result.stderrTail}`.trim();
  } catch (error) {
    output = error instanceof Error ? error.message : String(error);
  }
  const parsed = parseVersionOutput(output);
  let real = path;
  try {
    real = realpathSync(path);
  } catch {}
  const iddPath = join(dirname(real), "Energy+.idd");
  const head = readHead(iddPath, 4096);
  const idd = head === null ? { version: null, build: null } : parseIddHeader(head);
  return {
    path,
    version: parsed?.version ?? null,
    build: parsed?.build ?? null,
    iddPath: head === null ? null : iddPath,
    iddVersion: idd.version,
    iddBuild: idd.build,
    versionOutput: output,
  };
}
