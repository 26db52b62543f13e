import { rm } from "node:fs/promises";
import { ExitCode } from "../exit-codes";
import { runAttempt } from "../run-validator";
import { loadValidator } from "./load-validator";
import { buildLocalBundle } from "./local-bundle";
import type { CliIo } from "./main";
import { formatReport } from "./report";
import { parseTryArgs } from "./try-args";

/** The environment of a local try: the user's, minus the variables that would redirect the attempt. */
function tryEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.VALIDIBOT_INPUT_URI;
  delete copy.VALIDIBOT_OUTPUT_URI;
  return copy;
}

/**
 * `validibot-validator try`: builds a local bundle from the given files, runs the validator on it
 * in this process with callbacks off, prints the findings and metrics, and returns 0 when the
 * status is `success`, 1 for any other status, or the attempt's infrastructure exit code.
 */
export async function tryCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseTryArgs(args);
  const validator = await loadValidator(parsed.validator);
  const bundle = await buildLocalBundle({
    type: validator.type,
    validatorVersion: validator.version,
    files: parsed.files,
    inputs: parsed.inputs,
    timeoutSeconds: parsed.timeoutSeconds,
  });
  try {
    io.stdout(`${validator.type} validator ${validator.version}\n\n`);
    const outcome = await runAttempt(validator, {
      inputUri: bundle.inputUri,
      args: [],
      env: tryEnvironment(process.env),
      log: io.log,
    });
    if (outcome.output === null) {
      io.stdout(
        `The attempt failed before writing its output: ${outcome.error ?? "unknown error"}\n`,
      );
      return outcome.exitCode;
    }
    io.stdout(formatReport(outcome.output));
    if (outcome.exitCode !== ExitCode.ok) return outcome.exitCode;
    return outcome.output.status === "success" ? ExitCode.ok : ExitCode.notSuccess;
  } finally {
    if (parsed.keep) io.stdout(`\nBundle kept at ${bundle.folder}\n`);
    else await rm(bundle.folder, { recursive: true, force: true });
  }
}
