import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Storage } from "@google-cloud/storage";
import {
  FilesystemStorage,
  GcsStorage,
  MemoryStorage,
  storageForUri,
} from "@validibot/sdk/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGcsServer, startFakeGcsServer } from "../support/fake-gcs-server";
import { codeOfCall, readAll } from "./conformance";

describe("storageForUri", () => {
  let base: string;
  let fake: FakeGcsServer;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), "validibot-uri-"));
    await mkdir(join(base, "runs", "r1"), { recursive: true });
    await writeFile(join(base, "runs", "r1", "input.json"), '{"ok":true}');
    fake = await startFakeGcsServer();
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
    await fake.close();
  });

  it("reads a file:// URI from the file's own folder", async () => {
    const uri = pathToFileURL(join(base, "runs", "r1", "input.json")).href;
    const { storage, key } = storageForUri(uri);
    expect(storage).toBeInstanceOf(FilesystemStorage);
    expect(key).toBe("input.json");
    expect(storage.uriFor(key)).toBe(uri);
    expect((await readAll(storage.get(key))).toString()).toBe('{"ok":true}');
  });

  it("keeps the folders of a file:// URI under fileRoot, and ignores a fileRoot it is not under", () => {
    const uri = pathToFileURL(join(base, "runs", "r1", "input.json")).href;
    const under = storageForUri(uri, { fileRoot: base });
    expect(under.key).toBe("runs/r1/input.json");
    expect((under.storage as FilesystemStorage).root).toBe(base);
    const elsewhere = storageForUri(uri, { fileRoot: join(base, "other") });
    expect(elsewhere.key).toBe("input.json");
  });

  it("reads a gs:// URI through a GcsStorage of that bucket", async () => {
    fake.insert("results-bucket", "runs/r1/output.json", Buffer.from('{"status":"success"}'));
    const client = new Storage({ apiEndpoint: fake.url, projectId: "test" });
    const { storage, key } = storageForUri("gs://results-bucket/runs/r1/output.json", {
      gcsStorage: client,
    });
    expect(storage).toBeInstanceOf(GcsStorage);
    expect((storage as GcsStorage).bucket).toBe("results-bucket");
    expect(key).toBe("runs/r1/output.json");
    expect((await readAll(storage.get(key))).toString()).toBe('{"status":"success"}');
    const viaOptions = storageForUri("gs://results-bucket/runs/r1/output.json", {
      gcsClientOptions: { apiEndpoint: fake.url, projectId: "test" },
    });
    expect((await viaOptions.storage.stat(viaOptions.key))?.size_bytes).toBe(20);
  });

  it("finds a memory:// URI's MemoryStorage by name", async () => {
    const memory = new MemoryStorage({ name: "uri-test" });
    await memory.put("a/b.txt", "hello");
    const { storage, key } = storageForUri("memory://uri-test/a/b.txt");
    expect(storage).toBe(memory);
    expect((await readAll(storage.get(key))).toString()).toBe("hello");
    expect(await codeOfCall(() => storageForUri("memory://no-such-storage/a"))).toBe(
      "storage_not_found",
    );
  });

  it("refuses other schemes, malformed URIs and unsafe keys", async () => {
    for (const uri of [
      "https://example.com/x",
      "s3://bucket/key",
      "relative/path",
      "",
      "gs://bucket-only",
      "gs://bucket/",
      "gs://bucket/a/../../b",
      "gs://Bad_Bucket/x",
      "memory://name",
      "memory://uri-test/../x",
      "file://remote-host/x",
      "file:///",
    ]) {
      expect(await codeOfCall(() => storageForUri(uri)), uri).toBe("storage_path_invalid");
    }
  });
});
