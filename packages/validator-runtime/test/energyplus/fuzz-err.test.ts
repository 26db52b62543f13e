import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ENERGYPLUS_CODES,
  ErrParser,
  type ErrReport,
  errFindings,
  parseErrFile,
  readModel,
} from "@validibot/validator-runtime/energyplus";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_MESSAGE_CHARS } from "../../src/energyplus/err-parser";
import type { ParsedModel } from "../../src/energyplus/model";
import { mutateBytes, mutationArbitrary } from "../support/fuzz-mutations";
import { fixture, tempDir } from "./helpers";

const RUNS = { numRuns: 200 };
const FILE_RUNS = { numRuns: 100 };
const ERR_CODES = new Set([
  "energyplus.warning",
  "energyplus.severe",
  "energyplus.fatal",
  "energyplus.messages_truncated",
]);
const FIXTURES = ["crash.err", "fatal.err", "severe.err", "success.err"];

function parseLines(lines: string[], options?: ConstructorParameters<typeof ErrParser>[0]) {
  const parser = new ErrParser(options);
  for (const line of lines) parser.line(line);
  return parser.end();
}

/** What every report must satisfy, and its findings, with or without a model to point into. */
function expectSoundReport(report: ErrReport, model: ParsedModel | null, maxMessages = 500) {
  expect(report.messages.length).toBeLessThanOrEqual(maxMessages);
  expect(report.dropped).toBeGreaterThanOrEqual(0);
  for (const level of ["warning", "severe", "fatal"] as const) {
    expect(Number.isInteger(report.markerCounts[level])).toBe(true);
  }
  for (const message of report.messages) {
    expect(["warning", "severe", "fatal"]).toContain(message.level);
    expect(message.errLine).toBeGreaterThanOrEqual(1);
    expect(message.errLine).toBeLessThanOrEqual(report.lines);
    expect(message.occurrences).toBeGreaterThanOrEqual(0);
    expect(message.text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS + 1);
  }
  const findings = errFindings(report, model);
  expect(findings).toHaveLength(report.messages.length + (report.dropped > 0 ? 1 : 0));
  for (const finding of findings) {
    expect(ERR_CODES.has(finding.code ?? "")).toBe(true);
    expect(Object.hasOwn(ENERGYPLUS_CODES, finding.code?.slice("energyplus.".length) ?? "")).toBe(
      true,
    );
    expect(["INFO", "WARNING", "ERROR"]).toContain(finding.severity);
  }
}

// Structure-aware lines, built from the markers EnergyPlus writes.

const words = fc.constantFrom(
  "GetSurfaceData:",
  'Surface="WALL 1",',
  'Zone="OFFICE"',
  "Object=Zone, Name=Z1,",
  "IDF line~12",
  "in SIZINGPERIOD:DESIGNDAY=CHICAGO ANN CLG",
  "<root>[Zone][Z1][x_origin]",
  'object of type "Zone" named "Z1"',
  "invalid Field=x",
  "Zone=Core;",
  "=",
  '"',
  "~~~",
  "é€",
  "Max=0.031  Min=0",
);
const messageText = fc.array(words, { maxLength: 6 }).map((w) => w.join(" "));
const indent = fc.constantFrom("", "   ", "\t");
const count = fc.nat({ max: 99_999 });

type Line = { kind: string; text: string };
const line: fc.Arbitrary<Line> = fc.oneof(
  fc.record({
    kind: fc.constant("warning"),
    text: fc.tuple(indent, messageText).map(([i, t]) => `${i}** Warning ** ${t}`),
  }),
  fc.record({
    kind: fc.constant("severe"),
    text: fc.tuple(indent, messageText).map(([i, t]) => `${i}** Severe  ** ${t}`),
  }),
  fc.record({
    kind: fc.constant("fatal"),
    text: fc.tuple(indent, messageText).map(([i, t]) => `${i}**  Fatal  ** ${t}`),
  }),
  fc.record({
    kind: fc.constant("more"),
    text: fc.tuple(indent, messageText).map(([i, t]) => `${i}**   ~~~   ** ${t}`),
  }),
  fc.record({
    kind: fc.constant("stars"),
    text: fc.tuple(indent, messageText).map(([i, t]) => `${i}************* ${t}`),
  }),
  fc.record({
    kind: fc.constant("recurring"),
    text: fc
      .tuple(fc.constantFrom("Warning", "Severe  "), messageText)
      .map(([level, t]) => `   *************  ** ${level} ** ${t}`),
  }),
  fc.record({
    kind: fc.constant("recurring-more"),
    text: fc.oneof(
      count.map((n) => `   *************  **   ~~~   **   This error occurred ${n} total times;`),
      count.map((n) => `   *************  **   ~~~   **   during Warmup ${n} times;`),
      messageText.map((t) => `   *************  **   ~~~   **   ${t}`),
    ),
  }),
  fc.record({
    kind: fc.constant("summary"),
    text: fc
      .tuple(fc.boolean(), count, count)
      .map(([done, w, s]) =>
        done
          ? `   ************* EnergyPlus Completed Successfully-- ${w} Warning; ${s} Severe Errors; Elapsed Time=00hr 00min  2.47sec`
          : `   ************* EnergyPlus Terminated--Fatal Error Detected. ${w} Warning; ${s} Severe Errors; Elapsed Time=00hr 00min  0.10sec`,
      ),
  }),
  fc.record({ kind: fc.constant("plain"), text: messageText }),
  fc.record({ kind: fc.constant("blank"), text: fc.constantFrom("", "   ", "\t") }),
);
const errFile = fc.record({
  version: fc.boolean(),
  lines: fc.array(line, { maxLength: 60 }),
});
const linesOf = (file: { version: boolean; lines: Line[] }) => [
  ...(file.version
    ? ["Program Version,EnergyPlus, Version 24.1.0-9d7789a3ac, YMD=2024.05.01 10:00,"]
    : []),
  ...file.lines.map((l) => l.text),
];

describe("ErrParser on generated eplusout.err files", () => {
  it("counts every main-body marker, keeps the last summary, points each message at its marker line", () => {
    fc.assert(
      fc.property(errFile, (file) => {
        const lines = linesOf(file);
        const report = parseLines(lines);
        expectSoundReport(report, null);
        const counted = (kind: string) => file.lines.filter((l) => l.kind === kind).length;
        expect(report.markerCounts).toEqual({
          warning: counted("warning"),
          severe: counted("severe"),
          fatal: counted("fatal"),
        });
        expect(report.programVersion).toBe(file.version ? "24.1.0-9d7789a3ac" : null);
        const summary = file.lines.filter((l) => l.kind === "summary").at(-1);
        if (!summary) expect(report.summary.outcome).toBeNull();
        else {
          const [, w, s] = /(\d+) Warning; (\d+) Severe/.exec(summary.text) ?? [];
          expect(report.summary).toMatchObject({
            outcome: summary.text.includes("Completed") ? "completed" : "terminated",
            warnings: Number(w),
            severe: Number(s),
          });
        }
        for (const message of report.messages) {
          const at = lines[message.errLine - 1] ?? "";
          const word = { warning: "Warning", severe: "Severe", fatal: "Fatal" }[message.level];
          expect(at).toMatch(new RegExp(`\\*\\*\\s*${word}\\s*\\*\\*`));
        }
        expect(report.lines).toBe(lines.length);
      }),
      RUNS,
    );
  });

  it("keeps at most maxMessages and a tail of the last tailLines lines, whatever the bounds", () => {
    fc.assert(
      fc.property(
        errFile,
        fc.nat({ max: 6 }),
        fc.nat({ max: 8 }),
        (file, maxMessages, tailLines) => {
          const lines = linesOf(file);
          const report = parseLines(lines, { maxMessages, tailLines });
          expectSoundReport(report, null, maxMessages);
          expect(report.tail).toBe(tailLines === 0 ? "" : lines.slice(-tailLines).join("\n"));
          if (report.dropped > 0) expect(report.messages).toHaveLength(maxMessages);
        },
      ),
      RUNS,
    );
  });

  it("never throws on arbitrary lines, and points findings into a real model without error", async () => {
    const { model } = await readModel(fixture("clean-office.idf"));
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ unit: "binary", maxLength: 120 }),
            line.map((l) => l.text),
          ),
          {
            maxLength: 60,
          },
        ),
        (lines) => {
          const report = parseLines(lines);
          expectSoundReport(report, null);
          expectSoundReport(report, model);
        },
      ),
      RUNS,
    );
  });

  it("bounds each message's text, however many continuation lines it has", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 200 }),
        (n, width) => {
          const more = `   **   ~~~   ** ${"x".repeat(width)}`;
          const report = parseLines(["   ** Severe  ** start", ...Array(n).fill(more)]);
          expectSoundReport(report, null);
          const text = report.messages[0]?.text ?? "";
          expect(text.startsWith("start")).toBe(true);
          expect(text.length).toBe(Math.min(5 + n * (width + 1), MAX_MESSAGE_CHARS + 1));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("reads long pathological messages through errFindings without quadratic blow-up", () => {
    // Each of these made a location pattern backtrack quadratically in the message's length.
    const shapes = [
      (n: number) => `in A:B=x${" ".repeat(n)}y`,
      (n: number) => `${"a".repeat(n)}="`,
      (n: number) => `in A${":B".repeat(n / 2)}`,
      (n: number) => "A:".repeat(n / 2),
      (n: number) => `Object=A, Name=${"x ".repeat(n / 2)}`,
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...shapes),
        fc.integer({ min: 30_000, max: 64_000 }),
        (shape, n) => {
          const lines = Array.from({ length: 20 }, (_, i) => `   ** Warning ** ${i} ${shape(n)}`);
          const report = parseLines(lines);
          expectSoundReport(report, null);
          expect(report.messages).toHaveLength(20);
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe("parseErrFile on files", () => {
  let dir: string;
  let remove: () => Promise<void>;
  let n = 0;
  beforeAll(async () => {
    ({ dir, remove } = await tempDir("err-fuzz-"));
  });
  afterAll(() => remove());

  async function parseBytes(bytes: Uint8Array) {
    n += 1;
    const path = join(dir, `${n}.err`);
    await writeFile(path, bytes);
    return parseErrFile(path);
  }

  /** Lines as `forEachLine` sees them: one per newline, plus a last unterminated one. */
  function expectedLineCount(bytes: Uint8Array) {
    const buffer = Buffer.from(bytes);
    let newlines = 0;
    for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) newlines += 1;
    return newlines + (buffer.length > 0 && buffer[buffer.length - 1] !== 10 ? 1 : 0);
  }

  it("reads the same report from a file, with LF or CRLF, as from its lines", async () => {
    await fc.assert(
      fc.asyncProperty(errFile, fc.boolean(), fc.boolean(), async (file, crlf, trailing) => {
        const lines = linesOf(file);
        // Without a final newline, a last empty line would not exist in the file.
        const newline = lines.length > 0 && (trailing || lines.at(-1) === "");
        const text = lines.join(crlf ? "\r\n" : "\n") + (newline ? "\n" : "");
        const bytes = Buffer.from(text, "utf8");
        const report = await parseBytes(bytes);
        expect({ ...report, bytes: 0 }).toEqual({ ...parseLines(lines), bytes: 0 });
        expect(report.bytes).toBe(bytes.length);
      }),
      FILE_RUNS,
    );
  });

  it("reads random bytes: a report with declared codes, every byte and line counted", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (bytes) => {
        const report = await parseBytes(bytes);
        expectSoundReport(report, null);
        expect(report.bytes).toBe(bytes.length);
        expect(report.lines).toBe(expectedLineCount(bytes));
      }),
      FILE_RUNS,
    );
  });

  it("reads mutated real eplusout.err files (insertions, deletions, truncations, byte flips)", async () => {
    const pieces = fc.oneof(
      fc.constantFrom(
        "\n",
        "\r\n",
        "**",
        " ** Warning ** ",
        "**   ~~~   ** ",
        "*************",
        "\0",
        "\ufffd",
      ),
      fc.constantFrom(" EnergyPlus Completed Successfully-- 1 Warning; 2 Severe Errors", 'Zone="'),
      fc.string({ unit: "binary", maxLength: 8 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIXTURES),
        mutationArbitrary(pieces),
        async (name, edits) => {
          const bytes = mutateBytes(readFileSync(fixture("err", name)), edits);
          const report = await parseBytes(bytes);
          expectSoundReport(report, null);
          expect(report.bytes).toBe(bytes.length);
          expect(report.lines).toBe(expectedLineCount(bytes));
        },
      ),
      FILE_RUNS,
    );
  });

  it("reads lines far longer than 64 KiB and reads on past them", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 70_000, max: 300_000 }),
        fc.boolean(),
        async (length, end) => {
          const long = `   ** Warning ** ${"y".repeat(length)}`;
          const text = `${long}\n   ** Severe  ** after\n${end ? long : ""}`;
          const report = await parseBytes(Buffer.from(text));
          expectSoundReport(report, null);
          expect(report.markerCounts.severe).toBe(1);
          expect(report.messages.map((m) => m.level).slice(0, 2)).toEqual(["warning", "severe"]);
          expect(report.markerCounts.warning).toBe(end ? 2 : 1);
          expect(report.lines).toBe(end ? 3 : 2);
        },
      ),
      { numRuns: 8 },
    );
  });
});
