/** Where the runtime writes its log lines. Default: `stderrLogger`. */
export type Logger = (line: string) => void;

/** Writes each line to stderr with a `[validibot]` prefix; Cloud Run collects stderr as logs. */
export const stderrLogger: Logger = (line) => {
  process.stderr.write(`[validibot] ${line}\n`);
};

/** A logger that drops every line, for embedding and tests that assert on other things. */
export const silentLogger: Logger = () => {};

/** The message of an unknown thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
