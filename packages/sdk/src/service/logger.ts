/**
 * The logging calls the service makes: pino's shape (`logger.info({ run_id }, "message")`), so a
 * pino logger can be passed as is. Default: silent.
 */
export interface ServiceLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** A logger that drops everything. */
export const silentLogger: ServiceLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
