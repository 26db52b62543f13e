import { isAscii } from "node:buffer";
import { createReadStream } from "node:fs";

/** The longest line kept whole: 64 KiB. A longer line is cut there (the rest is dropped), so one endless line cannot exhaust memory. */
export const MAX_LINE_BYTES = 64 * 1024;

function decode(bytes: Buffer): string {
  // A `\n` never falls inside a UTF-8 sequence, so whole lines decode on their own; ASCII (the
  // usual case) takes the cheap one-byte path.
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}

/**
 * Calls `onLine` for every line of a text file, streaming: memory stays constant whatever the
 * file's size. Lines lose their `\n` and any `\r`; invalid UTF-8 becomes U+FFFD. Returns the
 * number of bytes read.
 */
export async function forEachLine(
  path: string,
  onLine: (line: string) => void,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  let carry: Buffer | null = null;
  let skipping = false;
  let bytes = 0;
  const emitText = (text: string) => {
    let start = 0;
    let nl = text.indexOf("\n");
    while (nl !== -1) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      onLine(text.slice(start, end));
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
  };
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024, signal: options.signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    let buf = chunk;
    if (skipping) {
      const nl = buf.indexOf(10);
      if (nl === -1) continue;
      buf = buf.subarray(nl + 1);
      skipping = false;
    }
    if (carry !== null) {
      buf = Buffer.concat([carry, buf]);
      carry = null;
    }
    const last = buf.lastIndexOf(10);
    if (last === -1) {
      carry = buf;
    } else {
      emitText(decode(buf.subarray(0, last + 1)));
      carry = last + 1 < buf.length ? Buffer.from(buf.subarray(last + 1)) : null;
    }
    if (carry !== null && carry.length > MAX_LINE_BYTES) {
      onLine(decode(carry.subarray(0, MAX_LINE_BYTES)));
      carry = null;
      skipping = true;
    }
  }
  if (carry !== null && !skipping) {
    const text = decode(carry);
    onLine(text.endsWith("\r") ? text.slice(0, -1) : text);
  }
  return bytes;
}
