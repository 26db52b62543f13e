import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import {
  inputEnvelopeSha256,
  parseInputEnvelope,
  safeParseInputEnvelope,
  safeParseOutputEnvelope,
} from "../src/index";
import { inputEnvelopeArbitrary, reverseKeys } from "./corpus/arbitraries";
import type { Json, JsonObject } from "./corpus/builders";
import {
  energyPlusOutputEnvelope,
  fmuOutputEnvelope,
  inputEnvelope,
  outputEnvelope,
} from "./corpus/builders";
import { DOCUMENTS, verdicts, zodSchemas } from "./corpus/documents";

const RUNS = { numRuns: 150 };

/** Every path to a value inside `doc`, objects and arrays alike. */
function pathsOf(doc: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (doc === null || typeof doc !== "object") return [prefix];
  const entries: [string | number, Json][] = Array.isArray(doc)
    ? doc.map((child, i) => [i, child])
    : Object.entries(doc);
  return [prefix, ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

function setAt(doc: JsonObject, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(doc);
  let parent: Record<string | number, Json> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  parent[path[path.length - 1] as string | number] = value;
  return copy;
}

function expectParsedOrZodError(run: () => { success: boolean; error?: unknown }) {
  const result = run();
  if (!result.success) expect(result.error).toBeInstanceOf(ZodError);
}

describe("arbitrary valid input envelopes", () => {
  it("are accepted by zod, the reference schema and our generated schema", () => {
    fc.assert(
      fc.property(inputEnvelopeArbitrary, ({ kind, envelope }) => {
        const v = verdicts(kind, envelope);
        expect(
          { zod: v.zod, reference: v.reference, generated: v.generated },
          v.zodError?.message,
        ).toEqual({
          zod: true,
          reference: true,
          generated: true,
        });
      }),
      RUNS,
    );
  });

  it("survive a JSON round trip, and a reordering of keys, with the same hash", () => {
    fc.assert(
      fc.property(inputEnvelopeArbitrary, ({ envelope }) => {
        const hash = inputEnvelopeSha256(envelope);
        expect(inputEnvelopeSha256(JSON.parse(JSON.stringify(envelope)))).toBe(hash);
        expect(inputEnvelopeSha256(reverseKeys(envelope))).toBe(hash);
        const parsed = JSON.parse(JSON.stringify(parseInputEnvelope(envelope)));
        expect(inputEnvelopeSha256(parsed)).toBe(hash);
      }),
      RUNS,
    );
  });
});

describe("arbitrary JSON never crashes the parsers", () => {
  it("gets success or a ZodError from every schema", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const document of DOCUMENTS)
          expectParsedOrZodError(() => zodSchemas[document].safeParse(value));
        expectParsedOrZodError(() => safeParseInputEnvelope(value));
        expectParsedOrZodError(() => safeParseOutputEnvelope(value));
      }),
      { numRuns: 300 },
    );
  });

  const documents: [string, () => JsonObject][] = [
    ["input", inputEnvelope],
    ["output", outputEnvelope],
    ["EnergyPlus output", energyPlusOutputEnvelope],
    ["FMU output", fmuOutputEnvelope],
  ];

  it.each(
    documents,
  )("gets success or a ZodError for a %s envelope with one value replaced by any JSON", (_label, build) => {
    const doc = build();
    const paths = pathsOf(doc);
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
        (path, value) => {
          const mutated = setAt(doc, path, value);
          expectParsedOrZodError(() => safeParseInputEnvelope(mutated));
          expectParsedOrZodError(() => safeParseOutputEnvelope(mutated));
          try {
            inputEnvelopeSha256(mutated);
          } catch (error) {
            expect(error).toBeInstanceOf(ZodError);
          }
        },
      ),
      RUNS,
    );
  });
});
