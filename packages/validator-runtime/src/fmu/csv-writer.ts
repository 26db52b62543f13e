import { closeSync, openSync, writeSync } from "node:fs";

const FLUSH_AT = 64 * 1024;

/**
 * Writes CSV rows to a file synchronously through a small buffer (the worker's loop is
 * synchronous FFI calls), so memory stays constant however long the simulation runs.
 */
export class CsvWriter {
  private readonly fd: number;
  private pending = "";

  constructor(path: string, header: string[]) {
    this.fd = openSync(path, "w");
    this.row(header);
  }

  /** Appends one row; fields with commas, quotes or line breaks are quoted. */
  row(fields: string[]): void {
    this.line(fields.map(quoteCsv).join(","));
  }

  /** Appends one row already formatted (fields quoted by the caller). */
  line(text: string): void {
    this.pending += `${text}\n`;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  /** Writes buffered rows to the file. */
  flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, this.pending);
    this.pending = "";
  }

  /** Flushes and closes the file. */
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A CSV field, quoted when it holds a comma, a quote or a line break. */
export function quoteCsv(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
