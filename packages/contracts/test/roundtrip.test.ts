import { describe, expect, it } from "vitest";
import { inputEnvelopeSha256 } from "../src/index";
import { agreementCorpus } from "./corpus/agreement-cases";
import { zodSchemas } from "./corpus/documents";

const valid = agreementCorpus().filter((c) => c.valid);

describe("parse, serialize, parse is stable", () => {
  it.each(valid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const schema = zodSchemas[c.document];
    const first = schema.parse(c.value);
    const text = JSON.stringify(first);
    const second = schema.parse(JSON.parse(text));
    // JSON has no -0, so compare the second parse with a third rather than with the first.
    expect(JSON.stringify(second)).toBe(text);
    expect(schema.parse(JSON.parse(JSON.stringify(second)))).toStrictEqual(second);
    if (c.document.endsWith("InputEnvelope")) {
      expect(inputEnvelopeSha256(JSON.parse(text))).toBe(inputEnvelopeSha256(c.value));
    }
  });
});
