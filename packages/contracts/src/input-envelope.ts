import { z } from "zod";
import { ExecutionContext } from "./context";
import { INPUT_SCHEMA_VERSION, ValidatorType } from "./enums";
import { InputFileItem, ResourceFileItem } from "./files";
import { FreeJsonObject } from "./primitives";

/** Which validator, of which type and version, an envelope is for. */
export const ValidatorInfo = z
  .object({ id: z.string(), type: ValidatorType, version: z.string() })
  .strict();
/** Which validator an envelope is for. */
export type ValidatorInfo = z.infer<typeof ValidatorInfo>;

/** The organization that owns a run. */
export const OrganizationInfo = z.object({ id: z.string(), name: z.string() }).strict();
/** The organization that owns a run. */
export type OrganizationInfo = z.infer<typeof OrganizationInfo>;

/** The workflow and step a run belongs to. */
export const WorkflowInfo = z
  .object({ id: z.string(), step_id: z.string(), step_name: z.string().nullable().default(null) })
  .strict();
/** The workflow and step a run belongs to. */
export type WorkflowInfo = z.infer<typeof WorkflowInfo>;

/** The parts every input envelope shares; typed variants replace only `inputs`. */
export const inputEnvelopeShape = {
  schema_version: z.literal(INPUT_SCHEMA_VERSION).default(INPUT_SCHEMA_VERSION),
  run_id: z.string(),
  validator: ValidatorInfo,
  org: OrganizationInfo,
  workflow: WorkflowInfo,
  input_files: z.array(InputFileItem).default([]),
  resource_files: z.array(ResourceFileItem).default([]),
  context: ExecutionContext,
};

/**
 * The input envelope (`input.json`) with free-form `inputs`: what the host writes before launch.
 * Unknown top-level fields are rejected, as the reference does.
 */
export const ValidationInputEnvelope = z
  .object({
    ...inputEnvelopeShape,
    inputs: FreeJsonObject.default({}),
  })
  .strict();
/** The input envelope with free-form `inputs`. */
export type ValidationInputEnvelope = z.infer<typeof ValidationInputEnvelope>;
/** What may be given to `ValidationInputEnvelope.parse` (defaults may be left out). */
export type ValidationInputEnvelopeInput = z.input<typeof ValidationInputEnvelope>;
