import { afterEach, describe, expect, it, vi } from "vitest";

describe("PostgresRunStore without a usable database", () => {
  afterEach(() => {
    vi.doUnmock("pg");
    vi.resetModules();
  });

  it("says how to install pg when the optional peer dependency is absent", async () => {
    vi.resetModules();
    vi.doMock("pg", () => {
      throw new Error("Cannot find package 'pg' imported from postgres-driver.ts");
    });
    const { PostgresRunStore } = await import("@validibot/sdk/store");
    const store = new PostgresRunStore({ connectionString: "postgres://127.0.0.1:1/none" });
    const failure = store.init();
    await expect(failure).rejects.toMatchObject({
      name: "ValidibotError",
      code: "store_unavailable",
    });
    await expect(failure).rejects.toThrow(/npm install pg/);
  });

  it("answers store_unavailable when the server refuses the connection", async () => {
    const { PostgresRunStore } = await import("@validibot/sdk/store");
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const store = new PostgresRunStore({
      connectionString: "postgres://postgres@127.0.0.1:1/test",
    });
    try {
      await expect(store.init()).rejects.toMatchObject({ code: "store_unavailable" });
      await expect(store.getRun("run-x")).rejects.toMatchObject({ code: "store_unavailable" });
    } finally {
      await store.close();
    }
  });
});
