import { closeSync, openSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";

/**
 * The FMU's log as the worker writes it: one line per message, written synchronously so
 * that what was logged before a crash is on disk, and cut at a byte limit.
 */
export class BoundedLog {
  private readonly fd: number;
  private written = 0;
  private truncated = false;

  constructor(
    path: string,
    private readonly limitBytes: number,
  ) {
    this.fd = openSync(path, "w");
  }

  /** Appends one line; past the limit, writes a single truncation note and drops the rest. */
  line(text: string): void {
    if (this.truncated) return;
    const bytes = Buffer.from(`${text.replace(/\r?\n$/, "")}\n`, "utf8");
    if (this.written + bytes.length > this.limitBytes) {
      this.truncated = true;
      writeSync(this.fd, `[validibot] log truncated at ${this.limitBytes} bytes\n`);
      return;
    }
    writeSync(this.fd, bytes);
    this.written += bytes.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Reads the log the worker left, at most `limitBytes` (plus its truncation note); null when empty or absent. */
export async function readLog(path: string, limitBytes: number): Promise<string | null> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    const buffer = Buffer.alloc(limitBytes + 256);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString("utf8");
    return text.length > 0 ? text : null;
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}
