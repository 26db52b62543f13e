import { ExitCode } from "../exit-codes";
import { errorMessage, stderrLogger } from "../log";
import { runValidator } from "../run-validator";
import { CliError } from "./cli-error";
import { loadValidator } from "./load-validator";
import { USAGE } from "./usage";

/**
 * The CLI: `run <validator> [input-uri]`, `try <validator> --file ...`, `--help`. Returns the exit
 * code; writes results to stdout and everything else to stderr. Never throws.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run": {
        const [name, ...args] = rest;
        if (name === undefined || name.startsWith("-")) {
          throw new CliError("run needs a validator (see validibot-validator --help)", ExitCode.usage);
        }
        return await runValidator(await loadValidator(name), { args });
      }
      case "try": {
        const { tryCommand } = await import("./try-command");
        return await tryCommand(rest);
      }
      case "--help":
      case "-h":
      case "help":
        process.stdout.write(USAGE);
        return ExitCode.ok;
      default:
        process.stderr.write(
          `${command === undefined ? "no command given" : `unknown command ${JSON.stringify(command)}`}\n\n${USAGE}`,
        );
        return ExitCode.usage;
    }
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`validibot-validator: ${error.message}\n`);
      return error.exitCode;
    }
    stderrLogger(`internal error: ${error instanceof Error ? (error.stack ?? errorMessage(error)) : String(error)}`);
    return ExitCode.internal;
  }
}
