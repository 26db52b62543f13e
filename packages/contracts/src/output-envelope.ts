import { z } from "zod";
import {
  ATTEMPT_CONTRACT_VERSION,
  OUTPUT_SCHEMA_VERSION,
  Severity,
  ValidationStatus,
} from "./enums";
import { ValidatorInfo } from "./input-envelope";
import {
  FreeJsonObject,
  SafeLeafName,
  Sha256Hex,
  SizeBytes,
  StorageVersion,
  Timestamp,
} from "./primitives";

/** Where in the submission a finding points: file role, path (object or field), line, column. */
export const MessageLocation = z
  .object({
    file_role: z.string().nullable().default(null),
    line: z.number().int().nullable().default(null),
    column: z.number().int().nullable().default(null),
    path: z.string().nullable().default(null),
  })
  .strict();
/** Where in the submission a finding points. */
export type MessageLocation = z.infer<typeof MessageLocation>;

/** One finding: severity, a stable code, the text, where it points, and free tags. */
export const ValidationMessage = z
  .object({
    severity: Severity,
    code: z.string().nullable().default(null),
    text: z.string(),
    location: MessageLocation.nullable().default(null),
    tags: z.array(z.string()).default([]),
  })
  .strict();
/** One finding. */
export type ValidationMessage = z.infer<typeof ValidationMessage>;
/** A finding as it may be written, defaults left out. */
export type ValidationMessageInput = z.input<typeof ValidationMessage>;

/** One measured value (a number, or a string for values such as versions), with unit and category. */
export const ValidationMetric = z
  .object({
    name: z.string(),
    value: z.union([z.number(), z.string()]),
    unit: z.string().nullable().default(null),
    category: z.string().nullable().default(null),
    tags: z.array(z.string()).default([]),
  })
  .strict();
/** One measured value. */
export type ValidationMetric = z.infer<typeof ValidationMetric>;

/** A file the validator produced, integrity-bound like the inputs. */
export const ValidationArtifact = z
  .object({
    size_bytes: SizeBytes,
    sha256: Sha256Hex,
    storage_version: StorageVersion,
    name: SafeLeafName,
    type: z.string(),
    mime_type: z.string().nullable().default(null),
    uri: z.string(),
  })
  .strict();
/** A file the validator produced. */
export type ValidationArtifact = z.infer<typeof ValidationArtifact>;

/** Where everything else the validator wrote lives: `outputs/` and its `manifest.json`. */
export const RawOutputs = z
  .object({ format: z.enum(["directory", "archive"]), manifest_uri: z.string() })
  .strict();
/** Where everything else the validator wrote lives. */
export type RawOutputs = z.infer<typeof RawOutputs>;

/** When the attempt was queued, started and finished (ISO 8601 with a zone). */
export const ValidationTiming = z
  .object({
    queued_at: Timestamp.nullable().default(null),
    started_at: Timestamp.nullable().default(null),
    finished_at: Timestamp.nullable().default(null),
  })
  .strict();
/** When the attempt was queued, started and finished. */
export type ValidationTiming = z.infer<typeof ValidationTiming>;

/** The parts every output envelope shares; typed variants replace only `outputs`. */
export const outputEnvelopeShape = {
  schema_version: z.literal(OUTPUT_SCHEMA_VERSION).default(OUTPUT_SCHEMA_VERSION),
  run_id: z.string(),
  step_run_id: z.string().min(1),
  execution_attempt_id: z.string().min(1),
  attempt_contract_version: z.literal(ATTEMPT_CONTRACT_VERSION),
  input_envelope_sha256: Sha256Hex,
  output_uri: z.string().min(1),
  validator: ValidatorInfo,
  status: ValidationStatus,
  timing: ValidationTiming,
  messages: z.array(ValidationMessage).default([]),
  metrics: z.array(ValidationMetric).default([]),
  artifacts: z.array(ValidationArtifact).default([]),
  raw_outputs: RawOutputs.nullable().default(null),
};

/** The output envelope (`output.json`) with free-form `outputs`: what the validator writes. */
export const ValidationOutputEnvelope = z
  .object({
    ...outputEnvelopeShape,
    outputs: FreeJsonObject.nullable().default(null),
  })
  .strict();
/** The output envelope with free-form `outputs`. */
export type ValidationOutputEnvelope = z.infer<typeof ValidationOutputEnvelope>;
/** What may be given to `ValidationOutputEnvelope.parse` (defaults may be left out). */
export type ValidationOutputEnvelopeInput = z.input<typeof ValidationOutputEnvelope>;
