import { fileURLToPath } from "node:url";

/** A command line in the shape `LocalProcessLauncher` and `DockerLauncher` options take. */
export interface ValidatorCommand {
  /** The executable: the Node.js running this process (`process.execPath`). */
  command: string;
  /** The CLI's script, then the arguments given. */
  args: string[];
}

/**
 * The absolute path of this package's `validibot-validator` script (`bin/validibot-validator.js`),
 * found from this module's own location, so it needs neither `node_modules/.bin` on PATH nor a
 * shell.
 */
export function validatorBinPath(): string {
  return fileURLToPath(new URL("../../bin/validibot-validator.js", import.meta.url));
}

/**
 * `validibot-validator <args>` run by the current Node.js executable: `{ command, args }` to
 * spread into a launcher's options, e.g. `validatorCommand("run", "fmu")`. Loads nothing of the
 * runtime itself, so a host may import it without taking on the validators' dependencies.
 */
export function validatorCommand(...args: string[]): ValidatorCommand {
  return { command: process.execPath, args: [validatorBinPath(), ...args] };
}
