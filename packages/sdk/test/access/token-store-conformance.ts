import { describe, expect, it } from "vitest";
import { apiTokenHash, apiTokenId, generateApiToken } from "../../src/access/token-secret";
import type { ApiTokenRecord, TokenStore } from "../../src/access/types";

/** A valid record for a fresh random token, with `overrides`. */
export function makeTokenRecord(overrides: Partial<ApiTokenRecord> = {}): ApiTokenRecord {
  const token = generateApiToken();
  return {
    id: apiTokenId(token),
    token_sha256: apiTokenHash(token),
    name: "CI of the web app",
    org_id: "org-a",
    org_name: "Acme",
    scopes: ["runs:read", "runs:write"],
    created_at: "2026-01-02T03:04:05.000Z",
    expires_at: null,
    revoked_at: null,
    ...overrides,
  };
}

/**
 * The `TokenStore` tests every implementation passes: records kept exactly (and only their
 * hash), listed per organization, revoked once, and bad records refused.
 */
export function tokenStoreConformance(name: string, open: () => Promise<TokenStore>): void {
  describe(`${name} (token store conformance)`, () => {
    it("keeps a record exactly and finds it by id", async () => {
      const store = await open();
      const record = makeTokenRecord({ expires_at: "2027-05-06T07:08:09.123+02:00" });
      await store.insertToken(record);
      expect(await store.getToken(record.id)).toEqual({
        ...record,
        expires_at: "2027-05-06T05:08:09.123Z",
      });
      expect(await store.getToken("tok_00000000000000000000")).toBeNull();
    });

    it("refuses a second record with the same id, and malformed records", async () => {
      const store = await open();
      const record = makeTokenRecord();
      await store.insertToken(record);
      await expect(store.insertToken({ ...record, name: "again" })).rejects.toMatchObject({
        code: "store_conflict",
      });
      for (const bad of [
        { scopes: [] },
        { scopes: ["runs:delete"] },
        { token_sha256: "not-hex" },
        { org_id: "../other" },
        { name: "two\nlines" },
        { expires_at: "tomorrow" },
      ] as Partial<ApiTokenRecord>[]) {
        await expect(store.insertToken(makeTokenRecord(bad))).rejects.toMatchObject({
          code: "invalid_request",
        });
      }
      expect(await store.listTokens()).toHaveLength(1);
    });

    it("lists oldest first, all or one organization's", async () => {
      const store = await open();
      const b = makeTokenRecord({ org_id: "org-b", created_at: "2026-01-03T00:00:00.000Z" });
      const a1 = makeTokenRecord({ created_at: "2026-01-01T00:00:00.000Z" });
      const a2 = makeTokenRecord({ created_at: "2026-01-04T00:00:00.000Z" });
      for (const record of [b, a2, a1]) await store.insertToken(record);
      expect((await store.listTokens()).map((r) => r.id)).toEqual([a1.id, b.id, a2.id]);
      expect((await store.listTokens({ orgId: "org-a" })).map((r) => r.id)).toEqual([a1.id, a2.id]);
      expect(await store.listTokens({ orgId: "org-c" })).toEqual([]);
    });

    it("revokes once: the first instant stays, an unknown id is null", async () => {
      const store = await open();
      const record = makeTokenRecord();
      await store.insertToken(record);
      const first = await store.revokeToken(record.id, "2026-02-01T00:00:00.000Z");
      expect(first?.revoked_at).toBe("2026-02-01T00:00:00.000Z");
      const second = await store.revokeToken(record.id, "2026-03-01T00:00:00.000Z");
      expect(second?.revoked_at).toBe("2026-02-01T00:00:00.000Z");
      expect((await store.getToken(record.id))?.revoked_at).toBe("2026-02-01T00:00:00.000Z");
      expect(
        await store.revokeToken("tok_00000000000000000000", "2026-02-01T00:00:00.000Z"),
      ).toBeNull();
    });

    it("is unavailable once closed", async () => {
      const store = await open();
      await store.close();
      await expect(store.getToken(makeTokenRecord().id)).rejects.toMatchObject({
        code: "store_unavailable",
      });
    });
  });
}
