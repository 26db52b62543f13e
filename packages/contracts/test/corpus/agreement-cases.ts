import { callbackNonceCommitment } from "../../src/index";
import { vectors } from "../reference";
import {
  COMMITMENT,
  callbackBody,
  DELETE,
  edit,
  energyPlusInputEnvelope,
  energyPlusOutputEnvelope,
  fmuInputEnvelope,
  fmuOutputEnvelope,
  inputEnvelope,
  type Json,
  type JsonObject,
  type JsonPath,
  minimalEnergyPlusInputEnvelope,
  minimalEnergyPlusOutputEnvelope,
  minimalFmuInputEnvelope,
  minimalFmuOutputEnvelope,
  minimalInputEnvelope,
  minimalOutputEnvelope,
  NONCE,
  outputEnvelope,
  SHA,
} from "./builders";
import type { DocumentName } from "./documents";

/** One corpus entry: a document, and whether every validator must accept or reject it. */
export interface CorpusCase {
  name: string;
  document: DocumentName;
  value: Json;
  valid: boolean;
}

const INPUTS: readonly [DocumentName, () => JsonObject][] = [
  ["ValidationInputEnvelope", inputEnvelope],
  ["EnergyPlusInputEnvelope", energyPlusInputEnvelope],
  ["FMUInputEnvelope", fmuInputEnvelope],
];
const OUTPUTS: readonly [DocumentName, () => JsonObject][] = [
  ["ValidationOutputEnvelope", outputEnvelope],
  ["EnergyPlusOutputEnvelope", energyPlusOutputEnvelope],
  ["FMUOutputEnvelope", fmuOutputEnvelope],
];

/** Valid documents: ours (full and minimal) and every envelope of the reference vectors. */
function validDocuments(): CorpusCase[] {
  const ours: [DocumentName, string, JsonObject][] = [
    ["ValidationInputEnvelope", "full", inputEnvelope()],
    ["ValidationInputEnvelope", "minimal", minimalInputEnvelope()],
    ["EnergyPlusInputEnvelope", "full", energyPlusInputEnvelope()],
    ["EnergyPlusInputEnvelope", "minimal", minimalEnergyPlusInputEnvelope()],
    ["FMUInputEnvelope", "full", fmuInputEnvelope()],
    ["FMUInputEnvelope", "minimal", minimalFmuInputEnvelope()],
    ["ValidationOutputEnvelope", "full", outputEnvelope()],
    ["ValidationOutputEnvelope", "minimal", minimalOutputEnvelope()],
    ["EnergyPlusOutputEnvelope", "full", energyPlusOutputEnvelope()],
    ["EnergyPlusOutputEnvelope", "minimal", minimalEnergyPlusOutputEnvelope()],
    ["FMUOutputEnvelope", "full", fmuOutputEnvelope()],
    ["FMUOutputEnvelope", "minimal", minimalFmuOutputEnvelope()],
    ["ValidationCallback", "full", callbackBody()],
  ];
  const cases: CorpusCase[] = ours.map(([document, kind, value]) => ({
    name: `${kind} ${document}`,
    document,
    value,
    valid: true,
  }));
  // Typed envelopes are valid generic envelopes too: the generic `inputs` is a free object.
  for (const [document, build] of [...INPUTS.slice(1), ...OUTPUTS.slice(1)]) {
    const generic = document.includes("Input")
      ? "ValidationInputEnvelope"
      : "ValidationOutputEnvelope";
    cases.push({ name: `${document} as generic`, document: generic, value: build(), valid: true });
  }
  // A key named __proto__ is an ordinary key in JSON; it must survive parsing like any other.
  const protoKey = () => JSON.parse('{"__proto__": {"a": 1}, "b": 2}') as Json;
  cases.push(
    {
      name: "inputs with a __proto__ key",
      document: "ValidationInputEnvelope",
      value: edit(inputEnvelope(), ["inputs"], protoKey()),
      valid: true,
    },
    {
      name: "FMU input_values with a __proto__ key",
      document: "FMUInputEnvelope",
      value: edit(fmuInputEnvelope(), ["inputs", "input_values"], protoKey()),
      valid: true,
    },
    {
      name: "outputs with a __proto__ key",
      document: "ValidationOutputEnvelope",
      value: edit(outputEnvelope(), ["outputs"], protoKey()),
      valid: true,
    },
  );
  for (const vector of vectors.envelopes) {
    const value = vector.input as JsonObject;
    cases.push({
      name: `vector ${vector.name}`,
      document: "ValidationInputEnvelope",
      value,
      valid: true,
    });
  }
  // envelope-p1 is an ENERGYPLUS envelope whose inputs fit the typed variant.
  cases.push({
    name: "vector envelope-p1 as EnergyPlusInputEnvelope",
    document: "EnergyPlusInputEnvelope",
    value: vectors.envelopes[0]?.input as JsonObject,
    valid: true,
  });
  const typedDocument: Record<string, DocumentName> = {
    ENERGYPLUS: "EnergyPlusInputEnvelope",
    FMU: "FMUInputEnvelope",
    CUSTOM_VALIDATOR: "ValidationInputEnvelope",
  };
  for (const vector of vectors.typed_envelopes) {
    const document = typedDocument[vector.validator_type] ?? "ValidationInputEnvelope";
    for (const [form, value] of [
      ["raw_input", vector.raw_input],
      ["parsed_json", vector.parsed_json],
    ] as const) {
      cases.push({
        name: `vector ${vector.name} ${form}`,
        document,
        value: value as Json,
        valid: true,
      });
    }
  }
  return cases;
}

function mutations(
  document: DocumentName,
  build: () => JsonObject,
  table: readonly (readonly [
    label: string,
    path: JsonPath,
    value: Json | typeof DELETE,
    valid: boolean,
  ])[],
): CorpusCase[] {
  return table.map(([label, path, value, valid]) => ({
    name: `${document}: ${label}`,
    document,
    value: edit(build(), path, value),
    valid,
  }));
}

function missing(paths: readonly JsonPath[]) {
  return paths.map((path) => [`without ${path.join(".")}`, path, DELETE, false] as const);
}

function unknownFieldAt(paths: readonly JsonPath[], valid = false) {
  return paths.map(
    (path) =>
      [
        `unknown field at ${path.join(".") || "top level"}`,
        [...path, "surprise"],
        1,
        valid,
      ] as const,
  );
}

const BAD_SHA256 = [
  ["uppercase hex", SHA.toUpperCase()],
  ["63 digits", "a".repeat(63)],
  ["65 digits", "a".repeat(65)],
  ["not hex", "g".repeat(64)],
  ["empty", ""],
] as const;

function badSha256At(path: JsonPath) {
  return BAD_SHA256.map(
    ([label, value]) => [`${path.join(".")} ${label}`, path, value, false] as const,
  );
}

const BAD_NONCES = [
  ["42 characters", "a".repeat(42)],
  ["513 characters", "a".repeat(513)],
  ["a '+'", `${"a".repeat(42)}+`],
  ["a '='", `${"a".repeat(42)}=`],
  ["a space", `${"a".repeat(42)} `],
  ["a '.'", `${"a".repeat(42)}.`],
  ["a number", 12345],
] as const;

const fileItem = ["input_files", 0] as const;
const resourceItem = ["resource_files", 0] as const;

function inputCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const [document, build] of INPUTS) {
    const typed = document !== "ValidationInputEnvelope";
    cases.push(
      ...mutations(document, build, [
        ...missing([
          ["run_id"],
          ["validator"],
          ["org"],
          ["workflow"],
          ["context"],
          ["validator", "id"],
          ["validator", "type"],
          ["validator", "version"],
          ["org", "id"],
          ["org", "name"],
          ["workflow", "id"],
          ["workflow", "step_id"],
          ["context", "execution_attempt_id"],
          ["context", "step_run_id"],
          ["context", "attempt_contract_version"],
          ["context", "expected_output_uri"],
          ["context", "execution_bundle_uri"],
          ...(
            [
              "size_bytes",
              "sha256",
              "storage_version",
              "name",
              "mime_type",
              "port_key",
              "uri",
            ] as const
          ).map((k) => [...fileItem, k]),
          ...(
            [
              "size_bytes",
              "sha256",
              "storage_version",
              "id",
              "name",
              "type",
              "port_key",
              "uri",
            ] as const
          ).map((k) => [...resourceItem, k]),
        ]),
        ["without inputs", ["inputs"], DELETE, !typed],
        ["without optional workflow.step_name", ["workflow", "step_name"], DELETE, true],
        ["without optional input_files[0].role", [...fileItem, "role"], DELETE, true],
        ["without optional context.tags", ["context", "tags"], DELETE, true],
        ["without optional context.timeout_seconds", ["context", "timeout_seconds"], DELETE, true],
        ["without optional schema_version", ["schema_version"], DELETE, true],
        ...unknownFieldAt([
          [],
          ["validator"],
          ["org"],
          ["workflow"],
          ["context"],
          fileItem,
          resourceItem,
        ]),
        ["schema_version v2", ["schema_version"], "validibot.input.v2", false],
        ["schema_version of an output", ["schema_version"], "validibot.output.v1", false],
        [
          "attempt_contract_version v1",
          ["context", "attempt_contract_version"],
          "validibot.attempt.v1",
          false,
        ],
        ["validator.type lowercase", ["validator", "type"], "custom_validator", false],
        ["validator.type unknown", ["validator", "type"], "SPREADSHEET", false],
        ["mime_type text/plain", [...fileItem, "mime_type"], "text/plain", false],
        [
          "mime_type with parameters",
          [...fileItem, "mime_type"],
          "application/json; charset=utf-8",
          false,
        ],
        ["mime_type application/json", [...fileItem, "mime_type"], "application/json", true],
        ["size_bytes negative", [...fileItem, "size_bytes"], -1, false],
        ["size_bytes fractional", [...fileItem, "size_bytes"], 1.5, false],
        ["size_bytes as text", [...fileItem, "size_bytes"], "1234", false],
        ["size_bytes zero", [...fileItem, "size_bytes"], 0, true],
        ["size_bytes 2^53-1", [...fileItem, "size_bytes"], Number.MAX_SAFE_INTEGER, true],
        ...badSha256At([...fileItem, "sha256"]),
        ...badSha256At([...resourceItem, "sha256"]),
        ["resource size_bytes negative", [...resourceItem, "size_bytes"], -1, false],
        ["resource storage_version empty", [...resourceItem, "storage_version"], "", false],
        ["storage_version empty", [...fileItem, "storage_version"], "", false],
        [
          "storage_version 513 characters",
          [...fileItem, "storage_version"],
          "1".repeat(513),
          false,
        ],
        ["storage_version 512 characters", [...fileItem, "storage_version"], "1".repeat(512), true],
        ["port_key empty", [...fileItem, "port_key"], "", false],
        ["port_key 256 characters", [...fileItem, "port_key"], "p".repeat(256), false],
        ["role null", [...fileItem, "role"], null, true],
        ["run_id a number", ["run_id"], 1, false],
        ["run_id null", ["run_id"], null, false],
        ["context.execution_attempt_id empty", ["context", "execution_attempt_id"], "", false],
        ["context.step_run_id empty", ["context", "step_run_id"], "", false],
        ["context.expected_output_uri empty", ["context", "expected_output_uri"], "", false],
        ["context.timeout_seconds fractional", ["context", "timeout_seconds"], 1.5, false],
        ["context.timeout_seconds as text", ["context", "timeout_seconds"], "600", false],
        ["context.skip_callback as text", ["context", "skip_callback"], "false", false],
        ["context.tags not a list", ["context", "tags"], "nightly", false],
        ["context.tags holding a number", ["context", "tags"], [1], false],
        ["input_files not a list", ["input_files"], {}, false],
        ["input_files empty", ["input_files"], [], true],
        ["resource_files empty", ["resource_files"], [], true],
        ["context null", ["context"], null, false],
        ...BAD_NONCES.map(
          ([label, value]) =>
            [`callback_nonce with ${label}`, ["context", "callback_nonce"], value, false] as const,
        ),
        ...badSha256At(["context", "callback_nonce_commitment"]),
        ["callback_url empty", ["context", "callback_url"], "", false],
        [
          "callback_url 2084 characters",
          ["context", "callback_url"],
          `https://x.example/${"a".repeat(2066)}`,
          false,
        ],
        [
          "callback_url 2083 characters",
          ["context", "callback_url"],
          `https://x.example/${"a".repeat(2065)}`,
          true,
        ],
        [
          "callback_url with a port and no path",
          ["context", "callback_url"],
          "http://127.0.0.1:8001",
          true,
        ],
        ["callback_url in capitals", ["context", "callback_url"], "HTTP://LocalHost:80/cb", true],
        ["callback_url IPv6", ["context", "callback_url"], "http://[::1]:8000/cb", true],
        [
          "callback_url with user info, query and fragment",
          ["context", "callback_url"],
          "https://u:p@h.example:8443/a/b?x=1&y=%20#f",
          true,
        ],
        [
          "callback_url with a leading space",
          ["context", "callback_url"],
          " http://x.example/",
          false,
        ],
        [
          "callback_url with a space inside",
          ["context", "callback_url"],
          "http://x.example/a b",
          false,
        ],
        ["callback_url with a tab", ["context", "callback_url"], "http://x.exa\tmple/", false],
        [
          "callback_url with a non-ASCII character",
          ["context", "callback_url"],
          "http://x.example/ü",
          false,
        ],
        [
          "callback_url with backslashes",
          ["context", "callback_url"],
          "http:\\\\x.example\\cb",
          false,
        ],
        [
          "callback_url with a bad percent escape",
          ["context", "callback_url"],
          "http://x.example/%zz",
          false,
        ],
        ["callback_url with a '|'", ["context", "callback_url"], "http://x.example/a|b", false],
        ["callback_url with braces", ["context", "callback_url"], "http://x.example/?q={a}", false],
        ["callback_url a number", ["context", "callback_url"], 8001, false],
        ["callback_url null (callbacks off)", ["context", "callback_url"], null, true],
        ["skip_callback true", ["context", "skip_callback"], true, true],
      ]),
    );
  }
  // Typed inputs: EnergyPlus rejects unknown and out-of-range inputs; FMU ignores unknown ones.
  cases.push(
    ...mutations("EnergyPlusInputEnvelope", energyPlusInputEnvelope, [
      ...unknownFieldAt([["inputs"]]),
      ["timestep_per_hour 0", ["inputs", "timestep_per_hour"], 0, false],
      ["timestep_per_hour 61", ["inputs", "timestep_per_hour"], 61, false],
      ["timestep_per_hour 60", ["inputs", "timestep_per_hour"], 60, true],
      ["timestep_per_hour 1", ["inputs", "timestep_per_hour"], 1, true],
      ["timestep_per_hour fractional", ["inputs", "timestep_per_hour"], 4.5, false],
      ["run_period_days null", ["inputs", "run_period_days"], null, true],
      ["run_period_days fractional", ["inputs", "run_period_days"], 1.5, false],
      ["invocation_mode gui", ["inputs", "invocation_mode"], "gui", false],
      ["idf_checks unknown check", ["inputs", "idf_checks"], ["spelling"], false],
      ["idf_checks not a list", ["inputs", "idf_checks"], "hvac-sizing", false],
      ["review_profile unknown", ["inputs", "review_profile"], "strict", false],
      ["run_simulation as text", ["inputs", "run_simulation"], "yes", false],
      ["inputs null", ["inputs"], null, false],
      ["inputs a list", ["inputs"], [], false],
    ]),
    ...mutations("FMUInputEnvelope", fmuInputEnvelope, [
      ...unknownFieldAt([["inputs"], ["inputs", "simulation"]], true),
      ["stop_time 0", ["inputs", "simulation", "stop_time"], 0, false],
      ["step_size negative", ["inputs", "simulation", "step_size"], -1, false],
      ["start_time negative", ["inputs", "simulation", "start_time"], -0.5, false],
      ["start_time 0", ["inputs", "simulation", "start_time"], 0, true],
      ["tolerance 0", ["inputs", "simulation", "tolerance"], 0, false],
      ["tolerance null", ["inputs", "simulation", "tolerance"], null, true],
      ["input_values a list", ["inputs", "input_values"], [1], false],
      ["output_variables holding a number", ["inputs", "output_variables"], [1], false],
      ["simulation null", ["inputs", "simulation"], null, false],
    ]),
    {
      name: "ValidationInputEnvelope: a 512-character nonce with its commitment",
      document: "ValidationInputEnvelope",
      value: edit(
        edit(inputEnvelope(), ["context", "callback_nonce"], "a".repeat(512)),
        ["context", "callback_nonce_commitment"],
        callbackNonceCommitment("a".repeat(512)),
      ),
      valid: true,
    },
    ...mutations("ValidationInputEnvelope", inputEnvelope, [
      ...unknownFieldAt([["inputs"]], true),
      ["inputs a list", ["inputs"], [1, 2], false],
      ["inputs null", ["inputs"], null, false],
      ["inputs a string", ["inputs"], "{}", false],
    ]),
  );
  return cases;
}

const artifact = ["artifacts", 0] as const;
const message = ["messages", 0] as const;
const metric = ["metrics", 0] as const;

const TIMESTAMPS: readonly (readonly [string, Json, boolean])[] = [
  ["with Z", "2025-01-02T03:04:05Z", true],
  ["with an offset", "2025-01-02T03:04:05+01:00", true],
  ["with -00:00", "2025-01-02T03:04:05-00:00", true],
  ["with microseconds", "2025-01-02T03:04:05.123456Z", true],
  ["with nanoseconds", "2025-01-02T03:04:05.123456789+00:00", true],
  ["with lowercase t and z", "2025-01-02t03:04:05z", true],
  ["with a space for T", "2025-01-02 03:04:05Z", true],
  ["on 29 February of a leap year", "2024-02-29T00:00:00Z", true],
  ["with a leap second at 23:59:60Z", "2016-12-31T23:59:60Z", true],
  ["with a leap second at 23:59 UTC in another zone", "2017-01-01T00:59:60+01:00", true],
  ["without a zone", "2025-01-02T03:04:05", false],
  ["without seconds", "2025-01-02T03:04Z", false],
  ["a date only", "2025-01-02", false],
  ["on 30 February", "2024-02-30T00:00:00Z", false],
  ["on 29 February of a common year", "2023-02-29T00:00:00Z", false],
  ["in month 13", "2025-13-01T00:00:00Z", false],
  ["at 24:00", "2025-01-02T24:00:00Z", false],
  ["at minute 60", "2025-01-02T03:60:00Z", false],
  ["with a leap second at noon", "2016-12-31T12:00:60Z", false],
  ["with an offset of 25 hours", "2025-01-02T03:04:05+25:00", false],
  ["with an empty fraction", "2025-01-02T03:04:05.Z", false],
  ["with a signed year", "+2025-01-02T03:04:05Z", false],
  ["as a Unix time", 1735787045, false],
];

function outputCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const [document, build] of OUTPUTS) {
    cases.push(
      ...mutations(document, build, [
        ...missing([
          ["run_id"],
          ["step_run_id"],
          ["execution_attempt_id"],
          ["attempt_contract_version"],
          ["input_envelope_sha256"],
          ["output_uri"],
          ["validator"],
          ["status"],
          ["timing"],
          ["validator", "type"],
          [...message, "severity"],
          [...message, "text"],
          [...metric, "name"],
          [...metric, "value"],
          ...(["size_bytes", "sha256", "storage_version", "name", "type", "uri"] as const).map(
            (k) => [...artifact, k],
          ),
          ["raw_outputs", "format"],
          ["raw_outputs", "manifest_uri"],
        ]),
        ["without optional messages", ["messages"], DELETE, true],
        ["without optional message code", [...message, "code"], DELETE, true],
        ["without optional artifact mime_type", [...artifact, "mime_type"], DELETE, true],
        ["without optional raw_outputs", ["raw_outputs"], DELETE, true],
        ["raw_outputs null", ["raw_outputs"], null, true],
        ...unknownFieldAt([
          [],
          ["validator"],
          ["timing"],
          message,
          [...message, "location"],
          metric,
          artifact,
          ["raw_outputs"],
        ]),
        ["schema_version of an input", ["schema_version"], "validibot.input.v1", false],
        [
          "attempt_contract_version v1",
          ["attempt_contract_version"],
          "validibot.attempt.v1",
          false,
        ],
        ["step_run_id empty", ["step_run_id"], "", false],
        ["execution_attempt_id empty", ["execution_attempt_id"], "", false],
        ["output_uri empty", ["output_uri"], "", false],
        ...badSha256At(["input_envelope_sha256"]),
        ...badSha256At([...artifact, "sha256"]),
        ["status unknown", ["status"], "ok", false],
        ["status uppercase", ["status"], "SUCCESS", false],
        ["status cancelled", ["status"], "cancelled", true],
        ["severity lowercase", [...message, "severity"], "error", false],
        ["severity FATAL", [...message, "severity"], "FATAL", false],
        ["severity WARNING", [...message, "severity"], "WARNING", true],
        ["message location null", [...message, "location"], null, true],
        ["message location empty", [...message, "location"], {}, true],
        ["message location line fractional", [...message, "location", "line"], 1.5, false],
        ["message text null", [...message, "text"], null, false],
        ["metric value a boolean", [...metric, "value"], true, false],
        ["metric value null", [...metric, "value"], null, false],
        ["metric value negative float", [...metric, "value"], -0.25, true],
        ["artifact size_bytes negative", [...artifact, "size_bytes"], -1, false],
        ["artifact size_bytes fractional", [...artifact, "size_bytes"], 0.5, false],
        ["artifact storage_version empty", [...artifact, "storage_version"], "", false],
        ["raw_outputs format zip", ["raw_outputs", "format"], "zip", false],
        ["raw_outputs format archive", ["raw_outputs", "format"], "archive", true],
        ["timing empty", ["timing"], {}, true],
        ["timing null", ["timing"], null, false],
        ...TIMESTAMPS.map(
          ([label, value, valid]) =>
            [`finished_at ${label}`, ["timing", "finished_at"], value, valid] as const,
        ),
      ]),
    );
  }
  cases.push(
    ...mutations("ValidationOutputEnvelope", outputEnvelope, [
      ...unknownFieldAt([["outputs"]], true),
      ["outputs null", ["outputs"], null, true],
      ["outputs a list", ["outputs"], [], false],
      ["outputs a number", ["outputs"], 3, false],
    ]),
    ...mutations("EnergyPlusOutputEnvelope", energyPlusOutputEnvelope, [
      ["without outputs", ["outputs"], DELETE, false],
      ["outputs null", ["outputs"], null, false],
      ...missing([
        ["outputs", "energyplus_returncode"],
        ["outputs", "execution_seconds"],
        ["outputs", "invocation_mode"],
      ]),
      ["without optional outputs.metrics", ["outputs", "metrics"], DELETE, true],
      ["without optional outputs.outputs", ["outputs", "outputs"], DELETE, true],
      ...unknownFieldAt([
        ["outputs"],
        ["outputs", "outputs"],
        ["outputs", "logs"],
        ["outputs", "metrics"],
      ]),
      ["logs null", ["outputs", "logs"], null, true],
      ["metrics null", ["outputs", "metrics"], null, false],
      ["a negative metric", ["outputs", "metrics", "site_eui_kwh_m2"], -1, false],
      ["a metric null", ["outputs", "metrics", "site_eui_kwh_m2"], null, true],
      ["execution_seconds negative", ["outputs", "execution_seconds"], -0.1, false],
      ["energyplus_returncode negative", ["outputs", "energyplus_returncode"], -11, true],
      ["energyplus_returncode fractional", ["outputs", "energyplus_returncode"], 0.5, false],
      ["severe_count negative", ["outputs", "severe_count"], -1, false],
      ["invocation_mode unknown", ["outputs", "invocation_mode"], "docker", false],
      ["version_match null", ["outputs", "version_match"], null, true],
      ["an output path null", ["outputs", "outputs", "eplusout_sql"], null, true],
      ["an output path a number", ["outputs", "outputs", "eplusout_sql"], 1, false],
    ]),
    ...mutations("FMUOutputEnvelope", fmuOutputEnvelope, [
      ["outputs null", ["outputs"], null, true],
      ...missing([
        ["outputs", "execution_seconds"],
        ["outputs", "simulation_time_reached"],
      ]),
      ...unknownFieldAt([["outputs"]], true),
      ["simulation_time_reached negative", ["outputs", "simulation_time_reached"], -1, false],
      ["output_values a list", ["outputs", "output_values"], [], false],
      ["fmu_guid null", ["outputs", "fmu_guid"], null, true],
    ]),
  );
  return cases;
}

function callbackCases(): CorpusCase[] {
  return mutations("ValidationCallback", callbackBody, [
    ...missing([["run_id"], ["callback_id"], ["callback_nonce"], ["status"], ["result_uri"]]),
    ...unknownFieldAt([[]]),
    [
      "callback_nonce_commitment instead of a nonce",
      ["callback_nonce_commitment"],
      COMMITMENT,
      false,
    ],
    ["callback_id empty", ["callback_id"], "", false],
    ["status unknown", ["status"], "done", false],
    ["status failed_runtime", ["status"], "failed_runtime", true],
    ["status null", ["status"], null, false],
    ["callback_nonce of 512 characters", ["callback_nonce"], "a".repeat(512), true],
    ["callback_nonce of 43 characters", ["callback_nonce"], NONCE, true],
    ...BAD_NONCES.map(
      ([label, value]) =>
        [`callback_nonce with ${label}`, ["callback_nonce"], value, false] as const,
    ),
    ["callback_nonce null", ["callback_nonce"], null, false],
    ["result_uri null", ["result_uri"], null, false],
  ]);
}

function notObjects(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const document of [...INPUTS, ...OUTPUTS].map(([d]) => d).concat("ValidationCallback")) {
    const notEnvelopes: [string, Json][] = [
      ["null", null],
      ["a list", []],
      ["a string", "{}"],
      ["a number", 1],
      ["an empty object", {}],
    ];
    for (const [label, value] of notEnvelopes) {
      cases.push({ name: `${document}: ${label}`, document, value, valid: false });
    }
  }
  return cases;
}

/**
 * The agreement corpus: every entry is accepted by all of zod, the reference JSON Schema and our
 * generated JSON Schema, or rejected by all three.
 */
export function agreementCorpus(): CorpusCase[] {
  return [
    ...validDocuments(),
    ...inputCases(),
    ...outputCases(),
    ...callbackCases(),
    ...notObjects(),
  ];
}
