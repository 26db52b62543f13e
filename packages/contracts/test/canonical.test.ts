import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  callbackNonceCommitment,
  canonicalJson,
  envelopeSha256,
  inputEnvelopeSchemaFor,
  inputEnvelopeSha256,
  nonceMatchesCommitment,
  redactCallbackNonces,
} from "../src/index";
import { referenceDir, referenceSchemaNames, sharedContractDir, vectors } from "./reference";

describe("reference hash vectors", () => {
  it.each(vectors.nonce_commitments)("commits to nonce $nonce", ({ nonce, commitment }) => {
    expect(callbackNonceCommitment(nonce)).toBe(commitment);
    expect(nonceMatchesCommitment(nonce, commitment)).toBe(true);
    expect(nonceMatchesCommitment(`${nonce}x`, commitment)).toBe(false);
  });

  describe.each(vectors.envelopes)("$name", (vector) => {
    it("canonicalizes the full form byte for byte", () => {
      expect(canonicalJson(redactCallbackNonces(vector.input))).toBe(vector.canonical_utf8);
    });
    it("hashes the full and the redacted form alike", () => {
      expect(envelopeSha256(vector.input)).toBe(vector.sha256);
      expect(envelopeSha256(vector.redacted_input)).toBe(vector.sha256);
    });
    const isGeneric =
      (vector.input as { validator: { type: string } }).validator.type === "CUSTOM_VALIDATOR";
    if (isGeneric) {
      it("parses (a generic envelope, nothing to fill) to the same hash", () => {
        expect(inputEnvelopeSha256(vector.input)).toBe(vector.sha256);
      });
    }
  });

  describe.each(vectors.typed_envelopes)("$name", (vector) => {
    it("parses raw_input into parsed_json, defaults filled and URLs normalized", () => {
      const parsed = inputEnvelopeSchemaFor(vector.validator_type).parse(vector.raw_input);
      expect(canonicalJson(parsed)).toBe(canonicalJson(vector.parsed_json));
    });
    it("hashes the parsed envelope to the vector's sha256", () => {
      expect(inputEnvelopeSha256(vector.raw_input)).toBe(vector.sha256);
      expect(envelopeSha256(vector.parsed_json)).toBe(vector.sha256);
    });
  });
});

describe("canonicalJson", () => {
  it("refuses values JSON cannot carry", () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(TypeError);
  });
});

describe("the reference copy", () => {
  // Compared as parsed JSON: the copy is formatted by the repository's formatter, so its
  // whitespace differs; every string (including each vector's canonical_utf8) must not.
  const files = [
    "canonical-hash-vectors.json",
    ...referenceSchemaNames.map((name) => `validibot-v1/${name}.schema.json`),
  ];
  it.runIf(existsSync(sharedContractDir)).each(files)("%s matches ../shared/contract", (name) => {
    const copy = referenceDir + name.replace(/^validibot-v1\//, "");
    expect(JSON.parse(readFileSync(copy, "utf8"))).toStrictEqual(
      JSON.parse(readFileSync(sharedContractDir + name, "utf8")),
    );
  });
  it("holds all seven reference schemas", () => {
    expect(referenceSchemaNames).toHaveLength(7);
  });
});
