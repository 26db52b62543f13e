import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  callbackNonceCommitment,
  canonicalJson,
  EnergyPlusInputEnvelope,
  envelopeSha256,
  inputEnvelopeSha256,
  parseInputEnvelope,
  redactCallbackNonces,
  ValidationInputEnvelope,
} from "../../src/index";
import {
  COMMITMENT,
  edit,
  energyPlusInputEnvelope,
  fmuInputEnvelope,
  inputEnvelope,
  type Json,
  minimalEnergyPlusInputEnvelope,
  minimalFmuInputEnvelope,
  minimalInputEnvelope,
  NONCE,
} from "../corpus/builders";
import { vectors } from "../reference";

// Rule 4: sha256 of the JCS canonical JSON of the parsed envelope, nonces replaced by commitments.
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function shuffleKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(shuffleKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, Json> = {};
  for (const key of Object.keys(value).reverse()) out[key] = shuffleKeys(value[key] as Json);
  return out;
}

describe("rule 4: the canonical hash", () => {
  const typed = vectors.typed_envelopes[0];
  it("follows the recipe step by step (the worked example of docs/contracts.md)", () => {
    if (!typed) throw new Error("the vectors hold no typed envelope");
    const parsed = EnergyPlusInputEnvelope.parse(typed.raw_input);
    const redacted = redactCallbackNonces(parsed);
    const canonical = canonicalJson(redacted);
    expect(canonical).toBe(canonicalJson(redactCallbackNonces(typed.parsed_json)));
    expect(canonical).not.toContain('callback_nonce"');
    expect(canonical).toContain('"callback_url":"http://127.0.0.1:8001/"');
    expect(canonical).toContain('"invocation_mode":"cli"');
    expect(sha256(canonical)).toBe(typed.sha256);
    expect(inputEnvelopeSha256(typed.raw_input)).toBe(typed.sha256);
  });

  it("hashes the full and the redacted form alike", () => {
    const parsed = parseInputEnvelope(inputEnvelope());
    expect(envelopeSha256(redactCallbackNonces(parsed))).toBe(envelopeSha256(parsed));
  });

  it("never lets the raw nonce into the canonical text", () => {
    const text = canonicalJson(redactCallbackNonces(parseInputEnvelope(inputEnvelope())));
    expect(text).not.toContain(NONCE);
    expect(text).toContain(COMMITMENT);
  });

  it("replaces a callback_nonce at any depth by its commitment", () => {
    const deep = "d".repeat(50);
    const withNonce = edit(inputEnvelope(), ["inputs", "nested"], {
      list: [{ callback_nonce: deep, keep: 1 }],
    });
    const withCommitment = edit(inputEnvelope(), ["inputs", "nested"], {
      list: [{ callback_nonce_commitment: callbackNonceCommitment(deep), keep: 1 }],
    });
    const otherNonce = edit(inputEnvelope(), ["inputs", "nested"], {
      list: [{ callback_nonce: "e".repeat(50), keep: 1 }],
    });
    expect(inputEnvelopeSha256(withNonce)).toBe(inputEnvelopeSha256(withCommitment));
    expect(inputEnvelopeSha256(withNonce)).not.toBe(inputEnvelopeSha256(otherNonce));
    expect(redactCallbackNonces({ a: [{ b: { callback_nonce: deep } }] })).toEqual({
      a: [{ b: { callback_nonce_commitment: callbackNonceCommitment(deep) } }],
    });
  });

  it("keeps and hashes every key of a free object, even one named __proto__", () => {
    const inputs = JSON.parse('{"__proto__":{"a":1},"x":2}') as Json;
    const raw = edit(inputEnvelope(), ["inputs"], inputs);
    const parsed = parseInputEnvelope(raw);
    expect(Object.keys(parsed.inputs)).toEqual(["__proto__", "x"]);
    expect(canonicalJson(redactCallbackNonces(parsed))).toContain(
      '"inputs":{"__proto__":{"a":1},"x":2}',
    );
    const without = edit(inputEnvelope(), ["inputs"], { x: 2 });
    expect(inputEnvelopeSha256(raw)).not.toBe(inputEnvelopeSha256(without));
  });

  it("drops a null nonce without adding a commitment", () => {
    expect(redactCallbackNonces({ callback_nonce: null, x: 1 })).toEqual({ x: 1 });
  });

  it("ignores key order", () => {
    const doc = inputEnvelope();
    expect(inputEnvelopeSha256(shuffleKeys(doc))).toBe(inputEnvelopeSha256(doc));
  });

  it.each([
    ["generic", minimalInputEnvelope],
    ["EnergyPlus", minimalEnergyPlusInputEnvelope],
    ["FMU", minimalFmuInputEnvelope],
  ] as const)("covers the %s envelope as parsed: absent defaults hash as written-out defaults", (_t, build) => {
    const raw = build();
    const spelledOut = JSON.parse(JSON.stringify(parseInputEnvelope(raw))) as Json;
    expect(canonicalJson(spelledOut)).not.toBe(canonicalJson(raw));
    expect(inputEnvelopeSha256(raw)).toBe(inputEnvelopeSha256(spelledOut));
    expect(envelopeSha256(raw)).not.toBe(inputEnvelopeSha256(raw));
  });

  it.each([
    ["http://127.0.0.1:8001", "http://127.0.0.1:8001/"],
    ["HTTP://LocalHost:80/cb", "http://localhost/cb"],
    ["https://h.example:443/a/../b", "https://h.example/b"],
  ])("hashes callback_url %s as its normalized form %s", (written, normalized) => {
    const a = edit(inputEnvelope(), ["context", "callback_url"], written);
    const b = edit(inputEnvelope(), ["context", "callback_url"], normalized);
    expect(inputEnvelopeSha256(a)).toBe(inputEnvelopeSha256(b));
  });

  it.each([
    ["run_id", ["run_id"], "run-2"],
    ["a file digest", ["input_files", 0, "sha256"], "0".repeat(64)],
    ["a tag", ["context", "tags", 0], "weekly"],
    ["the nonce (and so its commitment)", ["context", "callback_nonce"], "n".repeat(43)],
    ["an input", ["inputs", "threshold"], 4],
  ] as const)("changes when %s changes", (_label, path, value) => {
    let changed = edit(inputEnvelope(), path, value);
    if (path.at(-1) === "callback_nonce") {
      changed = edit(
        changed,
        ["context", "callback_nonce_commitment"],
        callbackNonceCommitment(value as string),
      );
    }
    expect(inputEnvelopeSha256(changed)).not.toBe(inputEnvelopeSha256(inputEnvelope()));
  });

  it.each([
    ["EnergyPlus", energyPlusInputEnvelope, { timestep_per_hour: 6 }],
    ["FMU", fmuInputEnvelope, { simulation: { stop_time: 10 } }],
  ] as const)("parses a %s envelope with its typed variant before hashing", (_t, build, inputs) => {
    const raw = edit(build(), ["inputs"], inputs);
    const typedHash = inputEnvelopeSha256(raw);
    expect(typedHash).toBe(envelopeSha256(parseInputEnvelope(raw)));
    expect(typedHash).not.toBe(envelopeSha256(ValidationInputEnvelope.parse(raw)));
  });

  it("refuses an envelope that does not parse instead of hashing it", () => {
    expect(() => inputEnvelopeSha256(edit(inputEnvelope(), ["run_id"], 1))).toThrow();
  });
});
