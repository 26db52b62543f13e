import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The folder of the C fixtures (sources and the minimal FMI headers). */
export const FIXTURES_DIR = fileURLToPath(new URL("../fixtures/", import.meta.url));

/**
 * Compiles a fixture C file into a shared library with the machine's `cc -shared -fPIC` and
 * returns its path. Builds are cached by content (source, headers, defines) in the system
 * temp folder, and written under a temporary name then renamed, so parallel test files can
 * share them.
 */
export async function compileFixture(
  source: string,
  defines: Record<string, string | number> = {},
): Promise<string> {
  const sourcePath = join(FIXTURES_DIR, source);
  const hash = createHash("sha256");
  for (const file of [source, "fmi2-minimal.h", "fmi3-minimal.h", "me-models.h"]) {
    hash.update(await readFile(join(FIXTURES_DIR, file)));
  }
  const flags = Object.entries(defines)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `-D${key}=${value}`);
  hash.update(flags.join("\n"));
  const cacheDir = join(tmpdir(), "validibot-fmu-fixtures");
  await mkdir(cacheDir, { recursive: true });
  const output = join(
    cacheDir,
    `${source.replace(/\.c$/, "")}-${hash.digest("hex").slice(0, 16)}.so`,
  );
  if (await exists(output)) return output;
  const partial = `${output}.${process.pid}.${Date.now()}.tmp`;
  await run("cc", [
    "-shared",
    "-fPIC",
    "-O2",
    "-std=gnu11",
    "-Wall",
    "-fvisibility=hidden",
    `-I${FIXTURES_DIR}`,
    ...flags,
    "-o",
    partial,
    sourcePath,
    "-lm",
  ]);
  await rename(partial, output);
  return output;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
