import { describe, expect, it } from "vitest";
import { ApiTokens, requireScope } from "../../src/access/api-tokens";
import { MemoryTokenStore } from "../../src/access/memory-token-store";
import { parseScopes } from "../../src/access/scopes";
import { apiTokenHash } from "../../src/access/token-secret";

const ACME = { id: "org-a", name: "Acme" };

async function tokensAt(clock: { now: Date }) {
  const store = new MemoryTokenStore();
  await store.init();
  return { store, tokens: new ApiTokens({ store, now: () => clock.now }) };
}

describe("ApiTokens", () => {
  it("makes a 256-bit token shown once: the store keeps its hash, never the token", async () => {
    const { store, tokens } = await tokensAt({ now: new Date("2026-01-01T00:00:00Z") });
    const { token, record } = await tokens.create({ org: ACME, scopes: "runs:read" });
    expect(token).toMatch(/^vbt_[A-Za-z0-9_-]{43}$/);
    const [stored] = await store.listTokens();
    expect(stored).toEqual(record);
    expect(JSON.stringify(stored)).not.toContain(token.slice(4));
    expect(stored?.token_sha256).toBe(apiTokenHash(token));
    expect(await tokens.authenticate(token)).toEqual({
      token_id: record.id,
      org: ACME,
      scopes: ["runs:read"],
    });
    const other = await tokens.create({ org: ACME, scopes: "runs:read" });
    expect(other.token).not.toBe(token);
  });

  it("refuses an unknown token, and one a character off, as api_token_invalid", async () => {
    const { tokens } = await tokensAt({ now: new Date() });
    const { token } = await tokens.create({ org: ACME, scopes: ["admin"] });
    const last = token.at(-1) === "A" ? "B" : "A";
    for (const wrong of [`${token.slice(0, -1)}${last}`, "vbt_nothing-like-it", ""]) {
      await expect(tokens.authenticate(wrong)).rejects.toMatchObject({
        code: "api_token_invalid",
        status: 401,
      });
    }
  });

  it("refuses an expired token with api_token_expired once its instant has passed", async () => {
    const clock = { now: new Date("2026-01-01T00:00:00Z") };
    const { tokens } = await tokensAt(clock);
    const { token } = await tokens.create({
      org: ACME,
      scopes: ["runs:read"],
      expiresAt: "2026-01-01T01:00:00Z",
    });
    clock.now = new Date("2026-01-01T00:59:59Z");
    await expect(tokens.authenticate(token)).resolves.toMatchObject({ org: ACME });
    clock.now = new Date("2026-01-01T01:00:00Z");
    await expect(tokens.authenticate(token)).rejects.toMatchObject({
      code: "api_token_expired",
      status: 401,
    });
  });

  it("refuses a revoked token with api_token_revoked at once; unknown ids are api_token_not_found", async () => {
    const { tokens } = await tokensAt({ now: new Date("2026-01-01T00:00:00Z") });
    const { token, record } = await tokens.create({ org: ACME, scopes: ["runs:read"] });
    await tokens.authenticate(token);
    expect((await tokens.revoke(record.id)).revoked_at).toBe("2026-01-01T00:00:00.000Z");
    await expect(tokens.authenticate(token)).rejects.toMatchObject({
      code: "api_token_revoked",
      status: 401,
    });
    await expect(tokens.revoke("tok_00000000000000000000")).rejects.toMatchObject({
      code: "api_token_not_found",
    });
  });

  it("reads Authorization: Bearer, and names a missing, repeated or foreign header", async () => {
    const { tokens } = await tokensAt({ now: new Date() });
    const { token, record } = await tokens.create({ org: ACME, scopes: ["runs:read"] });
    await expect(
      tokens.authenticateRequest({ authorization: `Bearer ${token}` }),
    ).resolves.toMatchObject({
      token_id: record.id,
    });
    await expect(
      tokens.authenticateRequest({ Authorization: `bearer ${token}` }),
    ).resolves.toMatchObject({
      token_id: record.id,
    });
    await expect(tokens.authenticateRequest({})).rejects.toMatchObject({
      code: "api_token_missing",
    });
    await expect(
      tokens.authenticateRequest({ authorization: [`Bearer ${token}`, "Bearer other"] }),
    ).rejects.toMatchObject({ code: "auth_malformed" });
    await expect(
      tokens.authenticateRequest({
        authorization: `Basic ${Buffer.from(`x:${token}`).toString("base64")}`,
      }),
    ).rejects.toMatchObject({ code: "auth_malformed" });
  });

  it("registers a token chosen elsewhere once, refusing short ones", async () => {
    const { tokens } = await tokensAt({ now: new Date() });
    const chosen = "my-own-long-enough-secret-token-0123456789";
    const first = await tokens.ensure(chosen, { org: ACME, scopes: ["admin"], name: "env" });
    const again = await tokens.ensure(chosen, {
      org: { id: "other", name: "Other" },
      scopes: ["runs:read"],
    });
    expect(again).toEqual(first);
    expect(await tokens.list()).toHaveLength(1);
    expect((await tokens.authenticate(chosen)).scopes).toEqual(["admin"]);
    await expect(tokens.ensure("short", { org: ACME, scopes: ["admin"] })).rejects.toMatchObject({
      code: "invalid_request",
    });
  });

  it("checks scopes: admin allows everything, others only themselves", () => {
    const reader = { token_id: "t", org: ACME, scopes: parseScopes("runs:read") };
    expect(() => requireScope(reader, "runs:read")).not.toThrow();
    expect(() => requireScope(reader, "runs:write")).toThrow(
      expect.objectContaining({ code: "api_scope_insufficient", status: 403 }),
    );
    const admin = { token_id: "t", org: ACME, scopes: parseScopes(["admin"]) };
    for (const scope of ["runs:read", "runs:write", "runs:cancel", "admin"] as const)
      expect(() => requireScope(admin, scope)).not.toThrow();
    expect(() => parseScopes("runs:read,runs:delete")).toThrow(/unknown scope "runs:delete"/);
    expect(parseScopes("runs:write runs:read,runs:read")).toEqual(["runs:read", "runs:write"]);
  });
});
