import type { z } from "zod";
import { envelopeSha256 } from "./canonical";
import { EnergyPlusInputEnvelope, EnergyPlusOutputEnvelope } from "./energyplus";
import type { ValidatorType } from "./enums";
import { FMUInputEnvelope, FMUOutputEnvelope } from "./fmu";
import { ValidationInputEnvelope } from "./input-envelope";
import { ValidationOutputEnvelope } from "./output-envelope";

/** Any input envelope: the typed variants where `validator.type` has one, else the generic one. */
export type AnyInputEnvelope = ValidationInputEnvelope | EnergyPlusInputEnvelope | FMUInputEnvelope;
/** Any output envelope. */
export type AnyOutputEnvelope =
  | ValidationOutputEnvelope
  | EnergyPlusOutputEnvelope
  | FMUOutputEnvelope;

/** The input envelope schema for a validator type: typed for `ENERGYPLUS` and `FMU`, else generic. */
export function inputEnvelopeSchemaFor(
  type: ValidatorType | string,
): z.ZodType<AnyInputEnvelope, z.ZodTypeDef, unknown> {
  if (type === "ENERGYPLUS") return EnergyPlusInputEnvelope;
  if (type === "FMU") return FMUInputEnvelope;
  return ValidationInputEnvelope;
}

/** The output envelope schema for a validator type: typed for `ENERGYPLUS` and `FMU`, else generic. */
export function outputEnvelopeSchemaFor(
  type: ValidatorType | string,
): z.ZodType<AnyOutputEnvelope, z.ZodTypeDef, unknown> {
  if (type === "ENERGYPLUS") return EnergyPlusOutputEnvelope;
  if (type === "FMU") return FMUOutputEnvelope;
  return ValidationOutputEnvelope;
}

function validatorTypeOf(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const validator = (raw as { validator?: unknown }).validator;
  if (validator === null || typeof validator !== "object") return undefined;
  const type = (validator as { type?: unknown }).type;
  return typeof type === "string" ? type : undefined;
}

/**
 * Parses an input envelope with the typed variant its `validator.type` selects, filling every
 * default. Returns zod's safe-parse result so callers can turn issues into their own errors.
 */
export function safeParseInputEnvelope(raw: unknown) {
  return inputEnvelopeSchemaFor(validatorTypeOf(raw) ?? "").safeParse(raw);
}

/** Like `safeParseInputEnvelope`, but throws zod's error on invalid input. */
export function parseInputEnvelope(raw: unknown): AnyInputEnvelope {
  return inputEnvelopeSchemaFor(validatorTypeOf(raw) ?? "").parse(raw);
}

/** Parses an output envelope with the typed variant its `validator.type` selects. */
export function safeParseOutputEnvelope(raw: unknown) {
  return outputEnvelopeSchemaFor(validatorTypeOf(raw) ?? "").safeParse(raw);
}

/**
 * `input_envelope_sha256` of a stored input envelope (rule 4): parsed with its typed variant,
 * defaults filled and URLs normalized, nonces redacted, canonicalized and hashed.
 */
export function inputEnvelopeSha256(raw: unknown): string {
  return envelopeSha256(parseInputEnvelope(raw));
}
