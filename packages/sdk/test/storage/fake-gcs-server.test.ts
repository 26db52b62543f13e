import { randomBytes } from "node:crypto";
import { CRC32C, Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  crc32c,
  crc32cBase64,
  type FakeGcsServer,
  startFakeGcsServer,
} from "../support/fake-gcs-server";

describe("the fake GCS server", () => {
  let fake: FakeGcsServer;
  let client: Storage;

  beforeAll(async () => {
    fake = await startFakeGcsServer();
    client = new Storage({ apiEndpoint: fake.url, projectId: "test" });
  });
  afterAll(async () => {
    await fake.close();
  });

  it("computes CRC32C as the standard and the real client do", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    for (const size of [0, 1, 31, 4096, 100_003]) {
      const data = randomBytes(size);
      const reference = new CRC32C();
      reference.update(data);
      expect(crc32cBase64(data)).toBe(reference.toString());
    }
  });

  it("serves byte ranges as the client asks for them", async () => {
    const data = randomBytes(10_000);
    await client.bucket("ranges").file("f.bin").save(data, { resumable: false });
    const [head] = await client.bucket("ranges").file("f.bin").download({ start: 0, end: 99 });
    const [tail] = await client.bucket("ranges").file("f.bin").download({ start: 9_990 });
    expect(Buffer.compare(head, data.subarray(0, 100))).toBe(0);
    expect(Buffer.compare(tail, data.subarray(9_990))).toBe(0);
  });

  it("answers metadata with the generation, size and hashes the client checks", async () => {
    const data = randomBytes(1234);
    await client
      .bucket("meta")
      .file("m.bin")
      .save(data, { resumable: false, contentType: "text/csv" });
    const [metadata] = await client.bucket("meta").file("m.bin").getMetadata();
    const stored = fake.objects.get("meta/m.bin");
    expect(metadata).toMatchObject({
      name: "m.bin",
      bucket: "meta",
      size: "1234",
      generation: stored?.generation,
      crc32c: crc32cBase64(data),
      contentType: "text/csv",
    });
  });

  it("lists with a delimiter as folders", async () => {
    for (const name of ["d/a.txt", "d/sub/b.txt", "d/sub/c.txt", "e.txt"])
      fake.insert("folders", name, Buffer.from(name));
    const [files, , response] = await client
      .bucket("folders")
      .getFiles({ prefix: "d/", delimiter: "/", autoPaginate: false });
    expect(files.map((f) => f.name)).toEqual(["d/a.txt"]);
    expect((response as { prefixes?: string[] }).prefixes).toEqual(["d/sub/"]);
  });
});
