import { randomBytes } from "node:crypto";

/** A text part of a multipart form. */
export interface MultipartField {
  name: string;
  value: string;
}

/** A file part of a multipart form; `open` is called once, when the part's turn comes. */
export interface MultipartFile {
  name: string;
  filename: string;
  contentType: string;
  open(): AsyncIterable<Uint8Array | string>;
}

/** A multipart body ready to send: its content type (with the boundary) and its bytes, streamed. */
export interface MultipartBody {
  contentType: string;
  body: AsyncIterable<Uint8Array>;
}

/** Quotes a name for a `Content-Disposition` parameter as browsers do (`"`, CR and LF escaped). */
function quoted(value: string): string {
  return `"${value.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A")}"`;
}

/**
 * A `multipart/form-data` body of `fields` and then `files`, in that order. File bytes are
 * streamed from each file's source as the body is read: nothing is buffered beyond a chunk.
 */
export function multipartBody(fields: MultipartField[], files: MultipartFile[]): MultipartBody {
  const boundary = `----validibot-${randomBytes(16).toString("hex")}`;
  const encoder = new TextEncoder();
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (const field of fields) {
      yield encoder.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(field.name)}\r\n\r\n${field.value}\r\n`,
      );
    }
    for (const file of files) {
      yield encoder.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(file.name)}; filename=${quoted(file.filename)}\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      );
      for await (const chunk of file.open()) {
        yield typeof chunk === "string" ? encoder.encode(chunk) : chunk;
      }
      yield encoder.encode("\r\n");
    }
    yield encoder.encode(`--${boundary}--\r\n`);
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: chunks() };
}
