import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import yauzl from "yauzl";
import { judgeEntryName, printableName } from "./entry-name";
import type { UnpackLimits } from "./limits";
import type { FmuReporter } from "./report";

/** What unpacking left on disk. */
export interface UnpackResult {
  /** False when unpacking stopped early (not a zip, a bomb, too many entries, cancelled). */
  complete: boolean;
  /** Paths of the files written, relative to the target folder, `/`-separated. */
  files: Set<string>;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const UNIX_HOSTS = new Set([3, 19]);

class LimitExceeded extends Error {}

/**
 * Unpacks an FMU into `targetDir` one entry at a time (yauzl, lazy entries, streaming), and
 * refuses what could escape the folder or fill the disk: `..` and absolute paths, symbolic
 * links, encrypted entries, more entries than allowed, and inflated data past the limits.
 * Sizes are counted on the inflated bytes, never taken from the headers, and each entry's
 * CRC-32 and size are checked against its header. Every refusal is a finding.
 */
export async function unpackFmu(
  archivePath: string,
  targetDir: string,
  reporter: FmuReporter,
  limits: UnpackLimits,
  signal?: AbortSignal,
): Promise<UnpackResult> {
  const files = new Set<string>();
  const root = resolve(targetDir);
  await mkdir(root, { recursive: true });
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(archivePath, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: false,
    });
  } catch (error) {
    reporter.error("fmu.not_a_zip", `The FMU is not a readable zip archive: ${messageOf(error)}.`);
    return { complete: false, files };
  }
  const backslashed: string[] = [];
  try {
    if (zip.entryCount > limits.maxEntries) {
      reporter.error(
        "fmu.too_many_entries",
        `The archive holds ${zip.entryCount} entries; at most ${limits.maxEntries} are allowed.`,
      );
      return { complete: false, files };
    }
    const directories = new Set<string>();
    let total = 0;
    for (;;) {
      if (signal?.aborted) return { complete: false, files };
      let entry: yauzl.Entry | null;
      try {
        entry = await nextEntry(zip);
      } catch (error) {
        reporter.error(
          "fmu.zip_corrupt",
          `The archive's directory is damaged: ${messageOf(error)}.`,
        );
        return { complete: false, files };
      }
      if (!entry) break;

      const name = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        true,
      );
      const verdict = judgeEntryName(name);
      if (!verdict.ok) {
        reporter.error(verdict.code, `Entry "${printableName(name)}" refused: ${verdict.reason}.`, {
          path: printableName(name),
        });
        continue;
      }
      if (verdict.backslashes) backslashed.push(name);
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (UNIX_HOSTS.has(entry.versionMadeBy >> 8) && mode === S_IFLNK) {
        reporter.error(
          "fmu.symlink_entry",
          `Entry "${verdict.path}" is a symbolic link; refused.`,
          {
            path: verdict.path,
          },
        );
        continue;
      }
      if (verdict.directory) {
        directories.add(verdict.path);
        continue;
      }
      if (entry.isEncrypted()) {
        reporter.error("fmu.zip_encrypted", `Entry "${verdict.path}" is encrypted.`, {
          path: verdict.path,
        });
        continue;
      }
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        reporter.error(
          "fmu.zip_unsupported_compression",
          `Entry "${verdict.path}" uses compression method ${entry.compressionMethod}; only store (0) and deflate (8) are read.`,
          { path: verdict.path },
        );
        continue;
      }
      if (files.has(verdict.path) || directories.has(verdict.path)) {
        reporter.error("fmu.zip_duplicate_entry", `Entry "${verdict.path}" appears twice.`, {
          path: verdict.path,
        });
        continue;
      }
      if (entry.uncompressedSize > limits.maxEntryBytes) {
        reporter.error(
          "fmu.zip_bomb",
          `Entry "${verdict.path}" declares ${entry.uncompressedSize} bytes; one entry may hold at most ${limits.maxEntryBytes}. Unpacking stopped.`,
          { path: verdict.path },
        );
        return { complete: false, files };
      }

      const target = resolve(root, verdict.path);
      if (!target.startsWith(root + sep)) {
        reporter.error("fmu.zip_slip", `Entry "${verdict.path}" resolves outside the folder.`, {
          path: verdict.path,
        });
        continue;
      }
      try {
        await mkdir(dirname(target), { recursive: true });
      } catch {
        reporter.error(
          "fmu.zip_duplicate_entry",
          `Entry "${verdict.path}" lies under a path that is a file in the archive.`,
          { path: verdict.path },
        );
        continue;
      }

      let written = 0;
      let crc = 0;
      const compressed = Math.max(entry.compressedSize, 1);
      try {
        const stream = await zip.openReadStreamPromise(entry);
        await pipeline(
          stream,
          async function* count(source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              written += chunk.length;
              total += chunk.length;
              if (written > limits.maxEntryBytes) {
                throw new LimitExceeded(`entry passed ${limits.maxEntryBytes} bytes`);
              }
              if (total > limits.maxTotalBytes) {
                throw new LimitExceeded(`archive passed ${limits.maxTotalBytes} bytes in total`);
              }
              if (
                written > limits.ratioThresholdBytes &&
                written / compressed > limits.maxCompressionRatio
              ) {
                throw new LimitExceeded(
                  `entry inflated ${compressed} bytes past ${written} bytes (ratio over ${limits.maxCompressionRatio})`,
                );
              }
              crc = crc32(chunk, crc);
              yield chunk;
            }
          },
          createWriteStream(target, { flags: "wx", mode: 0o644 }),
          { signal },
        );
      } catch (error) {
        if (error instanceof LimitExceeded) {
          reporter.error(
            "fmu.zip_bomb",
            `Entry "${verdict.path}": ${error.message}. Unpacking stopped.`,
            { path: verdict.path },
          );
          return { complete: false, files };
        }
        if (signal?.aborted) return { complete: false, files };
        reporter.error(
          "fmu.zip_corrupt",
          `Entry "${verdict.path}" could not be read: ${messageOf(error)}.`,
          { path: verdict.path },
        );
        continue;
      }
      files.add(verdict.path);
      if (written !== entry.uncompressedSize) {
        reporter.error(
          "fmu.zip_corrupt",
          `Entry "${verdict.path}" declares ${entry.uncompressedSize} bytes but holds ${written}.`,
          { path: verdict.path },
        );
      } else if (crc >>> 0 !== entry.crc32 >>> 0) {
        reporter.error("fmu.zip_corrupt", `Entry "${verdict.path}" fails its CRC-32 check.`, {
          path: verdict.path,
        });
      }
    }
  } finally {
    zip.close();
    if (backslashed.length > 0) {
      reporter.warning(
        "fmu.zip_backslash_path",
        `${backslashed.length} entr${backslashed.length === 1 ? "y uses" : "ies use"} backslashes as separators (e.g. "${printableName(backslashed[0] ?? "")}"); the zip format requires "/". They were read as folders.`,
        { path: printableName(backslashed[0] ?? "") },
      );
    }
  }
  return { complete: true, files };
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolveEntry, reject) => {
    const cleanup = () => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
    };
    const onEntry = (entry: yauzl.Entry) => {
      cleanup();
      resolveEntry(entry);
    };
    const onEnd = () => {
      cleanup();
      resolveEntry(null);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    zip.on("entry", onEntry);
    zip.on("end", onEnd);
    zip.on("error", onError);
    zip.readEntry();
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
