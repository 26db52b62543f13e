import { writeFile } from "node:fs/promises";
import { crc32, deflateRawSync } from "node:zlib";

/** One entry of a test archive; the options exist to build hostile archives on purpose. */
export interface ZipEntrySpec {
  /** The stored name, verbatim: `../evil`, `/abs`, `a\\b` are written as given. */
  name: string;
  data: Buffer | string;
  /** Default `deflate`. */
  method?: "store" | "deflate";
  /** A Unix mode for the external attributes (e.g. `0o120777` for a symlink). Default: `0o100644`. */
  unixMode?: number;
  /** Overrides the uncompressed size written in the headers (a lying header). */
  declaredSize?: number;
  /** Overrides the CRC-32 written in the headers (a corrupt entry). */
  declaredCrc?: number;
  /** Overrides the compression method code in the headers (the data is stored as given). */
  methodCode?: number;
  /** Extra general-purpose flag bits (bit 0: encrypted). */
  flags?: number;
}

/** Writes a zip archive (no zip64, no encryption) to `path`; dependency-free, for tests. */
export async function writeZip(path: string, entries: ZipEntrySpec[]): Promise<void> {
  await writeFile(path, zipBytes(entries));
}

/** The bytes of a zip archive holding `entries`, in order. */
export function zipBytes(entries: ZipEntrySpec[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = typeof entry.data === "string" ? Buffer.from(entry.data, "utf8") : entry.data;
    const deflate = entry.method !== "store" && entry.methodCode === undefined;
    const method = entry.methodCode ?? (deflate ? 8 : 0);
    const body = deflate ? deflateRawSync(data) : data;
    const flags = 0x0800 | (entry.flags ?? 0);
    const crc = entry.declaredCrc ?? crc32(data);
    const size = entry.declaredSize ?? data.length;
    const name = Buffer.from(entry.name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, name, body);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE((3 << 8) | 20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(flags, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt16LE(0, 12);
    header.writeUInt16LE(0x21, 14);
    header.writeUInt32LE(crc >>> 0, 16);
    header.writeUInt32LE(body.length, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(((entry.unixMode ?? 0o100644) << 16) >>> 0, 38);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
