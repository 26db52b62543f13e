import { describe, expect, it, vi } from "vitest";

// As if the optional peer dependency were not installed.
vi.mock("@google-cloud/storage", () => {
  throw Object.assign(new Error("Cannot find package '@google-cloud/storage'"), {
    code: "ERR_MODULE_NOT_FOUND",
  });
});

describe("GcsStorage without @google-cloud/storage installed", () => {
  it("loads the rest of the storage module, and says how to install the client when first used", async () => {
    const { GcsStorage, MemoryStorage } = await import("@validibot/sdk/storage");
    expect(new MemoryStorage().scheme).toBe("memory");
    const storage = new GcsStorage({ bucket: "some-bucket" });
    expect(storage.uriFor("a")).toBe("gs://some-bucket/a");
    await expect(storage.stat("a")).rejects.toMatchObject({
      code: "storage_unavailable",
      message: expect.stringContaining("npm install @google-cloud/storage"),
    });
  });
});
