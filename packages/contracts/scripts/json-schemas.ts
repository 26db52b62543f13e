import { fileURLToPath } from "node:url";
import type { ZodTypeAny, ZodTypeDef } from "zod";
import { ignoreOverride, zodToJsonSchema } from "zod-to-json-schema";
import {
  Assertion,
  AssertionOperator,
  AssertionScalar,
  AssertionStage,
  EnergyPlusInputEnvelope,
  EnergyPlusInputs,
  EnergyPlusOutputEnvelope,
  EnergyPlusOutputs,
  EnergyPlusSimulationLogs,
  EnergyPlusSimulationMetrics,
  EnergyPlusSimulationOutputs,
  ErrorBody,
  ErrorCode,
  ExecutionContext,
  FMUInputEnvelope,
  FMUInputs,
  FMUOutputEnvelope,
  FMUOutputs,
  FMUSimulationConfig,
  FreeJsonObject,
  HttpUrl,
  InputFileItem,
  MessageLocation,
  OrganizationInfo,
  RawOutputs,
  ResourceFileItem,
  Ruleset,
  Severity,
  SupportedMimeType,
  Timestamp,
  ValidationArtifact,
  ValidationCallback,
  ValidationInputEnvelope,
  ValidationMessage,
  ValidationMetric,
  ValidationOutputEnvelope,
  ValidationStatus,
  ValidationTiming,
  ValidatorInfo,
  ValidatorType,
  WorkflowInfo,
} from "../src/index";

/** The folder the generated JSON Schemas are checked in to: `packages/contracts/schemas/`. */
export const SCHEMAS_DIR = fileURLToPath(new URL("../schemas/", import.meta.url));

/** The command that regenerates the checked-in JSON Schemas, from the repository root. */
export const REGENERATE_COMMAND = "npx tsx packages/contracts/scripts/generate-json-schemas.ts";

/** The JSON Schema dialect of every generated file (the reference's, which uses `$defs`). */
export const JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

/**
 * The documents that get a schema file of their own, by the reference's names: the seven
 * wire documents of `validibot-v1/` plus the HTTP error body every endpoint answers with, and
 * the ruleset document (assertions on a validator's inputs and outputs).
 */
export const DOCUMENT_SCHEMAS: Readonly<Record<string, ZodTypeAny>> = {
  ValidationInputEnvelope,
  ValidationOutputEnvelope,
  ValidationCallback,
  EnergyPlusInputEnvelope,
  EnergyPlusOutputEnvelope,
  FMUInputEnvelope,
  FMUOutputEnvelope,
  ErrorBody,
  Ruleset,
};

/**
 * The parts that go to `$defs` under their reference names instead of being inlined; a
 * document's file keeps only the parts it reaches.
 */
export const PART_SCHEMAS: Readonly<Record<string, ZodTypeAny>> = {
  ExecutionContext,
  InputFileItem,
  ResourceFileItem,
  OrganizationInfo,
  WorkflowInfo,
  ValidatorInfo,
  ValidatorType,
  SupportedMimeType,
  MessageLocation,
  RawOutputs,
  Severity,
  ValidationArtifact,
  ValidationMessage,
  ValidationMetric,
  ValidationStatus,
  ValidationTiming,
  EnergyPlusInputs,
  EnergyPlusOutputs,
  EnergyPlusSimulationLogs,
  EnergyPlusSimulationMetrics,
  EnergyPlusSimulationOutputs,
  FMUInputs,
  FMUSimulationConfig,
  FMUOutputs,
  ErrorCode,
  Assertion,
  AssertionOperator,
  AssertionScalar,
  AssertionStage,
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Schemas whose JSON Schema zod-to-json-schema cannot derive (custom checks), given outright. */
const FIXED = new Map<ZodTypeDef, Record<string, Json>>([
  [FreeJsonObject._def, { type: "object", additionalProperties: true }],
]);

/** Formats a refinement carries that zod-to-json-schema cannot see. */
const FORMATS = new Map<ZodTypeDef, string>([
  [HttpUrl._def, "uri"],
  [Timestamp._def, "date-time"],
]);

/** The JSON Schema of one document (by its name in `DOCUMENT_SCHEMAS`), keys sorted. */
export function jsonSchemaOf(name: string): Record<string, Json> {
  const schema = DOCUMENT_SCHEMAS[name];
  if (!schema) throw new Error(`no document schema named ${name}`);
  const partNames = new Map(Object.entries(PART_SCHEMAS).map(([part, s]) => [s._def, part]));
  const generated = zodToJsonSchema(schema, {
    target: "jsonSchema7",
    definitionPath: "$defs",
    definitions: PART_SCHEMAS,
    $refStrategy: "none",
    // Transforms and refinements contribute their input side: what a producer may write.
    effectStrategy: "input",
    pipeStrategy: "input",
    // `.strict()` objects reject unknown keys; plain (stripping) objects let them through.
    removeAdditionalStrategy: "strict",
    override: (def, _refs, _seen, forceResolution) => {
      const part = partNames.get(def);
      if (part && !forceResolution) return { $ref: `#/$defs/${part}` };
      return FIXED.get(def) ?? ignoreOverride;
    },
    postProcess: (jsonSchema, def) => {
      const format = FORMATS.get(def);
      return format && jsonSchema ? { ...jsonSchema, format } : jsonSchema;
    },
  }) as Record<string, Json>;
  const defs = (generated.$defs ?? {}) as Record<string, Record<string, Json>>;
  const reached = reachableParts(generated, defs);
  const keptDefs: Record<string, Json> = {};
  for (const part of reached) keptDefs[part] = { ...defs[part], title: part };
  const { $defs: _all, $schema: _draft, ...root } = generated;
  const document: Record<string, Json> = { $schema: JSON_SCHEMA_DIALECT, ...root, title: name };
  if (reached.size > 0) document.$defs = keptDefs;
  return sortKeys(document) as Record<string, Json>;
}

/** Every document's schema file: file name (`<Name>.schema.json`) to its exact text. */
export function generateJsonSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of Object.keys(DOCUMENT_SCHEMAS)) {
    files.set(`${name}.schema.json`, `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`);
  }
  return files;
}

function reachableParts(root: Json, defs: Record<string, Json>): Set<string> {
  const reached = new Set<string>();
  const visit = (node: Json | undefined): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        if (key === "$defs") continue;
        if (key === "$ref" && typeof child === "string" && child.startsWith("#/$defs/")) {
          const part = child.slice("#/$defs/".length);
          if (!reached.has(part)) {
            reached.add(part);
            visit(defs[part]);
          }
        } else {
          visit(child);
        }
      }
    }
  };
  visit(root);
  return new Set([...reached].sort());
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, Json> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key] as Json);
  return out;
}
