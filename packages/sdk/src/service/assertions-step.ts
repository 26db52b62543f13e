import type {
  AnyOutputEnvelope,
  AssertionResult,
  RunFile,
  ValidationMessage,
} from "@validibot/contracts";
import {
  assertionFindings,
  blocks,
  type CompiledRulesets,
  compileRulesets,
  evaluateStage,
  type InputSignals,
  isSeriesArtifact,
  type OutputSignals,
  parseSeriesColumns,
} from "../assertions";
import type { RunRecord } from "../model";
import type { ValidatorDefinition } from "../validators";
import type { ServiceDeps } from "./deps";

/** Largest time-series artifact `series()` reads: 256 MiB. */
const MAX_SERIES_BYTES = 256 * 1024 * 1024;

/**
 * The rulesets of a submission, checked: the validator's default first, then the submission's.
 * Throws `ruleset_invalid` (400) before anything is stored.
 */
export function rulesetsForSubmit(
  validator: ValidatorDefinition,
  submitted: unknown,
): CompiledRulesets {
  const documents = [validator.ruleset, submitted].filter((d) => d !== undefined && d !== null);
  return compileRulesets(documents);
}

function inputSignals(run: RunRecord, files: readonly RunFile[]): InputSignals {
  return {
    inputs: run.inputs,
    files: Object.fromEntries(
      files.map((f) => [
        f.port_key,
        { name: f.name, size_bytes: f.size_bytes, sha256: f.sha256, mime_type: f.mime_type },
      ]),
    ),
    validator: { id: run.validator_id, type: run.validator_type, version: run.validator_version },
  };
}

/** The input stage at submit: results, their findings, and whether the run may launch. */
export async function inputStage(
  compiled: CompiledRulesets,
  run: RunRecord,
  files: readonly RunFile[],
): Promise<{ results: AssertionResult[]; findings: ValidationMessage[]; blocked: boolean }> {
  const results = await evaluateStage(compiled, "input", inputSignals(run, files));
  return { results, findings: assertionFindings(results), blocked: blocks(results) };
}

/**
 * The output stage when an output envelope is processed (callback, reconcile, mock: one path).
 * Reads the run's stored rulesets, so the verdict is the one the run was submitted with.
 * `series()` reads the time-series artifact of the envelope once, only when an assertion uses it.
 */
export async function outputStage(
  deps: ServiceDeps,
  run: RunRecord,
  output: AnyOutputEnvelope,
): Promise<{ results: AssertionResult[]; findings: ValidationMessage[]; blocked: boolean } | null> {
  if (run.rulesets.length === 0) return null;
  const compiled = compileRulesets(run.rulesets);
  const counts = { ERROR: 0, WARNING: 0, INFO: 0 };
  for (const m of output.messages) counts[m.severity]++;
  const signals: OutputSignals = {
    ...inputSignals(run, run.files),
    outputs: output.outputs ?? null,
    metrics: Object.fromEntries(output.metrics.map((m) => [m.name, m.value])),
    findings: counts,
    status: output.status,
  };
  const artifact = output.artifacts.find(isSeriesArtifact);
  const results = await evaluateStage(compiled, "output", signals, {
    loadSeries: async (columns) => {
      if (!artifact) throw new Error("the run has no time-series artifact (timeseries.csv)");
      const stream = await deps.storage.get(deps.storage.keyFor(artifact.uri), {
        maxBytes: MAX_SERIES_BYTES,
        signal: deps.signal,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
      return parseSeriesColumns(Buffer.concat(chunks).toString("utf8"), columns);
    },
  });
  return { results, findings: assertionFindings(results), blocked: blocks(results) };
}
