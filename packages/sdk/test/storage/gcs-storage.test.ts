import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { Storage } from "@google-cloud/storage";
import { GcsStorage } from "@validibot/sdk/storage";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeGcsServer, startFakeGcsServer } from "../support/fake-gcs-server";
import { codeOfCall, expectSameBytes, readAll, sha256, storageConformance } from "./conformance";

let fake: FakeGcsServer;
let client: Storage;

beforeAll(async () => {
  fake = await startFakeGcsServer();
  client = new Storage({ apiEndpoint: fake.url, projectId: "test" });
});
afterAll(async () => {
  await fake.close();
});

const freshBucket = () => `bucket-${randomUUID().slice(0, 8)}`;

storageConformance(
  "GcsStorage",
  async () => ({ storage: new GcsStorage({ bucket: freshBucket(), storage: client }) }),
  {
    versionKind: "generation",
  },
);

storageConformance(
  "GcsStorage, every upload resumable in 256 KiB chunks",
  async () => ({
    storage: new GcsStorage({
      bucket: freshBucket(),
      storage: client,
      resumableThreshold: 0,
      chunkSize: 256 * 1024,
    }),
  }),
  { versionKind: "generation" },
);

describe("GcsStorage", () => {
  let bucket: string;
  let storage: GcsStorage;

  beforeEach(() => {
    bucket = freshBucket();
    storage = new GcsStorage({ bucket, storage: client });
  });

  it("uses the generation as storage_version and gs://bucket/key URIs", async () => {
    const stored = await storage.put("runs/o/r/input.json", "{}");
    const object = fake.objects.get(`${bucket}/runs/o/r/input.json`);
    expect(stored.storage_version).toBe(object?.generation);
    expect(stored.uri).toBe(`gs://${bucket}/runs/o/r/input.json`);
    expect(
      fake.requests.some(
        (r) =>
          r.query.name === "runs/o/r/input.json" &&
          r.query.uploadType === "multipart" &&
          r.query.ifGenerationMatch === "0",
      ),
    ).toBe(true);
  });

  it("sends a 6 MiB body through a resumable upload, create-only", async () => {
    const data = randomBytes(6 * 1024 * 1024);
    const before = fake.requests.length;
    const stored = await storage.put("big/model.idf", Readable.from(chunksOf(data, 100_000)));
    expect(stored.size_bytes).toBe(data.length);
    expect(stored.sha256).toBe(sha256(data));
    const requests = fake.requests.slice(before);
    expect(
      requests.some(
        (r) =>
          r.method === "POST" &&
          r.query.uploadType === "resumable" &&
          r.query.ifGenerationMatch === "0",
      ),
    ).toBe(true);
    expect(requests.some((r) => r.method === "PUT" && r.query.upload_id !== undefined)).toBe(true);
    expectSameBytes(fake.objects.get(`${bucket}/big/model.idf`)?.data ?? Buffer.alloc(0), data);
    expectSameBytes(await readAll(storage.get("big/model.idf")), data);
    await expect(
      storage.put("big/model.idf", Readable.from(chunksOf(data, 100_000))),
    ).rejects.toMatchObject({
      code: "storage_already_exists",
    });
  });

  it("sends resumable chunks with Content-Range and resumes after each 308", async () => {
    const chunked = new GcsStorage({
      bucket,
      storage: client,
      resumableThreshold: 0,
      chunkSize: 1024 * 1024,
    });
    const data = randomBytes(3 * 1024 * 1024 + 5);
    const before = fake.requests.length;
    const stored = await chunked.put("chunked/weather.epw", data);
    const ranges = fake.requests
      .slice(before)
      .filter((r) => r.method === "PUT")
      .map((r) => r.contentRange);
    expect(ranges).toEqual([
      "bytes 0-1048575/*",
      "bytes 1048576-2097151/*",
      "bytes 2097152-3145727/*",
      `bytes 3145728-3145732/${data.length}`,
    ]);
    expect(stored.sha256).toBe(sha256(data));
    expectSameBytes(await readAll(chunked.get("chunked/weather.epw")), data);
  });

  it("rejects a download whose bytes fail the CRC32C check", async () => {
    const data = randomBytes(200_000);
    await storage.put("outputs/result.bin", data);
    const object = fake.objects.get(`${bucket}/outputs/result.bin`);
    if (object === undefined) throw new Error("not stored");
    object.data = Buffer.from(object.data);
    object.data[1234] = (object.data[1234] as number) ^ 0x01;
    await expect(readAll(storage.get("outputs/result.bin"))).rejects.toMatchObject({
      code: "storage_unavailable",
      details: { reason: "CONTENT_DOWNLOAD_MISMATCH", key: "outputs/result.bin" },
    });
  });

  it("rejects an upload the service stored corrupted, and leaves no object", async () => {
    for (const [name, options] of [
      ["simple", {}],
      ["resumable", { resumableThreshold: 0 }],
    ] as const) {
      const adapter = new GcsStorage({ bucket, storage: client, ...options });
      fake.corruptNextUpload();
      await expect(adapter.put(`corrupted/${name}.bin`, randomBytes(10_000))).rejects.toMatchObject(
        {
          code: "storage_unavailable",
        },
      );
      expect(fake.objects.has(`${bucket}/corrupted/${name}.bin`)).toBe(false);
      expect(await adapter.stat(`corrupted/${name}.bin`)).toBeNull();
    }
  });

  it("keeps keys under its prefix inside the bucket", async () => {
    const tenant = new GcsStorage({ bucket, storage: client, prefix: "tenant-a/" });
    const other = new GcsStorage({ bucket, storage: client, prefix: "tenant-b" });
    const stored = await tenant.put("runs/input.json", "{}");
    await other.put("runs/input.json", "[]");
    expect(stored.uri).toBe(`gs://${bucket}/tenant-a/runs/input.json`);
    expect(tenant.keyFor(stored.uri)).toBe("runs/input.json");
    expect(await codeOfCall(() => other.keyFor(stored.uri))).toBe("storage_path_invalid");
    expect(fake.objects.has(`${bucket}/tenant-a/runs/input.json`)).toBe(true);
    expect((await tenant.list("")).map((s) => s.key)).toEqual(["runs/input.json"]);
    expect((await readAll(other.get("runs/input.json"))).toString()).toBe("[]");
    expect(await codeOfCall(() => new GcsStorage({ bucket, prefix: "../x" }))).toBe(
      "storage_path_invalid",
    );
  });

  it("lists past one page, in key order", async () => {
    const names = Array.from(
      { length: 2345 },
      (_, i) => `runs/r/outputs/${String(i).padStart(5, "0")}.csv`,
    );
    for (const name of [...names].reverse()) fake.insert(bucket, name, Buffer.from(name));
    fake.insert(bucket, "runs/other/x", Buffer.from("x"));
    const before = fake.requests.length;
    const listed = await storage.list("runs/r/");
    expect(listed.map((s) => s.key)).toEqual(names);
    expect(listed[7]?.size_bytes).toBe(names[7]?.length);
    const pages = fake.requests.slice(before).filter((r) => r.method === "GET");
    expect(pages).toHaveLength(3);
    expect(pages[1]?.query.pageToken).toBeDefined();
  });

  it("refuses bucket names that are not valid", async () => {
    for (const name of ["", "A", "ab", "bucket/with/slash", "-leading", "x".repeat(223)]) {
      expect(await codeOfCall(() => new GcsStorage({ bucket: name, storage: client }))).toBe(
        "storage_path_invalid",
      );
    }
  });

  it("maps 5xx answers and an unreachable service to storage_unavailable", async () => {
    const noRetry = new Storage({
      apiEndpoint: fake.url,
      projectId: "test",
      retryOptions: { autoRetry: false },
    });
    const adapter = new GcsStorage({ bucket, storage: noRetry });
    await adapter.put("exists.txt", "x");
    const operations: [string, () => Promise<unknown>][] = [
      ["put", () => adapter.put("new.txt", "x")],
      [
        "put resumable",
        () =>
          new GcsStorage({ bucket, storage: noRetry, resumableThreshold: 0 }).put("new.txt", "x"),
      ],
      ["get", () => readAll(adapter.get("exists.txt"))],
      ["stat", () => adapter.stat("exists.txt")],
      ["list", () => adapter.list("")],
      ["delete", () => adapter.delete("exists.txt")],
    ];
    for (const [name, operation] of operations) {
      fake.failNext(503);
      expect(await codeOfCall(operation), name).toBe("storage_unavailable");
    }
    expect(fake.objects.has(`${bucket}/new.txt`)).toBe(false);
    expect(fake.objects.has(`${bucket}/exists.txt`)).toBe(true);

    const down = await startFakeGcsServer();
    await down.close();
    const unreachable = new GcsStorage({
      bucket,
      clientOptions: {
        apiEndpoint: down.url,
        projectId: "test",
        retryOptions: { autoRetry: false },
      },
    });
    expect(await codeOfCall(() => unreachable.stat("x"))).toBe("storage_unavailable");
    expect(await codeOfCall(() => unreachable.put("x", "y"))).toBe("storage_unavailable");
    expect(await codeOfCall(() => readAll(unreachable.get("x")))).toBe("storage_unavailable");
  });

  it("loads the client itself from clientOptions", async () => {
    const own = new GcsStorage({
      bucket,
      clientOptions: { apiEndpoint: fake.url, projectId: "test" },
    });
    await own.put("own.txt", "made by its own client");
    expect((await readAll(storage.get("own.txt"))).toString()).toBe("made by its own client");
  });

  it("stops a download when its signal aborts", async () => {
    await storage.put("abort/big.bin", randomBytes(2 * 1024 * 1024));
    const controller = new AbortController();
    const stream = await storage.get("abort/big.bin", { signal: controller.signal });
    const reading = readAll(stream);
    controller.abort(new Error("reader gave up"));
    await expect(reading).rejects.toThrow("reader gave up");
  });
});

function* chunksOf(data: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size)
    yield data.subarray(offset, offset + size);
}
