import { ValidibotError } from "@validibot/contracts";
import { z } from "zod";

/**
 * What an API token may do, within its organization: `runs:read` (list and read runs, findings,
 * artifacts, events), `runs:write` (submit runs), `runs:cancel` (cancel runs), `admin` (all of
 * these, and managing the organization's tokens).
 */
export const ApiScope = z.enum(["runs:read", "runs:write", "runs:cancel", "admin"]);
/** What an API token may do. */
export type ApiScope = z.infer<typeof ApiScope>;

/** Every scope, in a stable order. */
export const API_SCOPES: readonly ApiScope[] = ApiScope.options;

/** Whether `granted` allows `needed`: the scope itself, or `admin`, which allows every scope. */
export function scopeAllows(granted: readonly ApiScope[], needed: ApiScope): boolean {
  return granted.includes(needed) || granted.includes("admin");
}

/**
 * Scopes from text such as `runs:read,runs:write` (commas or spaces), deduplicated and in the
 * order of `API_SCOPES`. An unknown or empty list is `invalid_request` naming the scopes there are.
 */
export function parseScopes(text: string | readonly string[]): ApiScope[] {
  const names = (typeof text === "string" ? text.split(/[\s,]+/) : [...text]).filter(
    (name) => name !== "",
  );
  if (names.length === 0) {
    throw new ValidibotError(
      "invalid_request",
      `name at least one scope (${API_SCOPES.join(", ")})`,
    );
  }
  for (const name of names) {
    if (!ApiScope.safeParse(name).success) {
      throw new ValidibotError(
        "invalid_request",
        `unknown scope ${JSON.stringify(name)}: the scopes are ${API_SCOPES.join(", ")}`,
      );
    }
  }
  return API_SCOPES.filter((scope) => names.includes(scope));
}
