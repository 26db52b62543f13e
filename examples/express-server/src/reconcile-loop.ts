import type { ValidationService } from "@validibot/sdk";
import type { Logger } from "pino";

/**
 * Calls `service.reconcile()` every `intervalSeconds` (never two at once), so runs whose callback
 * never came still end. Returns the function that stops it. An interval of 0 does nothing.
 */
export function startReconcileLoop(
  service: ValidationService,
  intervalSeconds: number,
  logger: Logger,
): () => void {
  if (intervalSeconds <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    service
      .reconcile()
      .then(
        (summary) => {
          if (Object.values(summary).some((count) => typeof count === "number" && count > 0)) {
            logger.info({ ...summary }, "reconciled overdue runs");
          }
        },
        (error: unknown) => logger.error({ err: error }, "reconcile failed"),
      )
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
