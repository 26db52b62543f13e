import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { ZodError, ZodTypeAny } from "zod";
import { SCHEMAS_DIR } from "../../scripts/json-schemas";
import {
  EnergyPlusInputEnvelope,
  EnergyPlusOutputEnvelope,
  FMUInputEnvelope,
  FMUOutputEnvelope,
  ValidationCallback,
  ValidationInputEnvelope,
  ValidationOutputEnvelope,
} from "../../src/index";
import { referenceDir } from "../reference";

/** The wire documents of `validibot-v1/`, each with a reference schema, a generated one and zod. */
export const DOCUMENTS = [
  "ValidationInputEnvelope",
  "ValidationOutputEnvelope",
  "ValidationCallback",
  "EnergyPlusInputEnvelope",
  "EnergyPlusOutputEnvelope",
  "FMUInputEnvelope",
  "FMUOutputEnvelope",
] as const;
/** One wire document's name. */
export type DocumentName = (typeof DOCUMENTS)[number];

/** Our zod schema of each document. */
export const zodSchemas: Record<DocumentName, ZodTypeAny> = {
  ValidationInputEnvelope,
  ValidationOutputEnvelope,
  ValidationCallback,
  EnergyPlusInputEnvelope,
  EnergyPlusOutputEnvelope,
  FMUInputEnvelope,
  FMUOutputEnvelope,
};

function compileAll(dir: string): Record<DocumentName, ValidateFunction> {
  // allowUnionTypes: `type: ["string", "null"]` is plain JSON Schema that ajv's strict mode flags.
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  // The reference marks EnergyPlus output paths `format: "path"` (pydantic's Path): any string.
  ajv.addFormat("path", true);
  const out = {} as Record<DocumentName, ValidateFunction>;
  for (const name of DOCUMENTS) {
    out[name] = ajv.compile(JSON.parse(readFileSync(`${dir}${name}.schema.json`, "utf8")));
  }
  return out;
}

/** ajv validators of the reference JSON Schemas (`test/fixtures/reference/`). */
export const referenceValidators = compileAll(referenceDir);
/** ajv validators of our generated, checked-in JSON Schemas (`packages/contracts/schemas/`). */
export const generatedValidators = compileAll(SCHEMAS_DIR);

/** What each of the three validators says about one document. */
export interface Verdicts {
  zod: boolean;
  reference: boolean;
  generated: boolean;
  /** zod's error when it rejected, for messages and issue paths. */
  zodError: ZodError | undefined;
}

/** Validates `value` as `document` with zod, the reference schema and the generated schema. */
export function verdicts(document: DocumentName, value: unknown): Verdicts {
  const parsed = zodSchemas[document].safeParse(value);
  return {
    zod: parsed.success,
    reference: referenceValidators[document](value),
    generated: generatedValidators[document](value),
    zodError: parsed.success ? undefined : parsed.error,
  };
}
