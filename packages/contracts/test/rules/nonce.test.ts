import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  CallbackNonce,
  callbackNonceCommitment,
  ExecutionContext,
  nonceMatchesCommitment,
  ValidationCallback,
} from "../../src/index";
import { COMMITMENT, callbackBody, DELETE, edit, inputEnvelope, NONCE } from "../corpus/builders";
import { vectors } from "../reference";

// Rule 3: the nonce's alphabet and length, the commitment, and the pair.
const NONCES: [label: string, nonce: string, accepted: boolean][] = [
  ["43 characters", "a".repeat(43), true],
  ["512 characters", "Z".repeat(512), true],
  ["all allowed characters", `${"aZ09_-".repeat(8)}`, true],
  ["42 characters", "a".repeat(42), false],
  ["513 characters", "a".repeat(513), false],
  ["empty", "", false],
  ["base64 '+' and '/'", `${"a".repeat(41)}+/`, false],
  ["base64 padding", `${"a".repeat(42)}=`, false],
  ["a space", `${"a".repeat(42)} `, false],
  ["a newline at the end", `${"a".repeat(43)}\n`, false],
  ["non-ASCII letters", "é".repeat(43), false],
];

const context = () => structuredClone(inputEnvelope().context) as Record<string, unknown>;

describe("rule 3: the callback nonce", () => {
  it.each(NONCES)("nonce with %s: accepted %s", (_label, nonce, accepted) => {
    expect(CallbackNonce.safeParse(nonce).success).toBe(accepted);
    expect(ValidationCallback.safeParse({ ...callbackBody(), callback_nonce: nonce }).success).toBe(
      accepted,
    );
    const ctx = {
      ...context(),
      callback_nonce: nonce,
      callback_nonce_commitment: callbackNonceCommitment(nonce),
    };
    expect(ExecutionContext.safeParse(ctx).success).toBe(accepted);
  });

  it("commits as sha256('validibot-callback-nonce' + NUL + nonce), lowercase hex", () => {
    const expected = createHash("sha256")
      .update(
        Buffer.concat([Buffer.from("validibot-callback-nonce"), Buffer.of(0), Buffer.from(NONCE)]),
      )
      .digest("hex");
    expect(callbackNonceCommitment(NONCE)).toBe(expected);
    expect(COMMITMENT).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(vectors.nonce_commitments)("reproduces the reference commitment of $nonce", (v) => {
    expect(callbackNonceCommitment(v.nonce)).toBe(v.commitment);
  });

  it("matches a nonce to its commitment only", () => {
    expect(nonceMatchesCommitment(NONCE, COMMITMENT)).toBe(true);
    expect(nonceMatchesCommitment(NONCE, COMMITMENT.toUpperCase())).toBe(false);
    expect(nonceMatchesCommitment(`${NONCE}a`, COMMITMENT)).toBe(false);
    expect(nonceMatchesCommitment(NONCE, COMMITMENT.slice(1))).toBe(false);
    expect(nonceMatchesCommitment(NONCE, "")).toBe(false);
  });

  const PAIRS: [label: string, nonce: unknown, commitment: unknown, accepted: boolean][] = [
    ["both, matching", NONCE, COMMITMENT, true],
    ["neither (absent)", DELETE, DELETE, true],
    ["neither (null)", null, null, true],
    ["nonce only", NONCE, DELETE, false],
    ["nonce with a null commitment", NONCE, null, false],
    ["commitment only", DELETE, COMMITMENT, false],
    ["commitment with a null nonce", null, COMMITMENT, false],
    ["commitment of another nonce", NONCE, callbackNonceCommitment("b".repeat(43)), false],
    ["commitment in uppercase", NONCE, COMMITMENT.toUpperCase(), false],
    [
      "the plain sha256 of the nonce",
      NONCE,
      createHash("sha256").update(NONCE).digest("hex"),
      false,
    ],
  ];

  it.each(
    PAIRS,
  )("pair with %s (callbacks off): accepted %s", (_label, nonce, commitment, accepted) => {
    let doc = edit(inputEnvelope(), ["context", "callback_url"], null);
    doc = edit(doc, ["context", "callback_nonce"], nonce as never);
    doc = edit(doc, ["context", "callback_nonce_commitment"], commitment as never);
    expect(ExecutionContext.safeParse(doc.context).success).toBe(accepted);
  });
});
