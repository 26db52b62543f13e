import type { AssertionStage } from "@validibot/contracts";

/** What a file looks like to an assertion, by port key. */
export interface FileSignal {
  name: string;
  size_bytes: number;
  sha256: string;
  mime_type: string;
}

/** The signals both stages see. */
export interface InputSignals {
  /** The submission's inputs after the validator type's defaults. */
  inputs: Record<string, unknown>;
  /** The files, by port key. */
  files: Record<string, FileSignal>;
  validator: { id: string; type: string; version: string };
}

/** The signals the output stage sees as well. */
export interface OutputSignals extends InputSignals {
  /** The output envelope's typed outputs (null when the validator gave none). */
  outputs: unknown;
  /** Metric name to value. */
  metrics: Record<string, number | string>;
  /** The validator's own finding counts by severity. */
  findings: { ERROR: number; WARNING: number; INFO: number };
  /** The validator's own status (`success`, `failed_validation`, ...). */
  status: string;
}

/**
 * Reads the run's time-series columns by name, once per run and only when an assertion calls
 * `series()`; a name the series lacks is left out (the assertion then errors).
 */
export type SeriesLoader = (
  columns: readonly string[],
) => Promise<ReadonlyMap<string, readonly number[]>>;

/** The signal names of each stage. */
export const STAGE_ROOTS: Record<AssertionStage, ReadonlySet<string>> = {
  input: new Set(["inputs", "files", "validator"]),
  output: new Set(["inputs", "files", "validator", "outputs", "metrics", "findings", "status"]),
};

/** The largest list, map or string in `value` (elements, keys, characters): the cost estimate's L. */
export function sizeBound(value: unknown, budget = 1_000_000): number {
  let largest = 0;
  let visited = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && visited < budget) {
    const next = stack.pop();
    visited++;
    if (typeof next === "string") largest = Math.max(largest, next.length);
    else if (Array.isArray(next)) {
      largest = Math.max(largest, next.length);
      for (const item of next)
        if (item !== null && typeof item === "object") stack.push(item);
        else if (typeof item === "string") largest = Math.max(largest, item.length);
    } else if (next !== null && typeof next === "object") {
      const values = Object.values(next);
      largest = Math.max(largest, values.length);
      for (const item of values) stack.push(item);
    }
  }
  return visited >= budget ? Math.max(largest, budget) : largest;
}
