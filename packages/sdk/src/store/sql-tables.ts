/** A value a SQL driver binds: text, a number, or NULL. */
export type SqlValue = string | number | null;

/**
 * How one record type maps to one table, shared by the SQL stores: column order, which
 * columns hold JSON text, instants, integers, and which columns the record does not show.
 */
export interface TableSpec {
  name: string;
  columns: readonly string[];
  json: ReadonlySet<string>;
  instants: ReadonlySet<string>;
  integers: ReadonlySet<string>;
  hidden: ReadonlySet<string>;
}

function spec(
  name: string,
  columns: readonly string[],
  kinds: { json?: string[]; instants?: string[]; integers?: string[]; hidden?: string[] },
): TableSpec {
  return {
    name,
    columns,
    json: new Set(kinds.json),
    instants: new Set(kinds.instants),
    integers: new Set(kinds.integers),
    hidden: new Set(kinds.hidden),
  };
}

/** The `runs` table. */
export const RUNS = spec(
  "runs",
  [
    "id",
    "org_id",
    "org_name",
    "workflow_id",
    "step_id",
    "step_name",
    "step_run_id",
    "validator_id",
    "validator_type",
    "validator_version",
    "status",
    "error_category",
    "error_message",
    "result_status",
    "inputs",
    "files",
    "tags",
    "current_attempt_id",
    "attempt_count",
    "created_at",
    "updated_at",
    "started_at",
    "finished_at",
    "deadline_at",
    "trace_id",
    "rulesets",
    "ruleset_sha256",
    "assertion_results",
  ],
  {
    json: ["inputs", "files", "tags", "rulesets", "assertion_results"],
    instants: ["created_at", "updated_at", "started_at", "finished_at", "deadline_at"],
    integers: ["attempt_count"],
  },
);

/** The `attempts` table. */
export const ATTEMPTS = spec(
  "attempts",
  [
    "id",
    "run_id",
    "number",
    "status",
    "callback_id",
    "nonce_commitment",
    "bundle_uri",
    "input_uri",
    "output_uri",
    "input_sha256",
    "timeout_seconds",
    "launcher",
    "execution_ref",
    "launch_error",
    "stdout_tail",
    "stderr_tail",
    "created_at",
    "launched_at",
    "finished_at",
  ],
  {
    instants: ["created_at", "launched_at", "finished_at"],
    integers: ["number", "timeout_seconds"],
  },
);

/** The `callback_receipts` table. */
export const RECEIPTS = spec(
  "callback_receipts",
  ["callback_id", "run_id", "attempt_id", "state", "outcome", "claimed_at", "processed_at"],
  { instants: ["claimed_at", "processed_at"] },
);

/** The `findings` table. */
export const FINDINGS = spec(
  "findings",
  ["run_id", "attempt_id", "seq", "id", "severity", "code", "message", "location", "tags"],
  { json: ["location", "tags"], integers: ["seq"] },
);

/** The `metrics` table; `value` is JSON so a number stays a number and a string a string. */
export const METRICS = spec(
  "metrics",
  ["run_id", "attempt_id", "seq", "name", "value", "unit", "category", "tags"],
  { json: ["value", "tags"], integers: ["seq"] },
);

/** The `artifacts` table; `seq` (the order in the output) is not part of the record. */
export const ARTIFACTS = spec(
  "artifacts",
  [
    "run_id",
    "attempt_id",
    "seq",
    "name",
    "type",
    "mime_type",
    "size_bytes",
    "sha256",
    "uri",
    "storage_version",
  ],
  { integers: ["seq", "size_bytes"], hidden: ["seq"] },
);

function toValue(table: TableSpec, column: string, value: unknown): SqlValue {
  if (table.json.has(column)) return JSON.stringify(value);
  if (value === null || typeof value === "string" || typeof value === "number") return value;
  throw new TypeError(`${table.name}.${column}: cannot store ${typeof value}`);
}

/** A record's values in the table's column order. */
export function toRow(table: TableSpec, record: object): SqlValue[] {
  const values = record as Record<string, unknown>;
  return table.columns.map((column) => toValue(table, column, values[column] ?? null));
}

/** A patch as `[column, value]` pairs; only the table's own columns can appear. */
export function patchEntries(table: TableSpec, patch: object): [string, SqlValue][] {
  return Object.entries(patch).map(([column, value]) => {
    if (!table.columns.includes(column) || table.hidden.has(column)) {
      throw new TypeError(`${table.name}: no column ${column}`);
    }
    return [column, toValue(table, column, value)];
  });
}

/** A row read back as its record (JSON parsed, integers as numbers, hidden columns dropped). */
export function fromRow<T>(table: TableSpec, row: Record<string, unknown>): T {
  const record: Record<string, unknown> = {};
  for (const column of table.columns) {
    if (table.hidden.has(column)) continue;
    const value = row[column] ?? null;
    if (value === null) record[column] = null;
    else if (table.json.has(column)) record[column] = JSON.parse(String(value));
    else if (table.integers.has(column)) record[column] = Number(value);
    else record[column] = value;
  }
  return record as T;
}
