let guarded = false;

/**
 * Keeps the attempt alive when nobody reads its stdout or stderr any more: a validator started
 * by a local host whose process was killed (its pipes' reader is gone) gets EPIPE on its next log
 * line, which Node raises as an uncaught stream error that would end the process before it writes
 * `output.json` or calls back. Errors of these two streams are ignored instead: log lines written
 * after that are lost, the attempt's result is not. Installed once, for the life of the process
 * (a write error can surface a tick after the attempt's last line).
 */
export function guardLogStreams(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});
}
