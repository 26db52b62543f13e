import { chmod, copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { fixture, tempDir } from "./helpers";

/**
 * A folder with an executable `energyplus` (the Node stand-in in fixtures/stand-in, run by this
 * Node) and an `Energy+.idd` header beside it, and the PATH that finds it first.
 */
export async function installStandIn(): Promise<{
  binDir: string;
  path: string;
  env: NodeJS.ProcessEnv;
  remove: () => Promise<void>;
}> {
  const { dir, remove } = await tempDir("eplus-bin-");
  const script = fixture("stand-in", "fake-energyplus.mjs");
  const bin = join(dir, "energyplus");
  await writeFile(bin, `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
  await chmod(bin, 0o755);
  await writeFile(join(dir, "Energy+.idd"), "!IDD_Version 24.1.0\n!IDD_BUILD 9d7789a3ac\n");
  const path = `${dir}${delimiter}${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`;
  return {
    binDir: dir,
    path: bin,
    env: { ...process.env, ENERGYPLUS_BIN: "", PATH: path },
    remove,
  };
}

/** Copies a fixture model into `dir`, with a `! stand-in: <scenario>` line for IDF models. */
export async function modelFor(dir: string, file: string, scenario?: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, file);
  if (scenario && file.endsWith(".idf")) {
    await writeFile(target, `${await readFile(fixture(file), "utf8")}\n! stand-in: ${scenario}\n`);
  } else {
    await copyFile(fixture(file), target);
  }
  return target;
}
