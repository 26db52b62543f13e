import type { Readable } from "node:stream";
import { ValidibotError } from "@validibot/contracts";
import type { SubmitFile } from "@validibot/sdk";
import busboy from "busboy";
import type { Request, Response } from "express";
import { FileQueue } from "./file-queue";

/** The text fields a run upload may carry, before its files. */
const TEXT_FIELDS = new Set(["validator", "inputs"]);

/** The largest text field (the `inputs` JSON). */
export const MAX_FIELD_BYTES = 1024 * 1024;

/** A run upload as far as it was read: its text fields, and its files (streamed). */
export interface RunUpload {
  fields: Record<string, string>;
  /** The files, read as the consumer pulls them; a plain empty list when the form had none. */
  files: AsyncIterable<SubmitFile> | SubmitFile[];
  /**
   * Stops reading the upload after an error: the rest of the body is read and thrown away, and
   * the connection closes after the answer.
   */
  discard(res: Response): void;
}

/** A part's MIME type when it says something: `application/octet-stream` says "unknown". */
function specificType(mimeType: string | undefined): string | undefined {
  const type = mimeType?.split(";")[0]?.trim().toLowerCase();
  return !type || type === "application/octet-stream" ? undefined : type;
}

/**
 * Reads a `multipart/form-data` run upload with busboy, straight from the request: it resolves
 * once the text fields are read and the first file part starts (or the form ends), handing the
 * files on as an async iterable whose bodies are the parts' own streams. Nothing is buffered in
 * memory or on disk. Text fields (`validator`, `inputs`) must come before the files; a file
 * input left empty by a browser (no file name) is skipped.
 */
export function readRunUpload(req: Request): Promise<RunUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: "utf8",
        limits: { fieldSize: MAX_FIELD_BYTES, fields: 10, files: 20, parts: 30 },
      });
    } catch (error) {
      req.resume();
      reject(
        new ValidibotError(
          "invalid_request",
          `not a multipart/form-data body: ${(error as Error).message}`,
        ),
      );
      return;
    }
    const fields: Record<string, string> = {};
    const queue = new FileQueue();
    let started = false;
    let current: Readable | null = null;
    const upload: RunUpload = {
      fields,
      files: queue,
      discard(res) {
        res.set("connection", "close");
        req.unpipe(parser);
        current?.resume();
        req.resume();
      },
    };
    const start = (files: RunUpload["files"]) => {
      if (started) return;
      started = true;
      resolve({ ...upload, files });
    };
    const fail = (error: ValidibotError) => {
      if (!started) {
        started = true;
        upload.discard(req.res as Response);
        reject(error);
        return;
      }
      current?.destroy(error);
      queue.fail(error);
    };

    parser.on("field", (name, value, info) => {
      if (started) {
        fail(
          new ValidibotError(
            "invalid_request",
            `field ${name} comes after a file: send validator and inputs before the files`,
          ),
        );
      } else if (!TEXT_FIELDS.has(name)) {
        fail(
          new ValidibotError(
            "invalid_request",
            `unknown field ${name}: files go in file parts named by their port key`,
          ),
        );
      } else if (info.valueTruncated) {
        fail(
          new ValidibotError(
            "payload_too_large",
            `field ${name} is larger than ${MAX_FIELD_BYTES} bytes`,
          ),
        );
      } else if (name in fields) {
        fail(new ValidibotError("invalid_request", `field ${name} is given twice`));
      } else {
        fields[name] = value;
      }
    });
    parser.on("file", (name, stream, info) => {
      // The consumer sees a stream error through its own reading; this keeps an unread one from crashing.
      stream.on("error", () => {});
      if (!info.filename) {
        stream.resume();
        return;
      }
      current = stream;
      stream.once("end", () => {
        if (current === stream) current = null;
      });
      start(queue);
      queue.push({
        port_key: name,
        name: info.filename,
        mime_type: specificType(info.mimeType),
        body: stream,
      });
    });
    parser.on("close", () => {
      start([]);
      queue.end();
    });
    parser.on("error", (error) =>
      fail(
        new ValidibotError(
          "invalid_request",
          `malformed multipart body: ${(error as Error).message}`,
        ),
      ),
    );
    parser.on("partsLimit", () =>
      fail(new ValidibotError("invalid_request", "too many parts in the form")),
    );
    parser.on("filesLimit", () =>
      fail(new ValidibotError("invalid_request", "too many files in the form")),
    );
    parser.on("fieldsLimit", () =>
      fail(new ValidibotError("invalid_request", "too many fields in the form")),
    );
    req.on("close", () => {
      if (!req.complete) fail(new ValidibotError("invalid_request", "the upload was interrupted"));
    });
    req.pipe(parser);
  });
}
