import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { SettingsError } from "../settings-error";

/** A command line: the executable and its first arguments. */
export interface CommandLine {
  command: string;
  args: string[];
}

/**
 * How to run `@validibot/validator-runtime`'s CLI (`validibot-validator`) with the current Node
 * executable: its built `dist/cli.js` when the package is built, else its TypeScript source
 * through tsx (a checkout of this repository without a build).
 */
export function runtimeCli(): CommandLine {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve("@validibot/validator-runtime/package.json"));
  } catch (error) {
    throw new SettingsError([
      `cannot find @validibot/validator-runtime to run built-in validators: ${(error as Error).message}`,
    ]);
  }
  const built = join(packageDir, "dist", "cli.js");
  if (existsSync(built)) return { command: process.execPath, args: [built] };
  const source = join(packageDir, "src", "cli.ts");
  if (existsSync(source)) {
    const tsx = pathToFileURL(require.resolve("tsx")).href;
    return { command: process.execPath, args: ["--import", tsx, source] };
  }
  throw new SettingsError([
    `@validibot/validator-runtime at ${packageDir} has neither dist/cli.js nor src/cli.ts; run npm run build`,
  ]);
}
