/**
 * Drops the one `ExperimentalWarning` Node prints when `node:sqlite` loads (the embedded run
 * store uses it on purpose); every other warning is emitted as before. Call it before anything
 * imports `node:sqlite`.
 */
export function quietSqliteWarning(): void {
  const emitWarning = process.emitWarning;
  process.emitWarning = function filtered(
    this: NodeJS.Process,
    warning: string | Error,
    ...rest: unknown[]
  ) {
    const type =
      typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const name = warning instanceof Error ? warning.name : type;
    const message = warning instanceof Error ? warning.message : warning;
    if (name === "ExperimentalWarning" && /\bSQLite\b/.test(message)) return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
}
