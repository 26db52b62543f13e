import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isValidator } from "../define-validator";
import { ExitCode } from "../exit-codes";
import { errorMessage } from "../log";
import type { Validator } from "../types";
import { CliError } from "./cli-error";

/** The validators built into this package, by their CLI name. */
export const BUILT_IN_VALIDATORS = ["energyplus", "fmu"] as const;

async function importBuiltIn(name: (typeof BUILT_IN_VALIDATORS)[number]): Promise<unknown> {
  return name === "energyplus" ? import("../energyplus/index") : import("../fmu/index");
}

/**
 * The validator a CLI argument names: `energyplus` or `fmu` (built in, loaded on demand), or the
 * path of a module whose default export is a validator. Throws a `CliError` (exit 3) with a clear
 * message when it cannot be had.
 */
export async function loadValidator(name: string): Promise<Validator<unknown>> {
  const builtIn = (BUILT_IN_VALIDATORS as readonly string[]).includes(name)
    ? (name as (typeof BUILT_IN_VALIDATORS)[number])
    : null;
  let module: unknown;
  try {
    module =
      builtIn !== null
        ? await importBuiltIn(builtIn)
        : await import(pathToFileURL(resolve(name)).href);
  } catch (error) {
    throw new CliError(
      builtIn !== null
        ? `the ${builtIn} validator could not be loaded: ${errorMessage(error)}`
        : `cannot load the validator module ${name}: ${errorMessage(error)}`,
      ExitCode.validatorUnavailable,
    );
  }
  const candidate = (module as { default?: unknown } | null)?.default;
  if (isValidator(candidate)) return candidate;
  // A CommonJS module compiled from `export default` nests it once more.
  const nested = (candidate as { default?: unknown } | null | undefined)?.default;
  if (isValidator(nested)) return nested;
  throw new CliError(
    builtIn !== null
      ? `the ${builtIn} validator is not available in this build`
      : `${name} has no validator as its default export (export default defineValidator({ ... }))`,
    ExitCode.validatorUnavailable,
  );
}
