import { MemoryStorage, storageForUri } from "@validibot/sdk/storage";
import { describe, expect, it } from "vitest";
import { codeOfCall, readAll, storageConformance } from "./conformance";

storageConformance("MemoryStorage", async () => ({ storage: new MemoryStorage() }), {
  versionKind: "sha256",
});

describe("MemoryStorage", () => {
  it("names its URIs memory://<name>/<key>, a fresh name by default", () => {
    const named = new MemoryStorage({ name: "mock-bundles" });
    expect(named.uriFor("runs/o/r/input.json")).toBe("memory://mock-bundles/runs/o/r/input.json");
    const a = new MemoryStorage();
    const b = new MemoryStorage();
    expect(a.name).not.toBe(b.name);
    expect(a.uriFor("k")).not.toBe(b.uriFor("k"));
    expect(() => a.keyFor(b.uriFor("k"))).toThrow(
      expect.objectContaining({ code: "storage_path_invalid" }),
    );
  });

  it("refuses a name that cannot sit in a URI", async () => {
    for (const name of ["", "a/b", "a b", "-x", "x".repeat(64)]) {
      expect(await codeOfCall(() => new MemoryStorage({ name }))).toBe("storage_path_invalid");
    }
  });

  it("keeps a copy of stored bytes, not the caller's buffer", async () => {
    const storage = new MemoryStorage();
    const data = Buffer.from("original");
    await storage.put("k", data);
    data.write("mutated!");
    expect((await readAll(storage.get("k"))).toString()).toBe("original");
  });

  it("is found by storageForUri through its name", async () => {
    const storage = new MemoryStorage({ name: "found-by-uri" });
    await storage.put("runs/x/input.json", "{}");
    const location = storageForUri("memory://found-by-uri/runs/x/input.json");
    expect(location.storage).toBe(storage);
    expect(location.key).toBe("runs/x/input.json");
  });
});
