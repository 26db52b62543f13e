import { forEachLine } from "./line-reader";

/** The level of an EnergyPlus message. */
export type ErrLevel = "warning" | "severe" | "fatal";

/** One message of `eplusout.err`, with its `~~~` continuation lines joined to it. */
export interface ErrMessage {
  level: ErrLevel;
  /** The message and its continuation lines, joined by a space. */
  text: string;
  /** 1-based line in `eplusout.err` where the message starts. */
  errLine: number;
  /** True when it comes from (or was matched in) the Recurring Error Summary. */
  recurring: boolean;
  /** How many times EnergyPlus says it occurred (recurring summary), or how many identical copies were merged; 1 when seen once. */
  occurrences: number;
}

/** What the closing lines of `eplusout.err` say. */
export interface ErrSummary {
  /** `completed` (`EnergyPlus Completed Successfully--`), `terminated` (`EnergyPlus Terminated--`), or null when neither was written. */
  outcome: "completed" | "terminated" | null;
  warnings: number | null;
  severe: number | null;
  elapsed: string | null;
}

/** Everything read from `eplusout.err`. */
export interface ErrReport {
  /** From the first line, `Program Version,EnergyPlus, Version 24.1.0-9d7789a3ac, YMD=...`. */
  programVersion: string | null;
  /** Messages kept, in order of first appearance (at most `maxMessages`). */
  messages: ErrMessage[];
  /** Messages of the main body by level, every one counted (recurring summaries not included). */
  markerCounts: Record<ErrLevel, number>;
  summary: ErrSummary;
  /** Messages not kept (each occurrence) because `maxMessages` distinct ones were already kept. */
  dropped: number;
  /** The last lines of the file, for people reading a failure. */
  tail: string;
  lines: number;
  bytes: number;
}

/** Options of the parser. */
export interface ErrParserOptions {
  /** Keep at most this many distinct messages. Default 500. */
  maxMessages?: number;
  /** Keep this many last lines as the tail. Default 40. */
  tailLines?: number;
}

/**
 * The longest message text kept: 64 Ki characters. Continuation lines past it are
 * left out and the text ends with "…", so a message with endless `~~~` lines cannot exhaust memory.
 */
export const MAX_MESSAGE_CHARS = 64 * 1024;

const MARKER = /^\*\*\s*(Warning|Severe|Fatal|~~~)\s*\*\*\s?(.*)$/;
const COMPLETED =
  /EnergyPlus Completed Successfully--\s*(\d+)\s+Warning;\s*(\d+)\s+Severe Errors?(?:;\s*Elapsed Time=(.*))?/;
const TERMINATED =
  /EnergyPlus Terminated--Fatal Error Detected\.\s*(\d+)\s+Warning;\s*(\d+)\s+Severe Errors?(?:;\s*Elapsed Time=(.*))?/;
const OCCURRED = /This error occurred (\d+) total times?;?/;
const RECURRING_STATS = /^(during (Warmup|Sizing) \d+ times[;.]?)$/;
const STARS = "*************";

function levelOf(word: string): ErrLevel {
  return word === "Warning" ? "warning" : word === "Severe" ? "severe" : "fatal";
}

/**
 * A streaming parser of `eplusout.err`: feed it lines, it keeps a bounded set of messages and
 * counts. `** Warning **`, `** Severe  **` and `**  Fatal  **` open messages; `**   ~~~   **`
 * lines are joined to the open message; `*************` lines close it (and carry progress,
 * the Recurring Error Summary and the final summary). A recurring-summary entry is counted once:
 * it updates the matching message's `occurrences` (or adds one message with its count), and
 * does not add to the marker counts. Identical messages are merged. Memory is bounded by
 * `maxMessages` and `tailLines`, not by the file's size.
 */
export class ErrParser {
  private readonly maxMessages: number;
  private readonly tailLines: number;
  private readonly messages: ErrMessage[] = [];
  private readonly byKey = new Map<string, ErrMessage>();
  private readonly tail: string[] = [];
  private tailNext = 0;
  private readonly counts: Record<ErrLevel, number> = { warning: 0, severe: 0, fatal: 0 };
  private summary: ErrSummary = { outcome: null, warnings: null, severe: null, elapsed: null };
  private programVersion: string | null = null;
  private open: {
    level: ErrLevel;
    parts: string[];
    errLine: number;
    recurring: boolean;
    occurrences: number;
    /** Length of the parts joined so far. */
    chars: number;
  } | null = null;
  private dropped = 0;
  private lineNo = 0;

  constructor(options: ErrParserOptions = {}) {
    this.maxMessages = options.maxMessages ?? 500;
    this.tailLines = options.tailLines ?? 40;
  }

  /** Reads one line (without its newline). */
  line(raw: string): void {
    this.lineNo++;
    if (this.tailLines > 0) {
      this.tail[this.tailNext] = raw.length > 2000 ? `${raw.slice(0, 2000)}…` : raw;
      this.tailNext = (this.tailNext + 1) % this.tailLines;
    }
    const text = raw.trimStart();
    if (text === "") return;
    if (text.startsWith(STARS)) {
      this.starLine(text.slice(STARS.length).trimStart());
      return;
    }
    if (text.startsWith("**")) {
      const m = MARKER.exec(text.trimEnd());
      if (m) {
        this.marker(m[1] ?? "", m[2] ?? "", false);
        return;
      }
    }
    if (this.lineNo === 1 && text.startsWith("Program Version")) {
      this.programVersion =
        /Version\s+(\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z]+)?)/.exec(text)?.[1] ?? null;
      return;
    }
    // `...Summary of Errors that led to program termination:` and other plain lines close nothing.
  }

  /** Ends the input and returns the report. */
  end(bytes = 0): ErrReport {
    this.close();
    return {
      programVersion: this.programVersion,
      messages: this.messages,
      markerCounts: { ...this.counts },
      summary: this.summary,
      dropped: this.dropped,
      tail: [...this.tail.slice(this.tailNext), ...this.tail.slice(0, this.tailNext)].join("\n"),
      lines: this.lineNo,
      bytes,
    };
  }

  private starLine(rest: string): void {
    if (rest.startsWith("**")) {
      const m = MARKER.exec(rest.trimEnd());
      if (m) {
        this.marker(m[1] ?? "", m[2] ?? "", true);
        return;
      }
    }
    this.close();
    if (rest.startsWith("EnergyPlus Completed") || rest.startsWith("EnergyPlus Terminated")) {
      const m = COMPLETED.exec(rest) ?? TERMINATED.exec(rest);
      if (m) {
        this.summary = {
          outcome: rest.startsWith("EnergyPlus Completed") ? "completed" : "terminated",
          warnings: Number(m[1]),
          severe: Number(m[2]),
          elapsed: m[3]?.trim() || null,
        };
      }
    }
  }

  private marker(word: string, body: string, recurring: boolean): void {
    if (word === "~~~") {
      const piece = body.trim();
      if (!this.open || piece === "") return;
      if (recurring) {
        const occurred = OCCURRED.exec(piece);
        if (occurred) {
          this.open.occurrences = Number(occurred[1]);
          return;
        }
        if (RECURRING_STATS.test(piece)) return;
      }
      if (this.open.chars > MAX_MESSAGE_CHARS) return;
      this.open.chars += (this.open.chars > 0 ? 1 : 0) + piece.length;
      this.open.parts.push(piece);
      return;
    }
    this.close();
    const level = levelOf(word);
    if (!recurring) this.counts[level]++;
    const first = body.trim();
    this.open = {
      level,
      parts: [first],
      errLine: this.lineNo,
      recurring,
      occurrences: 1,
      chars: first.length,
    };
  }

  private close(): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    const joined = open.parts.filter((p) => p !== "").join(" ");
    const text =
      joined.length > MAX_MESSAGE_CHARS ? `${joined.slice(0, MAX_MESSAGE_CHARS)}…` : joined;
    if (open.recurring) {
      // The summary repeats the first line of a message shown in full earlier, if it was.
      const first = open.parts[0] ?? "";
      const match =
        this.byKey.get(`${open.level}\u0000${text}`) ??
        this.byKey.get(`${open.level}\u0000first\u0000${first}`);
      if (match) {
        match.recurring = true;
        match.occurrences = Math.max(match.occurrences, open.occurrences);
        return;
      }
    } else {
      const same = this.byKey.get(`${open.level}\u0000${text}`);
      if (same && !same.recurring) {
        same.occurrences++;
        return;
      }
    }
    if (this.messages.length >= this.maxMessages) {
      this.dropped++;
      return;
    }
    const message: ErrMessage = {
      level: open.level,
      text,
      errLine: open.errLine,
      recurring: open.recurring,
      occurrences: open.occurrences,
    };
    this.messages.push(message);
    this.byKey.set(`${open.level}\u0000${text}`, message);
    const firstKey = `${open.level}\u0000first\u0000${open.parts[0] ?? ""}`;
    if (!this.byKey.has(firstKey)) this.byKey.set(firstKey, message);
  }
}

/** Parses an `eplusout.err` file as a stream (constant memory, see `ErrParser`). */
export async function parseErrFile(
  path: string,
  options: ErrParserOptions & { signal?: AbortSignal } = {},
): Promise<ErrReport> {
  const parser = new ErrParser(options);
  const bytes = await forEachLine(path, (l) => parser.line(l), { signal: options.signal });
  return parser.end(bytes);
}
