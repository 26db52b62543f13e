import { ValidibotError } from "@validibot/contracts";
import { parseInstantText, parseTokenRecord } from "./token-record";
import type { ApiTokenRecord, ListTokensOptions, TokenStore } from "./types";

const copy = (record: ApiTokenRecord): ApiTokenRecord => ({
  ...record,
  scopes: [...record.scopes],
});

/** A `TokenStore` in this process's memory: for tests and single-process hosts that mint tokens at start. */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, ApiTokenRecord>();
  #closed = false;

  async init(): Promise<void> {
    this.#open();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  async insertToken(record: ApiTokenRecord): Promise<void> {
    this.#open();
    const stored = parseTokenRecord(record);
    if (this.#tokens.has(stored.id)) {
      throw new ValidibotError("store_conflict", `an API token ${stored.id} exists already`);
    }
    this.#tokens.set(stored.id, copy(stored));
  }

  async getToken(id: string): Promise<ApiTokenRecord | null> {
    this.#open();
    const record = this.#tokens.get(id);
    return record ? copy(record) : null;
  }

  async listTokens(options: ListTokensOptions = {}): Promise<ApiTokenRecord[]> {
    this.#open();
    return [...this.#tokens.values()]
      .filter((record) => options.orgId === undefined || record.org_id === options.orgId)
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
      .map(copy);
  }

  async revokeToken(id: string, at: string): Promise<ApiTokenRecord | null> {
    this.#open();
    const instant = parseInstantText(at, "revoked_at");
    const record = this.#tokens.get(id);
    if (!record) return null;
    record.revoked_at ??= instant;
    return copy(record);
  }

  #open(): void {
    if (this.#closed) throw new ValidibotError("store_unavailable", "the token store is closed");
  }
}
