import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder of the fixtures. */
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** A fixture's absolute path. */
export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

/** A fresh temporary folder, and a function that removes it. */
export async function tempDir(
  prefix = "eplus-test-",
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
