import fc from "fast-check";
import {
  callbackNonceCommitment,
  EnergyPlusIdfCheck,
  isSafeLeafName,
  SupportedMimeType,
  ValidatorType,
} from "../../src/index";
import type { Json, JsonObject } from "./builders";

/** Any text, including astral and lone-surrogate code points. */
const text = fc.string({ unit: "binary", maxLength: 24 });
/** An identifier-like, non-empty string. */
const id = fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 24 });
const sha256 = fc.stringMatching(/^[0-9a-f]{64}$/);
const nonce = fc.stringMatching(/^[A-Za-z0-9_-]{43,96}$/);
const safeName = fc.string({ unit: "binary", minLength: 1, maxLength: 32 }).filter(isSafeLeafName);
const storageVersion = fc.oneof(
  fc.bigInt({ min: 1n, max: 2n ** 63n }).map(String),
  sha256.map((digest) => `sha256:${digest}`),
);
const positive = fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true });
const nonNegative = fc.double({ min: 0, noNaN: true, noDefaultInfinity: true });
const jsonValue = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
const jsonObject = fc.dictionary(text, jsonValue, { maxKeys: 5 });
const callbackUrl = fc.webUrl({
  validSchemes: ["http", "https"],
  withQueryParameters: true,
  withFragments: true,
});

const integrity = { size_bytes: fc.maxSafeNat(), sha256, storage_version: storageVersion };

const inputFile = fc.record(
  {
    ...integrity,
    name: safeName,
    mime_type: fc.constantFrom(...SupportedMimeType.options),
    role: fc.option(text, { nil: null }),
    port_key: id,
    uri: text,
  },
  {
    requiredKeys: [
      "size_bytes",
      "sha256",
      "storage_version",
      "name",
      "mime_type",
      "port_key",
      "uri",
    ],
  },
);

const resourceFile = fc.record({
  ...integrity,
  id: text,
  name: safeName,
  type: text,
  port_key: id,
  uri: text,
});

/** A context with callbacks on (id, nonce pair, URL) or off (maybe a pair, no requirement). */
const context = fc
  .record(
    {
      execution_attempt_id: id,
      step_run_id: id,
      expected_output_uri: id,
      execution_bundle_uri: text,
      timeout_seconds: fc.integer(),
      tags: fc.array(text, { maxLength: 3 }),
      enabled: fc.boolean(),
      callback_url: callbackUrl,
      callback_id: id,
      nonce: fc.option(nonce, { nil: undefined }),
      skip_callback: fc.option(fc.boolean(), { nil: undefined }),
    },
    {
      requiredKeys: [
        "execution_attempt_id",
        "step_run_id",
        "expected_output_uri",
        "execution_bundle_uri",
        "enabled",
        "callback_url",
        "callback_id",
        "nonce",
      ],
    },
  )
  .chain(({ enabled, callback_url, callback_id, nonce: maybeNonce, skip_callback, ...rest }) =>
    nonce.map((fallbackNonce): JsonObject => {
      const base: JsonObject = { ...rest, attempt_contract_version: "validibot.attempt.v2" };
      if (enabled) {
        const n = maybeNonce ?? fallbackNonce;
        return {
          ...base,
          callback_url,
          callback_id,
          callback_nonce: n,
          callback_nonce_commitment: callbackNonceCommitment(n),
          ...(skip_callback === undefined ? {} : { skip_callback: false }),
        };
      }
      const off: JsonObject = skip_callback ? { ...base, callback_url, skip_callback: true } : base;
      return maybeNonce === undefined
        ? off
        : {
            ...off,
            callback_nonce: maybeNonce,
            callback_nonce_commitment: callbackNonceCommitment(maybeNonce),
          };
    }),
  );

const energyPlusInputs = fc.record(
  {
    timestep_per_hour: fc.integer({ min: 1, max: 60 }),
    run_period_days: fc.option(fc.integer(), { nil: null }),
    invocation_mode: fc.constantFrom("python_api", "cli"),
    idf_checks: fc.subarray([...EnergyPlusIdfCheck.options]),
    run_simulation: fc.boolean(),
    review_profile: fc.constantFrom("standard", "leed_review"),
  },
  { requiredKeys: [] },
);

const fmuInputs = fc.record(
  {
    input_values: jsonObject,
    simulation: fc.record(
      {
        start_time: nonNegative,
        stop_time: positive,
        step_size: positive,
        tolerance: fc.option(positive, { nil: null }),
      },
      { requiredKeys: [] },
    ),
    output_variables: fc.array(text, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

/** Which input envelope a generated one is. */
export type GeneratedKind =
  | "ValidationInputEnvelope"
  | "EnergyPlusInputEnvelope"
  | "FMUInputEnvelope";

/**
 * Arbitrary valid input envelopes of every variant, optional fields present or absent, text from
 * the whole of Unicode, with its document name.
 */
export const inputEnvelopeArbitrary: fc.Arbitrary<{ kind: GeneratedKind; envelope: JsonObject }> =
  fc
    .record({
      kind: fc.constantFrom<GeneratedKind>(
        "ValidationInputEnvelope",
        "EnergyPlusInputEnvelope",
        "FMUInputEnvelope",
      ),
      genericType: fc.constantFrom(
        ...ValidatorType.options.filter((t) => t !== "ENERGYPLUS" && t !== "FMU"),
      ),
      run_id: text,
      validator: fc.record({ id: text, version: text }),
      org: fc.record({ id: text, name: text }),
      workflow: fc.record(
        { id: text, step_id: text, step_name: fc.option(text, { nil: null }) },
        { requiredKeys: ["id", "step_id"] },
      ),
      input_files: fc.option(fc.array(inputFile, { maxLength: 3 }), { nil: undefined }),
      resource_files: fc.option(fc.array(resourceFile, { maxLength: 2 }), { nil: undefined }),
      genericInputs: fc.option(jsonObject, { nil: undefined }),
      energyPlusInputs: energyPlusInputs,
      fmuInputs: fmuInputs,
      context,
    })
    .map(
      ({
        kind,
        genericType,
        validator,
        genericInputs,
        energyPlusInputs,
        fmuInputs,
        input_files,
        resource_files,
        ...rest
      }) => {
        const type =
          kind === "EnergyPlusInputEnvelope"
            ? "ENERGYPLUS"
            : kind === "FMUInputEnvelope"
              ? "FMU"
              : genericType;
        const inputs = (
          kind === "EnergyPlusInputEnvelope"
            ? energyPlusInputs
            : kind === "FMUInputEnvelope"
              ? fmuInputs
              : genericInputs
        ) as Json | undefined;
        const envelope: JsonObject = { ...rest, validator: { ...validator, type } };
        if (inputs !== undefined) envelope.inputs = inputs;
        if (input_files !== undefined) envelope.input_files = input_files;
        if (resource_files !== undefined) envelope.resource_files = resource_files;
        return { kind, envelope };
      },
    );

/** Reorders an object's keys at every level (reversed), keeping every value. */
export function reverseKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== "object") return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).reverse()) {
    Object.defineProperty(out, key, {
      value: reverseKeys(value[key] as Json),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
