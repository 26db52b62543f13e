import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { judgeEntryName } from "../../src/fmu/entry-name";
import { DEFAULT_UNPACK_LIMITS, type UnpackLimits } from "../../src/fmu/limits";
import { collectReports, FmuReporter } from "../../src/fmu/report";
import { unpackFmu } from "../../src/fmu/unpack";
import { tempDirs } from "./helpers/run-core";
import { writeZip, type ZipEntrySpec } from "./helpers/zip-writer";

const newDir = tempDirs("fmu-unpack");

async function unpack(entries: ZipEntrySpec[], limits: Partial<UnpackLimits> = {}) {
  const dir = await newDir();
  const archive = join(dir, "a.fmu");
  await writeZip(archive, entries);
  const reports = collectReports();
  const target = join(dir, "out");
  const result = await unpackFmu(archive, target, new FmuReporter(reports), {
    ...DEFAULT_UNPACK_LIMITS,
    ...limits,
  });
  const codes = reports.findings.map((f) => f.code);
  return { dir, target, result, reports, codes };
}

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe("entry names", () => {
  it.each([
    ["modelDescription.xml", { ok: true, path: "modelDescription.xml" }],
    ["./binaries//linux64/m.so", { ok: true, path: "binaries/linux64/m.so" }],
    ["binaries\\linux64\\m.so", { ok: true, path: "binaries/linux64/m.so", backslashes: true }],
    ["resources/", { ok: true, path: "resources", directory: true }],
    ["../evil", { ok: false, code: "fmu.zip_slip" }],
    ["resources/../../evil", { ok: false, code: "fmu.zip_slip" }],
    ["..\\evil", { ok: false, code: "fmu.zip_slip" }],
    ["/etc/passwd", { ok: false, code: "fmu.zip_absolute_path" }],
    ["C:\\Windows\\x.dll", { ok: false, code: "fmu.zip_absolute_path" }],
    ["c:evil", { ok: false, code: "fmu.zip_absolute_path" }],
    ["\\\\server\\share", { ok: false, code: "fmu.zip_absolute_path" }],
    ["a\u0000b", { ok: false, code: "fmu.zip_unsafe_name" }],
    ["", { ok: false, code: "fmu.zip_unsafe_name" }],
    ["./", { ok: false, code: "fmu.zip_unsafe_name" }],
  ])("%j", (name, expected) => {
    expect(judgeEntryName(name)).toMatchObject(expected);
  });
});

describe("unpacking an FMU", () => {
  it("writes every entry under the target folder with its exact bytes", async () => {
    const binary = randomBytes(5000);
    const { target, result, codes } = await unpack([
      { name: "modelDescription.xml", data: "<x/>" },
      { name: "binaries/linux64/m.so", data: binary, method: "store" },
      { name: "resources/", data: "" },
      { name: "resources/deep/data.txt", data: "hello" },
    ]);
    expect(codes).toEqual([]);
    expect(result.complete).toBe(true);
    expect([...result.files].sort()).toEqual([
      "binaries/linux64/m.so",
      "modelDescription.xml",
      "resources/deep/data.txt",
    ]);
    expect(await readFile(join(target, "binaries/linux64/m.so"))).toEqual(binary);
    expect(await readFile(join(target, "resources/deep/data.txt"), "utf8")).toBe("hello");
  });

  it("refuses entries that climb out or are absolute, writes nothing outside, and keeps the rest", async () => {
    const { dir, target, result, reports, codes } = await unpack([
      { name: "../escaped.txt", data: "x" },
      { name: "resources/../../escaped2.txt", data: "x" },
      { name: "/tmp/absolute.txt", data: "x" },
      { name: "C:/absolute.txt", data: "x" },
      { name: "good.txt", data: "fine" },
    ]);
    expect(codes).toEqual([
      "fmu.zip_slip",
      "fmu.zip_slip",
      "fmu.zip_absolute_path",
      "fmu.zip_absolute_path",
    ]);
    expect(reports.findings.every((f) => f.severity === "ERROR")).toBe(true);
    expect(reports.findings[0]?.location?.path).toBe("../escaped.txt");
    expect(result.complete).toBe(true);
    expect(await listTree(target)).toEqual(["good.txt"]);
    expect(await listTree(dir)).toEqual(["a.fmu", "out/good.txt"]);
  });

  it("reads backslashes as folders and warns once", async () => {
    const { target, codes, reports } = await unpack([
      { name: "binaries\\linux64\\m.so", data: "elf" },
      { name: "resources\\a.txt", data: "a" },
    ]);
    expect(codes).toEqual(["fmu.zip_backslash_path"]);
    expect(reports.findings[0]?.severity).toBe("WARNING");
    expect(reports.findings[0]?.text).toContain("2 entries");
    expect(await listTree(target)).toEqual(["binaries/linux64/m.so", "resources/a.txt"]);
  });

  it("refuses symbolic links", async () => {
    const { target, codes } = await unpack([
      { name: "resources/link", data: "/etc/passwd", unixMode: 0o120777 },
      { name: "resources/file", data: "ok", unixMode: 0o100644 },
    ]);
    expect(codes).toEqual(["fmu.symlink_entry"]);
    expect(await listTree(target)).toEqual(["resources/file"]);
  });

  it("refuses an archive with more entries than allowed before writing anything", async () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: "x" }));
    const { target, result, codes } = await unpack(entries, { maxEntries: 4 });
    expect(codes).toEqual(["fmu.too_many_entries"]);
    expect(result.complete).toBe(false);
    expect(await listTree(target)).toEqual([]);
  });

  it("stops at the compression ratio while inflating", async () => {
    const { result, codes, reports } = await unpack(
      [{ name: "zeros.bin", data: Buffer.alloc(2 * 1024 * 1024) }],
      { ratioThresholdBytes: 64 * 1024 },
    );
    expect(codes).toEqual(["fmu.zip_bomb"]);
    expect(reports.findings[0]?.text).toContain("ratio");
    expect(result.complete).toBe(false);
  });

  it("counts inflated bytes, not the header: an entry that lies about its size is stopped at the entry limit", async () => {
    const { result, codes, reports } = await unpack(
      [{ name: "liar.bin", data: Buffer.alloc(3 * 1024 * 1024), declaredSize: 10 }],
      { maxEntryBytes: 1024 * 1024, maxCompressionRatio: 1e9 },
    );
    expect(codes).toEqual(["fmu.zip_bomb"]);
    expect(reports.findings[0]?.text).toContain("entry passed 1048576 bytes");
    expect(result.complete).toBe(false);
  });

  it("stops when all entries together pass the total limit", async () => {
    const chunk = () => ({ data: randomBytes(400 * 1024), method: "store" as const });
    const { codes, reports } = await unpack(
      [
        { name: "a.bin", ...chunk() },
        { name: "b.bin", ...chunk() },
        { name: "c.bin", ...chunk() },
      ],
      { maxTotalBytes: 1024 * 1024 },
    );
    expect(codes).toEqual(["fmu.zip_bomb"]);
    expect(reports.findings[0]?.location?.path).toBe("c.bin");
  });

  it("refuses an entry whose header already declares more than the entry limit", async () => {
    const { codes } = await unpack([{ name: "big.bin", data: "tiny", declaredSize: 2 ** 31 }], {
      maxEntryBytes: 1024 ** 3,
    });
    expect(codes).toEqual(["fmu.zip_bomb"]);
  });

  it("reports entries whose bytes do not match their CRC-32 or size", async () => {
    const { codes, reports } = await unpack([
      { name: "crc.txt", data: "hello", declaredCrc: 12345 },
      { name: "short.txt", data: "hello", declaredSize: 6 },
    ]);
    expect(codes).toEqual(["fmu.zip_corrupt", "fmu.zip_corrupt"]);
    expect(reports.findings.map((f) => f.location?.path)).toEqual(["crc.txt", "short.txt"]);
  });

  it("refuses a second entry with the same path and keeps the first", async () => {
    const { target, codes } = await unpack([
      { name: "modelDescription.xml", data: "first" },
      { name: "./modelDescription.xml", data: "second" },
    ]);
    expect(codes).toEqual(["fmu.zip_duplicate_entry"]);
    expect(await readFile(join(target, "modelDescription.xml"), "utf8")).toBe("first");
  });

  it("refuses encrypted entries and unknown compression methods", async () => {
    const { target, codes } = await unpack([
      { name: "secret.txt", data: "x", method: "store", flags: 1 },
      { name: "bzip2.txt", data: "x", methodCode: 12 },
    ]);
    expect(codes).toEqual(["fmu.zip_encrypted", "fmu.zip_unsupported_compression"]);
    expect(existsSync(join(target, "secret.txt"))).toBe(false);
  });

  it("reports a file that is not a zip", async () => {
    const dir = await newDir();
    const path = join(dir, "x.fmu");
    await writeFile(path, randomBytes(2048));
    const reports = collectReports();
    const result = await unpackFmu(
      path,
      join(dir, "out"),
      new FmuReporter(reports),
      DEFAULT_UNPACK_LIMITS,
    );
    expect(result.complete).toBe(false);
    expect(reports.findings.map((f) => f.code)).toEqual(["fmu.not_a_zip"]);
  });
});
