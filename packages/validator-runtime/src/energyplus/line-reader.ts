import { createReadStream } from "node:fs";
import { StringDecoder } from "node:string_decoder";

/** The longest line kept whole: 64 KiB. A longer line is cut there (the rest is dropped), so one endless line cannot exhaust memory. */
export const MAX_LINE_CHARS = 64 * 1024;

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
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let bytes = 0;
  const emit = (line: string) => onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024, signal: options.signal });
  let overlong = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    let text = decoder.write(chunk);
    if (overlong) {
      const nl = text.indexOf("\n");
      if (nl === -1) continue;
      text = text.slice(nl);
      overlong = false;
    }
    text = carry + text;
    let start = 0;
    let nl = text.indexOf("\n", start);
    while (nl !== -1) {
      emit(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    carry = text.slice(start);
    if (carry.length > MAX_LINE_CHARS) {
      carry = carry.slice(0, MAX_LINE_CHARS);
      overlong = true;
    }
  }
  if (!overlong) carry += decoder.end();
  if (carry !== "") emit(carry);
  return bytes;
}
