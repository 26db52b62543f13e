import { createHash, randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  byteLimit,
  DigestStream,
  digestOf,
  digestOfStorageVersion,
  sha256Hex,
  sha256StorageVersion,
} from "@validibot/sdk/storage";
import { describe, expect, it } from "vitest";

const hex = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

describe("digest helpers", () => {
  it("hash bytes and UTF-8 text to lowercase hex", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("é")).toBe(hex(Buffer.from("é", "utf8")));
  });

  it("build and read sha256:<digest> versions, and nothing else", () => {
    const digest = sha256Hex("abc");
    expect(sha256StorageVersion(digest)).toBe(`sha256:${digest}`);
    expect(digestOfStorageVersion(`sha256:${digest}`)).toBe(digest);
    expect(digestOfStorageVersion("1712345678901234")).toBeNull();
    expect(digestOfStorageVersion(`sha256:${digest.toUpperCase()}`)).toBeNull();
    expect(() => sha256StorageVersion("not-a-digest")).toThrow(TypeError);
  });

  it("DigestStream measures what passes through a pipeline", async () => {
    const chunks = Array.from({ length: 10 }, () => randomBytes(10_000));
    const digest = new DigestStream();
    const received: Buffer[] = [];
    await pipeline(
      Readable.from(chunks),
      digest,
      new Writable({
        write(chunk, _encoding, callback) {
          received.push(chunk);
          callback();
        },
      }),
    );
    expect(digest.sizeBytes).toBe(100_000);
    expect(digest.sha256).toBe(hex(Buffer.concat(chunks)));
    expect(Buffer.compare(Buffer.concat(received), Buffer.concat(chunks))).toBe(0);
  });

  it("DigestStream and byteLimit stop at the ceiling with storage_size_exceeded", async () => {
    const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
    await expect(
      pipeline(
        Readable.from([randomBytes(600), randomBytes(600)]),
        new DigestStream({ maxBytes: 1000, key: "k" }),
        sink(),
      ),
    ).rejects.toMatchObject({
      code: "storage_size_exceeded",
      details: { key: "k", max_bytes: 1000 },
    });
    await expect(
      pipeline(Readable.from([randomBytes(1001)]), byteLimit(1000), sink()),
    ).rejects.toMatchObject({
      code: "storage_size_exceeded",
    });
    await expect(
      pipeline(Readable.from([randomBytes(1000)]), byteLimit(1000), sink()),
    ).resolves.toBeUndefined();
  });

  it("digestOf reads a stream to its end, or stops at maxBytes", async () => {
    const data = randomBytes(50_000);
    expect(await digestOf(Readable.from([data.subarray(0, 7), data.subarray(7)]))).toEqual({
      size_bytes: 50_000,
      sha256: hex(data),
    });
    await expect(digestOf(Readable.from([data]), { maxBytes: 49_999 })).rejects.toMatchObject({
      code: "storage_size_exceeded",
    });
  });
});
