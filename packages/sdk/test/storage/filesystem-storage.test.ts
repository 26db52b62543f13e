import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { FilesystemStorage, TEMP_PREFIX } from "@validibot/sdk/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { codeOfCall, readAll, sha256, storageConformance } from "./conformance";

storageConformance(
  "FilesystemStorage",
  async () => {
    const root = await mkdtemp(join(tmpdir(), "validibot-fs-"));
    return {
      storage: new FilesystemStorage({ root: join(root, "bundles") }),
      cleanup: async () => {
        // Whatever a test did, no temporary file may be left behind.
        expect(await tempFiles(root)).toEqual([]);
        await rm(root, { recursive: true, force: true });
      },
    };
  },
  { versionKind: "sha256" },
);

describe("FilesystemStorage", () => {
  let base: string;
  let root: string;
  let outside: string;
  let storage: FilesystemStorage;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "validibot-fs-"));
    root = join(base, "root");
    outside = join(base, "outside");
    await mkdir(root);
    await mkdir(outside);
    await writeFile(join(outside, "secret.txt"), "secret");
    storage = new FilesystemStorage({ root });
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("writes file:///abs/root/key URIs and reads them back", async () => {
    const stored = await storage.put("runs/org 1/a#b.txt", "x");
    expect(stored.uri).toBe(pathToFileURL(join(root, "runs/org 1/a#b.txt")).href);
    expect(stored.uri.startsWith(`file://${root}/`)).toBe(true);
    expect(storage.keyFor(stored.uri)).toBe("runs/org 1/a#b.txt");
    expect(await readFile(join(root, "runs", "org 1", "a#b.txt"), "utf8")).toBe("x");
  });

  it("resolves a relative root against the working directory", () => {
    const relativeRoot = relative(process.cwd(), root);
    expect(new FilesystemStorage({ root: relativeRoot }).root).toBe(root);
  });

  it("refuses URIs outside the root and the root itself", async () => {
    for (const uri of [
      pathToFileURL(join(outside, "secret.txt")).href,
      pathToFileURL(root).href,
      pathToFileURL(`${root}-sibling/x`).href,
      "file://other-host/x",
    ]) {
      expect(await codeOfCall(() => storage.keyFor(uri)), uri).toBe("storage_path_invalid");
    }
  });

  it("refuses a symlinked folder that leads outside the root, on put, get, stat, list and delete", async () => {
    await symlink(outside, join(root, "link"));
    expect(await codeOfCall(() => storage.put("link/new.txt", "x"))).toBe("storage_path_invalid");
    expect(await codeOfCall(() => storage.put("link/deeper/new.txt", "x"))).toBe(
      "storage_path_invalid",
    );
    expect(await readdir(outside)).toEqual(["secret.txt"]);
    expect(await codeOfCall(() => storage.get("link/secret.txt"))).toBe("storage_path_invalid");
    expect(await codeOfCall(() => storage.stat("link/secret.txt"))).toBe("storage_path_invalid");
    expect(await codeOfCall(() => storage.list("link/"))).toBe("storage_path_invalid");
    expect(await codeOfCall(() => storage.delete("link/secret.txt"))).toBe("storage_path_invalid");
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("secret");
    // A listing of the whole root does not follow the link either.
    expect(await storage.list("")).toEqual([]);
  });

  it("refuses a symlinked file that leads outside the root", async () => {
    await symlink(join(outside, "secret.txt"), join(root, "leak.txt"));
    expect(await codeOfCall(() => storage.get("leak.txt"))).toBe("storage_path_invalid");
    expect(await codeOfCall(() => storage.stat("leak.txt"))).toBe("storage_path_invalid");
    expect(await codeOfCall(() => storage.put("leak.txt", "overwrite"))).toBe(
      "storage_already_exists",
    );
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("secret");
  });

  it("follows a symlink that stays inside the root", async () => {
    await storage.put("real/a.txt", "inside");
    await symlink(join(root, "real"), join(root, "alias"));
    expect((await readAll(storage.get("alias/a.txt"))).toString()).toBe("inside");
    const stored = await storage.put("alias/b.txt", "via alias");
    expect(stored.key).toBe("alias/b.txt");
    expect(await readFile(join(root, "real", "b.txt"), "utf8")).toBe("via alias");
  });

  it("works when the root itself is reached through a symlink", async () => {
    await symlink(root, join(base, "root-link"));
    const linked = new FilesystemStorage({ root: join(base, "root-link") });
    await linked.put("a/b.txt", "through the link");
    expect((await readAll(linked.get("a/b.txt"))).toString()).toBe("through the link");
    expect((await linked.list("")).map((s) => s.key)).toEqual(["a/b.txt"]);
  });

  it("leaves no temporary file after a body that fails half-way, an abort or a size refusal", async () => {
    let pushed = false;
    const failing = new Readable({
      read() {
        if (!pushed) {
          pushed = true;
          this.push(randomBytes(256 * 1024));
        } else this.destroy(new Error("source broke"));
      },
    });
    await expect(storage.put("a/failing.bin", failing)).rejects.toThrow("source broke");
    const controller = new AbortController();
    const endless = new Readable({ read() {} });
    endless.push(randomBytes(1000));
    const aborted = storage.put("a/aborted.bin", endless, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 10);
    await expect(aborted).rejects.toThrow("stop");
    await expect(
      storage.put("a/large.bin", Readable.from([randomBytes(800), randomBytes(800)]), {
        maxBytes: 1000,
      }),
    ).rejects.toMatchObject({ code: "storage_size_exceeded" });
    expect(await readdir(join(root, "a"))).toEqual([]);
    expect(await storage.stat("a/failing.bin")).toBeNull();
    await storage.put("a/failing.bin", "now it works");
    expect(await readdir(join(root, "a"))).toEqual(["failing.bin"]);
  });

  it("leaves one file and no temporary file after 20 concurrent writers", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        storage.put("race.bin", Readable.from([randomBytes(4096), Buffer.from(String(i))])),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await readdir(root)).toEqual(["race.bin"]);
  });

  it("computes stat's version from the bytes on disk now, caching nothing", async () => {
    const stored = await storage.put("outputs/report.txt", "version one");
    await rm(join(root, "outputs", "report.txt"));
    await writeFile(join(root, "outputs", "report.txt"), "version two!");
    const stat = await storage.stat("outputs/report.txt");
    expect(stat?.storage_version).toBe(`sha256:${sha256(Buffer.from("version two!"))}`);
    expect(stat?.storage_version).not.toBe(stored.storage_version);
    expect(stat?.size_bytes).toBe(12);
    expect((await storage.list("outputs/"))[0]?.storage_version).toBe(stat?.storage_version);
  });

  it("hides in-flight temporary files from listings and refuses keys that look like them", async () => {
    await storage.put("a/real.txt", "x");
    await writeFile(join(root, "a", `${TEMP_PREFIX}1234`), "half written");
    expect((await storage.list("")).map((s) => s.key)).toEqual(["a/real.txt"]);
    expect(await codeOfCall(() => storage.get(`a/${TEMP_PREFIX}1234`))).toBe(
      "storage_path_invalid",
    );
    expect(await codeOfCall(() => storage.put(`${TEMP_PREFIX}x/y`, "x"))).toBe(
      "storage_path_invalid",
    );
  });

  it("treats a folder as no object, and refuses a key that runs through an object", async () => {
    await storage.put("runs/r1/input.json", "{}");
    await expect(storage.get("runs/r1")).rejects.toMatchObject({ code: "storage_not_found" });
    expect(await storage.stat("runs/r1")).toBeNull();
    expect(await codeOfCall(() => storage.put("runs/r1/input.json/nested", "x"))).toBe(
      "storage_path_invalid",
    );
    await expect(storage.get("runs/r1/input.json/nested")).rejects.toMatchObject({
      code: "storage_not_found",
    });
    await storage.delete("runs/r1");
    expect(await storage.stat("runs/r1/input.json")).not.toBeNull();
  });

  it("creates the root on the first write and reads nothing before", async () => {
    const fresh = new FilesystemStorage({ root: join(base, "not", "yet") });
    expect(await fresh.list("")).toEqual([]);
    expect(await fresh.stat("a")).toBeNull();
    await expect(fresh.get("a")).rejects.toMatchObject({ code: "storage_not_found" });
    await fresh.put("a", "x");
    expect(await readFile(join(base, "not", "yet", "a"), "utf8")).toBe("x");
  });
});

async function tempFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((entry) => entry.split("/").some((part) => part.startsWith(TEMP_PREFIX)));
}
