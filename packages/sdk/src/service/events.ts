import { EventEmitter } from "node:events";
import type { RunRecord } from "../model";
import type { ResultOutcome } from "./process-result";
import type { ReconcileSummary } from "./reconcile";

/** The events a validation service emits, each with the run as it is after the change. */
export interface ValidationServiceEvents {
  /** A run was created and its files are being written. */
  "run.created": [run: RunRecord];
  /** The launcher accepted the attempt; the run is `RUNNING`. */
  "run.started": [run: RunRecord];
  "run.succeeded": [run: RunRecord];
  "run.failed": [run: RunRecord];
  "run.canceled": [run: RunRecord];
  "run.timed_out": [run: RunRecord];
  /** Any terminal state; emitted after the specific event. */
  "run.finished": [run: RunRecord];
  /** A callback was refused (bad auth, nonce, identity...): for logs and alerts. */
  "callback.rejected": [details: { code: string; message: string; callback_id: string | null }];
  /** A callback was taken: processed now (`accepted`), a replay, or too late to matter. */
  "callback.processed": [details: { outcome: ResultOutcome; run_id: string; callback_id: string }];
  /** A launcher failed to start an attempt (the run ended `FAILED`): `code` is the error's. */
  "launch.failed": [details: { run_id: string; launcher: string | null; code: string }];
  /** One `reconcile()` pass ended, with what it did. */
  "reconcile.finished": [summary: ReconcileSummary];
}

/** A typed event emitter of `ValidationServiceEvents`. */
export class ServiceEvents extends EventEmitter<ValidationServiceEvents> {}

const TERMINAL_EVENT = {
  SUCCEEDED: "run.succeeded",
  FAILED: "run.failed",
  CANCELED: "run.canceled",
  TIMED_OUT: "run.timed_out",
} as const;

/** Emits the specific terminal event of `run` and then `run.finished`. */
export function emitFinished(events: ServiceEvents, run: RunRecord): void {
  const name = TERMINAL_EVENT[run.status as keyof typeof TERMINAL_EVENT];
  if (!name) return;
  events.emit(name, run);
  events.emit("run.finished", run);
}
