import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ENERGYPLUS_CODES,
  IdfParser,
  type ModelObject,
  readEpJson,
  readModel,
} from "@validibot/validator-runtime/energyplus";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isNamedType } from "../../src/energyplus/model";
import { chunksOf, cutsArbitrary, mutateBytes, mutationArbitrary } from "../support/fuzz-mutations";
import { fixture, tempDir } from "./helpers";

const RUNS = { numRuns: 200 };
const FILE_RUNS = { numRuns: 120 };
const CODE_KEYS = new Set(Object.keys(ENERGYPLUS_CODES));
const SEVERITIES = new Set(["INFO", "WARNING", "ERROR"]);

function parseChunks(chunks: string[]) {
  const parser = new IdfParser();
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { objects: parser.objects, issues: parser.issues };
}

/** What every parse must satisfy, whatever the text: declared codes, sane positions and spans. */
function expectSoundParse(text: string, parsed: ReturnType<typeof parseChunks>) {
  for (const issue of parsed.issues) {
    expect(CODE_KEYS.has(issue.code)).toBe(true);
    expect(issue.line).toBeGreaterThanOrEqual(1);
    expect(issue.column).toBeGreaterThanOrEqual(1);
  }
  let previousEnd = 0;
  for (const object of parsed.objects) {
    expect(object.type).not.toBe("");
    expect(object.type).not.toMatch(/[,;!]/);
    expect(object.line).toBeGreaterThanOrEqual(1);
    expect(object.column).toBeGreaterThanOrEqual(1);
    const span = object.span as { start: number; end: number };
    expect(span.start).toBeGreaterThanOrEqual(previousEnd);
    expect(span.end).toBeGreaterThan(span.start);
    expect(span.end).toBeLessThanOrEqual(text.length);
    expect(text[span.end - 1]).toBe(";");
    previousEnd = span.end;
  }
}

/** Text weighted towards what the IDF tokenizer reacts to. */
const idfishText = fc.string({
  unit: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(",", ";", "!", "!-", "-", "\n", "\r\n", "\r", " ", "\t"),
    },
    { weight: 1, arbitrary: fc.constantFrom("\ufeff", "\v", "\f", "\u00a0", "é", "€", "😀", "\0") },
    { weight: 3, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 6 }) },
  ),
  maxLength: 400,
});

describe("IdfParser on arbitrary text", () => {
  it("never throws, reports only declared codes, and gives ordered spans ending at a ';'", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 2000 }), idfishText), (text) => {
        expectSoundParse(text, parseChunks([text]));
      }),
      RUNS,
    );
  });

  it("gives the same objects and issues whatever the chunking, for any text", () => {
    fc.assert(
      fc.property(
        idfishText.chain((text) => fc.tuple(fc.constant(text), cutsArbitrary(text.length))),
        ([text, cuts]) => {
          expect(parseChunks(chunksOf(text, cuts))).toEqual(parseChunks([text]));
        },
      ),
      RUNS,
    );
  });
});

// Structure-aware: models built object by object, with the expected parse alongside.

const TYPES = [
  "Version",
  "Building",
  "Zone",
  "BuildingSurface:Detailed",
  "Schedule:Compact",
  "Timestep",
  "Material",
  "RunPeriod",
  "Output:Variable",
  "zone",
];
const VALUE_CHARS = "abcXYZ019 .-_:/{}()\"'%#*é€😀\t".split(/(?:)/u);
const value = fc
  .array(fc.constantFrom(...VALUE_CHARS), { maxLength: 12 })
  .map((chars) => chars.join("").trim());
const gap = fc.constantFrom("", " ", "  ", "\t", "\n", "\r\n", "\r\n    ", "\n\t");
const comment = fc.constantFrom(
  "! a comment",
  "!- Field Name {m}",
  "!",
  "!-",
  "!!! ;,, not fields",
);
const object = fc.record({
  type: fc.constantFrom(...TYPES),
  fields: fc.array(value, { maxLength: 8 }),
  gaps: fc.array(gap, { minLength: 12, maxLength: 12 }),
  comments: fc.array(fc.option(comment, { nil: undefined }), { minLength: 12, maxLength: 12 }),
});

interface GeneratedModel {
  text: string;
  expected: { type: string; values: string[] }[];
  /** Offsets of the last object's type token and of its terminating ';' (-1 without objects). */
  last: { start: number; end: number };
}

const model: fc.Arbitrary<GeneratedModel> = fc
  .record({
    objects: fc.array(object, { maxLength: 12 }),
    lead: fc.constantFrom("", "\ufeff", "! header\r\n", "\n\n"),
  })
  .map(({ objects, lead }) => {
    let text = lead;
    const last = { start: -1, end: -1 };
    for (const o of objects) {
      const tokens = [o.type, ...o.fields];
      last.start = text.length;
      tokens.forEach((token, i) => {
        const gapAt = o.gaps[i % o.gaps.length] ?? "";
        text += token;
        if (i === tokens.length - 1) last.end = text.length;
        text += i === tokens.length - 1 ? ";" : ",";
        // A comment runs to the end of the line, so one is always followed by a newline.
        const note = o.comments[i % o.comments.length];
        text += note ? ` ${note}\n${gapAt}` : gapAt;
      });
      text += "\n";
    }
    return {
      text,
      expected: objects.map((o) => ({ type: o.type, values: o.fields })),
      last,
    };
  });

const shape = (objects: ModelObject[]) =>
  objects.map((o) => ({ type: o.type, values: o.fields.map((f) => f.value) }));

describe("IdfParser on generated models (commas, semicolons, comments, notes, CRLF, tabs)", () => {
  it("reads back exactly the objects and field values written, with no issue, in any chunking", () => {
    fc.assert(
      fc.property(
        model.chain((m) => fc.tuple(fc.constant(m), cutsArbitrary(m.text.length))),
        ([m, cuts]) => {
          const parsed = parseChunks(chunksOf(m.text, cuts));
          expect(parsed.issues).toEqual([]);
          expect(shape(parsed.objects)).toEqual(m.expected);
          for (const o of parsed.objects) {
            expect(o.name).toBe(isNamedType(o.type) ? (o.fields[0]?.value ?? null) : null);
          }
          expectSoundParse(m.text, parsed);
        },
      ),
      RUNS,
    );
  });

  it("reports a model cut short of its last ';' as idf_unterminated_object, keeping the objects before it", () => {
    fc.assert(
      fc.property(model, fc.nat(), (m, at) => {
        fc.pre(m.last.start >= 0);
        // Cut after the first character of the last object's type and before its ';'.
        const cut = m.last.start + 1 + (at % (m.last.end - m.last.start));
        const parsed = parseChunks([m.text.slice(0, cut)]);
        expect(shape(parsed.objects)).toEqual(m.expected.slice(0, -1));
        expect(parsed.issues).toEqual([
          expect.objectContaining({ code: "idf_unterminated_object" }),
        ]);
      }),
      RUNS,
    );
  });
});

describe("readModel on arbitrary and mutated files", () => {
  let dir: string;
  let remove: () => Promise<void>;
  let n = 0;
  beforeAll(async () => {
    ({ dir, remove } = await tempDir("eplus-fuzz-"));
  });
  afterAll(() => remove());

  const fixtures = {
    idf: ["clean-office.idf", "demo-problems.idf", "odd-formatting.idf", "unsafe.idf"],
    epjson: ["clean-office.epJSON", "problems.epJSON"],
  };
  const bytesOf = (name: string) => readFileSync(fixture(name));
  const pieces = fc.oneof(
    fc.constantFrom(",", ";", "!", "!-", "\n", "\r\n", "{", "}", "[", "]", '"', ":", "\0", "\\"),
    fc.constantFrom("\ufeff", "é", "😀", "\ud800", "Zone,", '{"Zone":', "Version,24.1;"),
    fc.string({ unit: "binary", maxLength: 8 }),
  );

  async function read(bytes: Uint8Array, name: string, maxBytes?: number) {
    n += 1;
    const path = join(dir, `${n}-${name}`);
    await writeFile(path, bytes);
    return readModel(path, maxBytes === undefined ? {} : { maxBytes });
  }

  /** What every read must satisfy: a result (never a rejection), declared codes only, the NUL rule. */
  function expectSoundRead(bytes: Uint8Array, result: Awaited<ReturnType<typeof readModel>>) {
    for (const f of result.findings) {
      expect(f.code?.startsWith("energyplus.")).toBe(true);
      expect(CODE_KEYS.has(f.code?.slice("energyplus.".length) ?? "")).toBe(true);
      expect(SEVERITIES.has(f.severity)).toBe(true);
    }
    const codes = result.findings.map((f) => f.code);
    const nul = Buffer.from(bytes).indexOf(0);
    expect(codes.includes("energyplus.model_binary")).toBe(nul !== -1);
    if (nul === -1 && isUtf8(bytes)) expect(codes).not.toContain("energyplus.model_encoding");
    expect(result.bytesRead).toBeLessThanOrEqual(bytes.length);
    if (nul !== -1) expect(result.bytesRead).toBe(nul);
    expect(["idf", "epjson"]).toContain(result.model.format);
  }

  it("reads random bytes as a model or findings with declared codes, never a rejection", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.constantFrom("m.idf", "m.epJSON", "m"),
        async (bytes, name) => {
          expectSoundRead(bytes, await read(bytes, name));
        },
      ),
      FILE_RUNS,
    );
  });

  it("reads mutated real IDF and epJSON fixtures (insertions, deletions, truncations, byte flips)", async () => {
    const all = [...fixtures.idf, ...fixtures.epjson];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...all), mutationArbitrary(pieces), async (name, edits) => {
        const bytes = mutateBytes(bytesOf(name), edits);
        const result = await read(bytes, name);
        expectSoundRead(bytes, result);
        expect(result.model.format).toBe(name.endsWith(".idf") ? "idf" : "epjson");
      }),
      FILE_RUNS,
    );
  });

  it("stops at maxBytes with model_too_large, whatever the bound", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fixtures.idf, ...fixtures.epjson),
        fc.integer({ min: 1, max: 4000 }),
        async (name, maxBytes) => {
          const bytes = bytesOf(name);
          const result = await read(bytes, name, maxBytes);
          expectSoundRead(bytes, result);
          const tooLarge = result.findings.some((f) => f.code === "energyplus.model_too_large");
          expect(tooLarge).toBe(bytes.length > maxBytes);
          expect(result.bytesRead).toBe(Math.min(bytes.length, maxBytes));
          if (tooLarge) expect(result.model.complete).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("gives a generated model read from disk the same objects as the in-memory parser", async () => {
    await fc.assert(
      fc.asyncProperty(model, async (m) => {
        const result = await read(Buffer.from(m.text, "utf8"), "generated.idf");
        expect(result.findings).toEqual([]);
        expect(shape(result.model.objects)).toEqual(m.expected);
      }),
      { numRuns: 60 },
    );
  });
});

describe("readEpJson on arbitrary text and JSON", () => {
  const EPJSON_CODES = new Set([
    "epjson_invalid_json",
    "epjson_invalid_structure",
    "duplicate_key",
  ]);

  function expectSoundEpJson(text: string) {
    const { model: read, issues } = readEpJson(text);
    for (const issue of issues) expect(EPJSON_CODES.has(issue.code)).toBe(true);
    expect(read.format).toBe("epjson");
    if (read.complete) expect(read.document).not.toBeNull();
    return { read, issues };
  }

  it("never throws on arbitrary text or arbitrary JSON documents", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 500 }),
          fc.json({ maxDepth: 6 }),
          fc
            .dictionary(
              fc.string({ maxLength: 8 }),
              fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 4 })),
            )
            .map((doc) => JSON.stringify(doc, null, 1)),
        ),
        (text) => {
          expectSoundEpJson(text);
        },
      ),
      RUNS,
    );
  });

  it("reads every object of a well-formed document, in order, with its name", () => {
    const name = fc.string({ minLength: 1, maxLength: 10 });
    const body = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== "__proto__"),
      fc.oneof(
        fc.string({ maxLength: 6 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
      ),
      { maxKeys: 5 },
    );
    const doc = fc.dictionary(
      fc.constantFrom(...TYPES.filter((t) => t !== "zone")),
      fc.dictionary(
        name.filter((k) => k !== "__proto__"),
        body,
        { maxKeys: 4 },
      ),
      { maxKeys: 5 },
    );
    fc.assert(
      fc.property(doc, (document) => {
        const { read, issues } = expectSoundEpJson(JSON.stringify(document, null, 2));
        expect(issues).toEqual([]);
        const expected = Object.entries(document).flatMap(([type, group]) =>
          Object.keys(group).map((n) => ({ type, name: n })),
        );
        expect(read.objects.map((o) => ({ type: o.type, name: o.name }))).toEqual(expected);
      }),
      RUNS,
    );
  });

  it("refuses a document nested far deeper than any model with a finding, not a stack overflow", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 200_000 }),
        fc.constantFrom("[", '{"a":'),
        (depth, open) => {
          const close = open === "[" ? "]" : "}";
          const text = `{"Zone":{"Z":{"x":${open.repeat(depth)}1${close.repeat(depth)}}}}`;
          const { read, issues } = expectSoundEpJson(text);
          expect(issues.map((i) => i.code)).toContain("epjson_invalid_structure");
          expect(read.complete).toBe(false);
        },
      ),
      { numRuns: 12 },
    );
  });
});
