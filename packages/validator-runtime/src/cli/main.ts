import { ExitCode } from "../exit-codes";
import { errorMessage, type Logger, stderrLogger } from "../log";
import { runValidator } from "../run-validator";
import { CliError } from "./cli-error";
import { loadValidator } from "./load-validator";
import { USAGE } from "./usage";

/** Where the CLI writes: results to `stdout`, messages to `stderr`, the runtime's log to `log`. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  log: Logger;
}

/** The process's own streams. */
export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  log: stderrLogger,
};

/**
 * The CLI: `run <validator> [input-uri]`, `try <validator> --file ...`, `--help`. Returns the exit
 * code (see `ExitCode`); never throws.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run": {
        const [name, ...args] = rest;
        if (name === undefined || name.startsWith("-")) {
          throw new CliError(
            "run needs a validator (see validibot-validator --help)",
            ExitCode.usage,
          );
        }
        return await runValidator(await loadValidator(name), { args, log: io.log });
      }
      case "try": {
        const { tryCommand } = await import("./try-command");
        return await tryCommand(rest, io);
      }
      case "--help":
      case "-h":
      case "help":
        io.stdout(USAGE);
        return ExitCode.ok;
      default:
        io.stderr(
          `${command === undefined ? "no command given" : `unknown command ${JSON.stringify(command)}`}\n\n${USAGE}`,
        );
        return ExitCode.usage;
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`validibot-validator: ${error.message}\n`);
      return error.exitCode;
    }
    io.log(
      `internal error: ${error instanceof Error ? (error.stack ?? errorMessage(error)) : String(error)}`,
    );
    return ExitCode.internal;
  }
}
