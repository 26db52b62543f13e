import { ValidibotError } from "@validibot/contracts";
import type { RunRecord } from "../model";
import { parseInstant } from "./validate";

/** Where a page of `listRuns` ended: the last run's `(created_at, id)`, newest first. */
export interface RunCursor {
  created_at: string;
  id: string;
}

/** The opaque cursor after `run`: base64url of `[created_at, id]`. */
export function encodeCursor(run: Pick<RunRecord, "created_at" | "id">): string {
  return Buffer.from(JSON.stringify([run.created_at, run.id]), "utf8").toString("base64url");
}

/** Reads a cursor made by `encodeCursor`; anything else is `invalid_request`. */
export function decodeCursor(cursor: string): RunCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== "string" ||
    typeof value[1] !== "string"
  ) {
    throw new ValidibotError("invalid_request", "invalid cursor: not one this store made");
  }
  return { created_at: parseInstant(value[0], "cursor"), id: value[1] };
}
