import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { Readable } from "node:stream";
import { ValidibotError } from "@validibot/contracts";
import type { MultipartFile } from "./multipart";

/** The bytes of a file to submit: in memory, a `Blob`, or a stream. */
export type SubmitRunFileData = Uint8Array | string | Blob | Readable | AsyncIterable<Uint8Array>;

/** A file of a submission: its port, and its bytes as `data` or a local `path` (streamed from disk). */
export interface SubmitRunFile {
  /** The validator's port this file feeds, e.g. `primary_model`. */
  port_key: string;
  /** The file name the server stores. Default: the last segment of `path`; required with `data`. */
  name?: string;
  /** Its MIME type. Default: none sent (`application/octet-stream`), so the server infers it from the name. */
  mime_type?: string;
  /** The bytes. One of `data` / `path`. */
  data?: SubmitRunFileData;
  /** A local file, read as the upload goes. One of `data` / `path`. */
  path?: string;
}

function chunksOf(data: SubmitRunFileData): AsyncIterable<Uint8Array | string> {
  if (typeof data === "string" || data instanceof Uint8Array) {
    return (async function* () {
      yield data;
    })();
  }
  if (data instanceof Blob) return data.stream() as unknown as AsyncIterable<Uint8Array>;
  return data;
}

/**
 * The multipart file part of a submission file. A `path` is checked to be a readable file now and
 * streamed when its turn comes; nothing is read into memory. Throws `invalid_request` for a file
 * given without bytes or name, or a path that is not a readable file.
 */
export async function multipartFileOf(file: SubmitRunFile): Promise<MultipartFile> {
  const contentType = file.mime_type ?? "application/octet-stream";
  if ((file.data === undefined) === (file.path === undefined)) {
    throw new ValidibotError(
      "invalid_request",
      `file for port ${file.port_key}: give exactly one of data and path`,
    );
  }
  if (file.path !== undefined) {
    const path = file.path;
    let isFile = false;
    try {
      isFile = (await stat(path)).isFile();
    } catch (error) {
      throw new ValidibotError(
        "invalid_request",
        `cannot read ${path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (!isFile) throw new ValidibotError("invalid_request", `${path} is not a file`);
    return {
      name: file.port_key,
      filename: file.name ?? basename(path),
      contentType,
      open: () => createReadStream(path),
    };
  }
  if (!file.name) {
    throw new ValidibotError(
      "invalid_request",
      `file for port ${file.port_key}: a name is required with data`,
    );
  }
  const data = file.data as SubmitRunFileData;
  return { name: file.port_key, filename: file.name, contentType, open: () => chunksOf(data) };
}
