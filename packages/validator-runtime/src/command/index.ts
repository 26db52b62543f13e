/**
 * The `validibot-validator` command as a host launches it, without PATH lookups.
 *
 * @module @validibot/validator-runtime/command
 * @example
 * ```ts
 * import { validatorCommand } from "@validibot/validator-runtime/command";
 * const launcher = new LocalProcessLauncher({ ...validatorCommand("run", "fmu"), workerKey });
 * ```
 */
export { type ValidatorCommand, validatorBinPath, validatorCommand } from "./validator-command";
