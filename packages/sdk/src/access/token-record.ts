import { ValidibotError } from "@validibot/contracts";
import { z } from "zod";
import type { TableSpec } from "../store/sql-tables";
import { ApiScope } from "./scopes";
import type { ApiTokenRecord } from "./types";

const Instant = z
  .string()
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());
const Text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), "must not hold control characters");

/** An organization id: what runs carry as `org_id` and bundles use as a path segment. */
export const OrgId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "letters, digits, '.', '_' and '-', 128 at most");

const Record = z
  .object({
    id: z.string().regex(/^tok_[0-9a-f]{20}$/, "must be tok_ and 20 hex digits"),
    token_sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits"),
    name: Text(200),
    org_id: OrgId,
    org_name: Text(200),
    scopes: z.array(ApiScope).min(1),
    created_at: Instant,
    expires_at: Instant.nullable(),
    revoked_at: Instant.nullable(),
  })
  .strict();

/** A token record checked (and instants normalised) before a store keeps it; `invalid_request` otherwise. */
export function parseTokenRecord(record: ApiTokenRecord): ApiTokenRecord {
  const parsed = Record.safeParse(record);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ValidibotError("invalid_request", `invalid API token record: ${issues.join("; ")}`);
  }
  return parsed.data;
}

/** An instant, normalised to `toISOString()`; `invalid_request` for anything else. */
export function parseInstantText(value: string, what: string): string {
  const parsed = Instant.safeParse(value);
  if (!parsed.success)
    throw new ValidibotError("invalid_request", `${what}: not an ISO 8601 instant`);
  return parsed.data;
}

/** The `api_tokens` table of the SQL token stores. */
export const API_TOKENS: TableSpec = {
  name: "api_tokens",
  columns: [
    "id",
    "token_sha256",
    "name",
    "org_id",
    "org_name",
    "scopes",
    "created_at",
    "expires_at",
    "revoked_at",
  ],
  json: new Set(["scopes"]),
  instants: new Set(["created_at", "expires_at", "revoked_at"]),
  integers: new Set(),
  hidden: new Set(),
};
