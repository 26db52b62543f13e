import { describe, expect, it } from "vitest";
import {
  expectedOutputIdentity,
  inputEnvelopeSha256,
  OUTPUT_IDENTITY_FIELDS,
  type OutputIdentityField,
  outputIdentityMismatches,
  parseInputEnvelope,
  ValidationOutputEnvelope,
} from "../../src/index";
import {
  edit,
  energyPlusInputEnvelope,
  energyPlusOutputEnvelope,
  inputEnvelope,
  type Json,
  type JsonObject,
  outputEnvelope,
} from "../corpus/builders";

// Rule 5: the output envelope must echo the attempt's identity.
function echoingOutput(input: JsonObject, output: JsonObject): JsonObject {
  const ctx = input.context as JsonObject;
  return {
    ...output,
    run_id: input.run_id as Json,
    step_run_id: ctx.step_run_id as Json,
    execution_attempt_id: ctx.execution_attempt_id as Json,
    attempt_contract_version: ctx.attempt_contract_version as Json,
    input_envelope_sha256: inputEnvelopeSha256(input),
    output_uri: ctx.expected_output_uri as Json,
    validator: input.validator as Json,
  };
}

const WRONG: Record<OutputIdentityField, [path: (string | number)[], value: Json]> = {
  run_id: [["run_id"], "run-other"],
  step_run_id: [["step_run_id"], "sr-other"],
  execution_attempt_id: [["execution_attempt_id"], "att-other"],
  // The schema admits only validibot.attempt.v2, so a mismatch can only come from a foreign input.
  attempt_contract_version: [["attempt_contract_version"], "validibot.attempt.v2"],
  input_envelope_sha256: [["input_envelope_sha256"], "0".repeat(64)],
  output_uri: [["output_uri"], "gs://validibot-runs/runs/org-1/run-1/attempts/att-2/output.json"],
  "validator.id": [["validator", "id"], "val-other"],
  "validator.type": [["validator", "type"], "BASIC"],
};

describe("rule 5: output identity", () => {
  const input = parseInputEnvelope(inputEnvelope());
  const expected = expectedOutputIdentity(input);
  const output = ValidationOutputEnvelope.parse(echoingOutput(inputEnvelope(), outputEnvelope()));

  it("expects what the input envelope put in the attempt", () => {
    expect(expected).toEqual({
      run_id: "run-1",
      step_run_id: "sr-1",
      execution_attempt_id: "att-1",
      attempt_contract_version: "validibot.attempt.v2",
      input_envelope_sha256: inputEnvelopeSha256(inputEnvelope()),
      output_uri: "gs://validibot-runs/runs/org-1/run-1/attempts/att-1/output.json",
      validator: { id: "val-1", type: "CUSTOM_VALIDATOR" },
    });
  });

  it("accepts an output that echoes every identity field", () => {
    expect(outputIdentityMismatches(expected, output)).toEqual([]);
  });

  it("checks all eight fields", () => {
    expect([...OUTPUT_IDENTITY_FIELDS].sort()).toEqual(Object.keys(WRONG).sort());
  });

  it.each(
    OUTPUT_IDENTITY_FIELDS.filter((f) => f !== "attempt_contract_version"),
  )("reports a wrong %s, and only that", (field) => {
    const [path, value] = WRONG[field];
    const wrong = ValidationOutputEnvelope.parse(
      edit(output as unknown as JsonObject, path, value),
    );
    expect(outputIdentityMismatches(expected, wrong)).toEqual([field]);
  });

  it("reports a wrong attempt_contract_version, and only that", () => {
    const foreign = { ...expected, attempt_contract_version: "validibot.attempt.v1" };
    expect(outputIdentityMismatches(foreign, output)).toEqual(["attempt_contract_version"]);
  });

  it("reports every field when nothing matches", () => {
    const stranger = ValidationOutputEnvelope.parse(outputEnvelope());
    const other = expectedOutputIdentity(
      parseInputEnvelope(
        edit(
          edit(
            edit(energyPlusInputEnvelope(), ["run_id"], "run-9"),
            ["context", "step_run_id"],
            "sr-9",
          ),
          ["context", "execution_attempt_id"],
          "att-9",
        ),
      ),
    );
    const mismatches = outputIdentityMismatches(
      { ...other, output_uri: "file:///elsewhere/output.json", attempt_contract_version: "x" },
      stranger,
    );
    expect(mismatches).toEqual([...OUTPUT_IDENTITY_FIELDS]);
  });

  it("hashes the stored input the same whether given raw or parsed", () => {
    const raw = edit(energyPlusInputEnvelope(), ["inputs"], {});
    const fromParsed = expectedOutputIdentity(parseInputEnvelope(raw));
    expect(fromParsed.input_envelope_sha256).toBe(inputEnvelopeSha256(raw));
    const typedOutput = ValidationOutputEnvelope.parse(
      echoingOutput(raw, energyPlusOutputEnvelope()),
    );
    expect(outputIdentityMismatches(fromParsed, typedOutput)).toEqual([]);
  });
});
