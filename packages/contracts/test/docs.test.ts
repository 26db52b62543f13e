import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  callbackNonceCommitment,
  canonicalJson,
  type ErrorCode,
  ErrorCode as ErrorCodeSchema,
  ExecutionContext,
  expectedOutputIdentity,
  httpStatusOf,
  InputFileItem,
  inputEnvelopeSha256,
  outputIdentityMismatches,
  parseInputEnvelope,
  redactCallbackNonces,
  ValidationOutputEnvelope,
} from "../src/index";
import { type DocumentName, verdicts } from "./corpus/documents";
import { vectors } from "./reference";

// docs/contracts.md is what validator authors in other languages go by: its examples must parse,
// its worked example must hash as shown, and its error table must match errors.ts.
const doc = readFileSync(new URL("../../../docs/contracts.md", import.meta.url), "utf8");

function block(marker: string): string {
  const match = new RegExp(`<!-- ${marker} -->\\n\`{3}json\\n([\\s\\S]*?)\`{3}`).exec(doc);
  if (!match?.[1]) throw new Error(`docs/contracts.md has no json block after <!-- ${marker} -->`);
  return match[1];
}
const example = (name: string) => JSON.parse(block(`example: ${name}`)) as Record<string, unknown>;

describe("docs/contracts.md", () => {
  it.each([
    "ValidationInputEnvelope",
    "EnergyPlusInputEnvelope",
    "ValidationOutputEnvelope",
    "ValidationCallback",
  ] as DocumentName[])("shows a %s that zod, the reference and our schema accept", (name) => {
    const v = verdicts(name, example(name));
    expect(
      { zod: v.zod, reference: v.reference, generated: v.generated },
      v.zodError?.message,
    ).toEqual({ zod: true, reference: true, generated: true });
  });

  it("shows a valid file item and a valid context with callbacks on", () => {
    expect(InputFileItem.safeParse(example("InputFileItem")).success).toBe(true);
    const minimal = example("ValidationInputEnvelope");
    const context = { ...(minimal.context as object), ...example("context with callbacks on") };
    expect(ExecutionContext.safeParse(context).success).toBe(true);
    const nonce = (context as { callback_nonce: string }).callback_nonce;
    expect((context as { callback_nonce_commitment: string }).callback_nonce_commitment).toBe(
      callbackNonceCommitment(nonce),
    );
  });

  it("shows an output envelope whose identity matches the input example", () => {
    const input = parseInputEnvelope(example("ValidationInputEnvelope"));
    const output = ValidationOutputEnvelope.parse(example("ValidationOutputEnvelope"));
    expect(outputIdentityMismatches(expectedOutputIdentity(input), output)).toEqual([]);
  });

  it("works the canonical hash example exactly as the vector does", () => {
    const stored = example("EnergyPlusInputEnvelope");
    const vector = vectors.typed_envelopes.find((v) => v.name === "typed-energyplus-p1");
    expect(stored).toEqual(vector?.raw_input);
    const canonical = block("worked-example-canonical").trim();
    expect(canonicalJson(redactCallbackNonces(parseInputEnvelope(stored)))).toBe(canonical);
    const hash = /<!-- worked-example-sha256 -->\n`([0-9a-f]{64})`/.exec(doc)?.[1];
    expect(hash).toBe(vector?.sha256);
    expect(inputEnvelopeSha256(stored)).toBe(hash);
  });

  it("quotes a nonce commitment of the vectors correctly", () => {
    const [, nonce, commitment] =
      /Vector `([A-Za-z0-9_-]+)` commits to\n`([0-9a-f]{64})`/.exec(doc) ?? [];
    expect(vectors.nonce_commitments).toContainEqual({ nonce, commitment });
  });

  it("lists error codes with the HTTP status errors.ts gives them", () => {
    const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const [, code, status] of rows) {
      expect(ErrorCodeSchema.safeParse(code).success, code).toBe(true);
      expect(httpStatusOf(code as ErrorCode), code).toBe(Number(status));
    }
  });
});
