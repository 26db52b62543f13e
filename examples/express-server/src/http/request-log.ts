import type { RequestHandler } from "express";
import type { Logger } from "pino";

/** Paths logged at `debug` only: polled constantly, seldom interesting. */
const QUIET = new Set(["/healthz"]);

/**
 * Logs each request once it is answered: method, path, status, duration, the run it concerned
 * (`run_id`, set by handlers in `res.locals`). Never headers, bodies or query values, so no
 * credential or upload ever reaches the log.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const path = req.originalUrl.split("?")[0] ?? "/";
    res.on("close", () => {
      const fields = {
        method: req.method,
        path,
        status: res.statusCode,
        duration_ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ...(typeof res.locals.run_id === "string" ? { run_id: res.locals.run_id } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (QUIET.has(path)) logger.debug(fields, "request");
      else if (res.statusCode >= 500) logger.error(fields, "request");
      else logger.info(fields, "request");
    });
    next();
  };
}
