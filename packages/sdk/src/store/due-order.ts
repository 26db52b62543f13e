import type { RunRecord } from "../model";

/**
 * The order overdue runs are handed out in, by every store: earliest `deadline_at` first, then
 * by id, so a batch is the same whichever store or status index it was read from.
 */
export function dueFirst(a: RunRecord, b: RunRecord): number {
  const ad = a.deadline_at ?? "";
  const bd = b.deadline_at ?? "";
  if (ad !== bd) return ad < bd ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
