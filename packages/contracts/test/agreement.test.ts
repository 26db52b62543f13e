import { describe, expect, it } from "vitest";
import { agreementCorpus } from "./corpus/agreement-cases";
import { DOCUMENTS, verdicts } from "./corpus/documents";
import { zodStricterCases } from "./corpus/zod-stricter-cases";

const corpus = agreementCorpus();
const stricter = zodStricterCases();

describe("zod, the reference JSON Schemas and our generated JSON Schemas agree", () => {
  it.each(corpus.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const v = verdicts(c.document, c.value);
    expect(
      { zod: v.zod, reference: v.reference, generated: v.generated },
      v.zodError?.message,
    ).toEqual({ zod: c.valid, reference: c.valid, generated: c.valid });
  });

  it("covers accepted and rejected documents of every kind", () => {
    for (const document of DOCUMENTS) {
      const ofDocument = corpus.filter((c) => c.document === document);
      expect(ofDocument.filter((c) => c.valid).length, document).toBeGreaterThanOrEqual(2);
      expect(ofDocument.filter((c) => !c.valid).length, document).toBeGreaterThanOrEqual(10);
    }
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
  });
});

describe("where zod is stricter than the reference schema (rules JSON Schema cannot show)", () => {
  it.each(stricter.map((c) => [`${c.rule}: ${c.name}`, c] as const))("%s", (_name, c) => {
    const v = verdicts(c.document, c.value);
    expect(v.reference).toBe(true);
    expect(v.zod).toBe(false);
    expect(v.generated).toBe(c.generatedAccepts);
    expect(v.zodError?.issues.map((issue) => issue.path)).toContainEqual(c.zodPath);
  });
});
