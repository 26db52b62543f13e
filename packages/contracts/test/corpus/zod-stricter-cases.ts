import { createHash } from "node:crypto";
import { callbackNonceCommitment } from "../../src/index";
import { vectors } from "../reference";
import {
  DELETE,
  edit,
  energyPlusInputEnvelope,
  fmuInputEnvelope,
  inputEnvelope,
  type Json,
  type JsonObject,
  type JsonPath,
  NONCE,
  outputEnvelope,
  SHA,
} from "./builders";
import type { DocumentName } from "./documents";

/**
 * A document the reference JSON Schema accepts but zod rejects, because it breaks a rule of
 * CONTRACT.md that a JSON Schema cannot express (or that the reference schema leaves out).
 */
export interface StricterCase {
  name: string;
  /** The CONTRACT.md rule (or the field's own rule) the document breaks. */
  rule: string;
  document: DocumentName;
  value: Json;
  /** Where zod reports the problem. */
  zodPath: JsonPath;
  /** Whether our generated JSON Schema accepts it (false where it encodes the rule as a pattern). */
  generatedAccepts: boolean;
}

const UNSAFE_NAMES: readonly [string, string][] = [
  ["empty", ""],
  [".", "."],
  ["..", ".."],
  ["a/b", "a/b"],
  ["a\\b", "a\\b"],
  ["NUL inside", "a\u0000b"],
  ["../ escape", "../etc/passwd"],
  ["absolute", "/etc/passwd"],
  ["trailing slash", "dir/"],
];

function unsafeNames(): StricterCase[] {
  const cases: StricterCase[] = [];
  const places: [DocumentName, () => JsonObject, JsonPath][] = [
    ["ValidationInputEnvelope", inputEnvelope, ["input_files", 0, "name"]],
    ["ValidationInputEnvelope", inputEnvelope, ["resource_files", 0, "name"]],
    ["EnergyPlusInputEnvelope", energyPlusInputEnvelope, ["input_files", 0, "name"]],
    ["FMUInputEnvelope", fmuInputEnvelope, ["input_files", 0, "name"]],
    ["ValidationOutputEnvelope", outputEnvelope, ["artifacts", 0, "name"]],
  ];
  for (const [document, build, path] of places) {
    for (const [label, name] of UNSAFE_NAMES) {
      cases.push({
        name: `${document} ${path.join(".")} ${label}`,
        rule: "1 safe leaf names",
        document,
        value: edit(build(), path, name),
        zodPath: path,
        generatedAccepts: false,
      });
    }
  }
  return cases;
}

const ctx = (key: string): JsonPath => ["context", key];
const callbacksOff = (doc: JsonObject) => edit(doc, ctx("callback_url"), null);

function noncePairs(): StricterCase[] {
  const otherNonce = "b".repeat(43);
  const rows: [string, JsonObject, JsonPath][] = [
    [
      "nonce without commitment",
      edit(inputEnvelope(), ctx("callback_nonce_commitment"), DELETE),
      ctx("callback_nonce_commitment"),
    ],
    [
      "nonce with a null commitment",
      edit(inputEnvelope(), ctx("callback_nonce_commitment"), null),
      ctx("callback_nonce_commitment"),
    ],
    [
      "nonce without commitment, callbacks off",
      edit(callbacksOff(inputEnvelope()), ctx("callback_nonce_commitment"), DELETE),
      ctx("callback_nonce_commitment"),
    ],
    [
      "commitment without nonce, callbacks off",
      edit(callbacksOff(inputEnvelope()), ctx("callback_nonce"), DELETE),
      ctx("callback_nonce"),
    ],
    [
      "commitment of another nonce",
      edit(inputEnvelope(), ctx("callback_nonce_commitment"), callbackNonceCommitment(otherNonce)),
      ctx("callback_nonce_commitment"),
    ],
    [
      "commitment that is no commitment at all",
      edit(inputEnvelope(), ctx("callback_nonce_commitment"), SHA),
      ctx("callback_nonce_commitment"),
    ],
    [
      "commitment of the nonce without the domain prefix",
      edit(
        inputEnvelope(),
        ctx("callback_nonce_commitment"),
        createHash("sha256").update(NONCE).digest("hex"),
      ),
      ctx("callback_nonce_commitment"),
    ],
  ];
  return rows.map(([name, value, zodPath]) => ({
    name,
    rule: "3 nonce and commitment together and matching",
    document: "ValidationInputEnvelope",
    value,
    zodPath,
    generatedAccepts: true,
  }));
}

function callbacksEnabled(): StricterCase[] {
  const withoutPair = (doc: JsonObject) =>
    edit(edit(doc, ctx("callback_nonce"), DELETE), ctx("callback_nonce_commitment"), DELETE);
  const rows: [string, JsonObject, JsonPath][] = [
    ["without callback_id", edit(inputEnvelope(), ctx("callback_id"), DELETE), ctx("callback_id")],
    [
      "with a null callback_id",
      edit(inputEnvelope(), ctx("callback_id"), null),
      ctx("callback_id"),
    ],
    [
      "with an empty callback_id",
      edit(inputEnvelope(), ctx("callback_id"), ""),
      ctx("callback_id"),
    ],
    ["without the nonce pair", withoutPair(inputEnvelope()), ctx("callback_nonce")],
    [
      "without the nonce pair, skip_callback absent",
      edit(withoutPair(inputEnvelope()), ctx("skip_callback"), DELETE),
      ctx("callback_nonce"),
    ],
    [
      "EnergyPlus without callback_id",
      edit(energyPlusInputEnvelope(), ctx("callback_id"), DELETE),
      ctx("callback_id"),
    ],
    ["FMU without the nonce pair", withoutPair(fmuInputEnvelope()), ctx("callback_nonce")],
  ];
  const cases: StricterCase[] = rows.map(([name, value, zodPath]) => ({
    name,
    rule: "3 callback_id and the nonce pair required when callbacks are enabled",
    document:
      (value.validator as { type: string }).type === "ENERGYPLUS"
        ? "EnergyPlusInputEnvelope"
        : (value.validator as { type: string }).type === "FMU"
          ? "FMUInputEnvelope"
          : "ValidationInputEnvelope",
    value,
    zodPath,
    generatedAccepts: true,
  }));
  // The redacted form exists only to be hashed: it holds a commitment without its nonce.
  for (const vector of vectors.envelopes) {
    cases.push({
      name: `vector ${vector.name} redacted_input`,
      rule: "3 nonce and commitment together (the redacted form is for hashing only)",
      document: "ValidationInputEnvelope",
      value: vector.redacted_input as Json,
      zodPath: ctx("callback_nonce"),
      generatedAccepts: true,
    });
  }
  return cases;
}

function callbackUrls(): StricterCase[] {
  const rows: [string, string, boolean][] = [
    ["ftp", "ftp://x.example/cb", false],
    ["file", "file:///tmp/cb", false],
    ["mailto", "mailto:ops@x.example", false],
    ["ws", "ws://x.example/cb", false],
    ["http without //", "http:x.example", false],
    ["http with one /", "http:/x.example/cb", false],
    ["http without a host", "http://", false],
    ["http with a port above 65535", "http://x.example:99999/cb", true],
    ["http with an impossible IPv4 address", "http://999.1.1.1/cb", true],
  ];
  return rows.map(([name, url, generatedAccepts]) => ({
    name: `callback_url ${name}`,
    rule: "callback_url is an absolute http(s) URL",
    document: "ValidationInputEnvelope",
    value: edit(inputEnvelope(), ctx("callback_url"), url),
    zodPath: ctx("callback_url"),
    generatedAccepts,
  }));
}

function timestamps(): StricterCase[] {
  // ajv-formats reads `date-time` more loosely than RFC 3339; zod keeps to the RFC.
  const rows: [string, string][] = [
    ["an hours-only offset", "2025-01-02T03:04:05+01"],
    ["an offset without a colon", "2025-01-02T03:04:05+0100"],
    ["a tab for T", "2025-01-02\t03:04:05Z"],
  ];
  return rows.map(([name, stamp]) => ({
    name: `finished_at with ${name}`,
    rule: "timing is RFC 3339 date-time",
    document: "ValidationOutputEnvelope",
    value: edit(outputEnvelope(), ["timing", "finished_at"], stamp),
    zodPath: ["timing", "finished_at"],
    generatedAccepts: true,
  }));
}

/** Every document zod rejects and the reference schema accepts, by rule. */
export function zodStricterCases(): StricterCase[] {
  return [
    ...unsafeNames(),
    ...noncePairs(),
    ...callbacksEnabled(),
    ...callbackUrls(),
    ...timestamps(),
  ];
}
