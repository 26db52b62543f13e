import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { isValidibotError } from "@validibot/contracts";
import type { StorageAdapter } from "@validibot/sdk/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/** A fresh, empty adapter for one test, and how to clean it up. */
export interface ConformanceSubject {
  storage: StorageAdapter;
  cleanup?: () => Promise<void>;
}

/** How an adapter versions objects: `sha256:<digest>` or a GCS generation. */
export type VersionKind = "sha256" | "generation";

/** The URIs of other adapters or places that `keyFor` must refuse. */
const FOREIGN_URIS = [
  "gs://some-other-bucket/x",
  "file:///etc/passwd",
  "memory://some-other-name/x",
  "https://example.com/x",
  "not a uri",
];

const UNSAFE_KEYS = [
  "",
  "/abs/key",
  "..",
  ".",
  "../escape",
  "a/../../escape",
  "a/../b",
  "./a",
  "a/./b",
  "a//b",
  "a/",
  "a\\b",
  "..\\escape",
  "a\0b",
  "a\nb",
  "lone\ud800surrogate",
  "x".repeat(1025),
];

/**
 * Registers the conformance tests every `StorageAdapter` must pass: round trips, create-only
 * writes under concurrency, sizes, digests and versions, byte ceilings, not-found, listing order,
 * delete and key confinement. `create` makes a fresh empty adapter per test.
 */
export function storageConformance(
  name: string,
  create: () => Promise<ConformanceSubject>,
  options: { versionKind: VersionKind },
): void {
  describe(`${name} (StorageAdapter conformance)`, () => {
    let subject: ConformanceSubject;
    let storage: StorageAdapter;

    beforeEach(async () => {
      subject = await create();
      storage = subject.storage;
    });
    afterEach(async () => {
      await subject.cleanup?.();
    });

    it("round-trips bytes with their size, digest, URI and version", async () => {
      const data = randomBytes(70_000);
      const stored = await storage.put("runs/org/run/attempts/a1/model.idf", data);
      expect(stored).toEqual({
        uri: storage.uriFor("runs/org/run/attempts/a1/model.idf"),
        key: "runs/org/run/attempts/a1/model.idf",
        size_bytes: data.length,
        sha256: sha256(data),
        storage_version: expect.any(String),
      });
      expect(storage.keyFor(stored.uri)).toBe(stored.key);
      expectSameBytes(await readAll(storage.get(stored.key)), data);
      if (options.versionKind === "sha256") {
        expect(stored.storage_version).toBe(`sha256:${sha256(data)}`);
      } else {
        expect(stored.storage_version).toMatch(/^[1-9][0-9]*$/);
      }
      const stat = await storage.stat(stored.key);
      expect(stat).toEqual({
        uri: stored.uri,
        key: stored.key,
        size_bytes: data.length,
        storage_version: stored.storage_version,
        updated_at: expect.any(String),
      });
      expect(Number.isNaN(Date.parse(stat?.updated_at ?? ""))).toBe(false);
    });

    it("stores text as UTF-8", async () => {
      const text = '{"name":"Zürich – 東京 🌍"}';
      const stored = await storage.put("input.json", text, { contentType: "application/json" });
      expect(stored.size_bytes).toBe(Buffer.byteLength(text, "utf8"));
      expect(stored.sha256).toBe(sha256(Buffer.from(text, "utf8")));
      expect((await readAll(storage.get("input.json"))).toString("utf8")).toBe(text);
    });

    it("stores a Readable and an async iterable chunk by chunk", async () => {
      const chunks = Array.from({ length: 40 }, () => randomBytes(32 * 1024 + 7));
      const whole = Buffer.concat(chunks);
      const fromReadable = await storage.put("streams/readable.bin", Readable.from(chunks));
      const fromIterable = await storage.put(
        "streams/iterable.bin",
        (async function* () {
          for (const chunk of chunks) yield new Uint8Array(chunk);
        })(),
      );
      for (const stored of [fromReadable, fromIterable]) {
        expect(stored.size_bytes).toBe(whole.length);
        expect(stored.sha256).toBe(sha256(whole));
        expectSameBytes(await readAll(storage.get(stored.key)), whole);
      }
    });

    it("stores an empty object", async () => {
      const stored = await storage.put("empty.txt", new Uint8Array(0));
      expect(stored.size_bytes).toBe(0);
      expect(stored.sha256).toBe(sha256(Buffer.alloc(0)));
      expectSameBytes(await readAll(storage.get("empty.txt")), Buffer.alloc(0));
      expect((await storage.stat("empty.txt"))?.size_bytes).toBe(0);
    });

    it("refuses to overwrite: storage_already_exists, the first object untouched", async () => {
      const first = await storage.put("output.json", "first");
      await expect(storage.put("output.json", "second")).rejects.toMatchObject({
        code: "storage_already_exists",
      });
      await expect(
        storage.put("output.json", Readable.from([Buffer.from("third")])),
      ).rejects.toMatchObject({
        code: "storage_already_exists",
      });
      expect((await readAll(storage.get("output.json"))).toString()).toBe("first");
      expect((await storage.stat("output.json"))?.storage_version).toBe(first.storage_version);
    });

    it("lets exactly one of 20 concurrent writers of a key win, its content intact", async () => {
      const bodies = Array.from({ length: 20 }, (_, i) =>
        Buffer.concat([Buffer.from(`writer ${i}\n`), randomBytes(48 * 1024)]),
      );
      const results = await Promise.allSettled(
        bodies.map((body, i) =>
          storage.put(
            "race/output.json",
            i % 2 === 0 ? body : Readable.from([body.subarray(0, 1000), body.subarray(1000)]),
          ),
        ),
      );
      const winners = results.flatMap((result, i) => (result.status === "fulfilled" ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const result of results) {
        if (result.status === "rejected")
          expect(codeOf(result.reason)).toBe("storage_already_exists");
      }
      const winner = bodies[winners[0] as number] as Buffer;
      expectSameBytes(await readAll(storage.get("race/output.json")), winner);
      const stat = await storage.stat("race/output.json");
      expect(stat?.size_bytes).toBe(winner.length);
      expect(stat?.storage_version).toBe(
        (results[winners[0] as number] as PromiseFulfilledResult<{ storage_version: string }>).value
          .storage_version,
      );
    });

    it("stops a body past maxBytes with storage_size_exceeded and keeps nothing", async () => {
      await expect(
        storage.put("big/bytes.bin", randomBytes(1001), { maxBytes: 1000 }),
      ).rejects.toMatchObject({
        code: "storage_size_exceeded",
      });
      const chunks = [randomBytes(600), randomBytes(600), randomBytes(600)];
      await expect(
        storage.put("big/stream.bin", Readable.from(chunks), { maxBytes: 1000 }),
      ).rejects.toMatchObject({
        code: "storage_size_exceeded",
      });
      expect(await storage.stat("big/bytes.bin")).toBeNull();
      expect(await storage.stat("big/stream.bin")).toBeNull();
      expect(await storage.list("big/")).toEqual([]);
      const exact = await storage.put(
        "big/stream.bin",
        Readable.from([randomBytes(500), randomBytes(500)]),
        {
          maxBytes: 1000,
        },
      );
      expect(exact.size_bytes).toBe(1000);
    });

    it("fails a read past maxBytes with storage_size_exceeded", async () => {
      const data = randomBytes(5000);
      await storage.put("outputs/log.txt", data);
      await expect(
        readAll(storage.get("outputs/log.txt", { maxBytes: 4999 })),
      ).rejects.toMatchObject({
        code: "storage_size_exceeded",
      });
      await expect(readAll(storage.get("outputs/log.txt", { maxBytes: 0 }))).rejects.toMatchObject({
        code: "storage_size_exceeded",
      });
      expectSameBytes(await readAll(storage.get("outputs/log.txt", { maxBytes: 5000 })), data);
    });

    it("answers a missing key with storage_not_found, a null stat and a quiet delete", async () => {
      await expect(readAll(storage.get("missing/output.json"))).rejects.toMatchObject({
        code: "storage_not_found",
      });
      expect(await storage.stat("missing/output.json")).toBeNull();
      await expect(storage.delete("missing/output.json")).resolves.toBeUndefined();
      expect(await storage.list("missing/")).toEqual([]);
    });

    it("lists by prefix, recursively, in key order", async () => {
      const keys = ["b/2", "a/10", "a/1", "ab", "a/sub/x.txt", "a/2", "a/sub/deeper/y", "é/1", "Z"];
      for (const key of keys) await storage.put(key, `content of ${key}`);
      const all = await storage.list("");
      expect(all.map((s) => s.key)).toEqual([
        "Z",
        "a/1",
        "a/10",
        "a/2",
        "a/sub/deeper/y",
        "a/sub/x.txt",
        "ab",
        "b/2",
        "é/1",
      ]);
      expect((await storage.list("a/")).map((s) => s.key)).toEqual([
        "a/1",
        "a/10",
        "a/2",
        "a/sub/deeper/y",
        "a/sub/x.txt",
      ]);
      expect((await storage.list("a")).map((s) => s.key)).toEqual([
        "a/1",
        "a/10",
        "a/2",
        "a/sub/deeper/y",
        "a/sub/x.txt",
        "ab",
      ]);
      expect((await storage.list("a/sub/d")).map((s) => s.key)).toEqual(["a/sub/deeper/y"]);
      expect((await storage.list("a/1")).map((s) => s.key)).toEqual(["a/1", "a/10"]);
      expect(await storage.list("nothing/")).toEqual([]);
      for (const stat of all) {
        expect(stat).toEqual(await storage.stat(stat.key));
        expect(stat.uri).toBe(storage.uriFor(stat.key));
        expect(stat.size_bytes).toBe(Buffer.byteLength(`content of ${stat.key}`));
      }
    });

    it("deletes an object, after which the key is free again", async () => {
      await storage.put("attempts/a/input.json", "one");
      await storage.put("attempts/a/other.json", "kept");
      await storage.delete("attempts/a/input.json");
      expect(await storage.stat("attempts/a/input.json")).toBeNull();
      await expect(readAll(storage.get("attempts/a/input.json"))).rejects.toMatchObject({
        code: "storage_not_found",
      });
      expect((await storage.list("attempts/")).map((s) => s.key)).toEqual([
        "attempts/a/other.json",
      ]);
      await storage.put("attempts/a/input.json", "two");
      expect((await readAll(storage.get("attempts/a/input.json"))).toString()).toBe("two");
    });

    it("refuses unsafe keys with storage_path_invalid on every operation", async () => {
      for (const key of UNSAFE_KEYS) {
        const attempts: [string, () => unknown][] = [
          ["put", () => storage.put(key, "x")],
          ["get", () => storage.get(key)],
          ["stat", () => storage.stat(key)],
          ["delete", () => storage.delete(key)],
          ["uriFor", () => storage.uriFor(key)],
        ];
        for (const [operation, attempt] of attempts) {
          expect(await codeOfCall(attempt), `${operation}(${JSON.stringify(key)})`).toBe(
            "storage_path_invalid",
          );
        }
      }
      for (const prefix of ["../", "/abs", "a/../", "a//", "a\\", "a\0", ".."]) {
        expect(
          await codeOfCall(() => storage.list(prefix)),
          `list(${JSON.stringify(prefix)})`,
        ).toBe("storage_path_invalid");
      }
      expect(await storage.list("")).toEqual([]);
    });

    it("maps only its own URIs back to keys", async () => {
      for (const uri of FOREIGN_URIS) {
        expect(await codeOfCall(() => storage.keyFor(uri)), uri).toBe("storage_path_invalid");
      }
      const uri = storage.uriFor("a/b.txt");
      expect(storage.keyFor(uri)).toBe("a/b.txt");
      expect(await codeOfCall(() => storage.keyFor(uri.replace("a/b.txt", "a/../../b.txt")))).toBe(
        "storage_path_invalid",
      );
    });

    it("leaves the key free when the body stream fails half-way", async () => {
      let sent = false;
      const failing = new Readable({
        read() {
          if (this.readableLength === 0 && !sent) {
            sent = true;
            this.push(randomBytes(100_000));
          } else {
            this.destroy(new Error("disk went away"));
          }
        },
      });
      await expect(storage.put("attempts/b/model.idf", failing)).rejects.toThrow();
      expect(await storage.stat("attempts/b/model.idf")).toBeNull();
      expect(await storage.list("attempts/")).toEqual([]);
      const stored = await storage.put("attempts/b/model.idf", "after the failure");
      expect(stored.size_bytes).toBe(17);
    });

    it("stops a write when its signal aborts, leaving the key free", async () => {
      const controller = new AbortController();
      const body = new Readable({ read() {} });
      body.push(randomBytes(10_000));
      const put = storage.put("attempts/c/model.idf", body, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort(new Error("user cancelled"));
      await expect(put).rejects.toThrow("user cancelled");
      expect(await storage.stat("attempts/c/model.idf")).toBeNull();
      await expect(
        storage.put("attempts/c/model.idf", "x", {
          signal: AbortSignal.abort(new Error("already")),
        }),
      ).rejects.toThrow("already");
      expect(await storage.stat("attempts/c/model.idf")).toBeNull();
    });
  });
}

/** Asserts two byte sequences are equal (fast for megabytes, unlike a deep `toEqual`). */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.byteLength).toBe(expected.byteLength);
  expect(Buffer.compare(actual, expected), "the bytes differ").toBe(0);
}

/** Lowercase hex SHA-256. */
export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Every byte of a `get`, whether it fails at once or mid-stream. */
export async function readAll(stream: Promise<Readable> | Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The `ValidibotError` code of a call that throws or rejects, or "none". */
export async function codeOfCall(call: () => unknown): Promise<string> {
  try {
    await call();
    return "none";
  } catch (error) {
    return codeOf(error);
  }
}

/** The code of a `ValidibotError`, or a description of another error. */
export function codeOf(error: unknown): string {
  return isValidibotError(error) ? error.code : `not a ValidibotError: ${String(error)}`;
}
