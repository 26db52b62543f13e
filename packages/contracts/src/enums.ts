import { z } from "zod";

/** Which validator a run goes to; selects the typed envelope variant (`ENERGYPLUS`, `FMU`, ...). */
export const ValidatorType = z.enum([
  "BASIC",
  "JSON_SCHEMA",
  "XML_SCHEMA",
  "SCHEMATRON",
  "SHACL",
  "ENERGYPLUS",
  "FMU",
  "CUSTOM_VALIDATOR",
  "AI_ASSIST",
  "PORTFOLIO_MANAGER",
  "PDF",
]);
/** Which validator a run goes to. */
export type ValidatorType = z.infer<typeof ValidatorType>;

/** The MIME types an input file may declare; the reference rejects any other. */
export const SupportedMimeType = z.enum([
  "application/xml",
  "text/xml",
  "application/vnd.energyplus.idf",
  "application/vnd.energyplus.epjson",
  "application/vnd.energyplus.epw",
  "application/vnd.fmi.fmu",
  "text/turtle",
  "application/rdf+xml",
  "application/ld+json",
  "application/n-triples",
  "application/n-quads",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/zip",
  "application/json",
  "application/pdf",
  "model/step",
  "application/p21",
]);
/** A MIME type an input file may declare. */
export type SupportedMimeType = z.infer<typeof SupportedMimeType>;

/** How bad a finding is; only `ERROR` blocks a run from succeeding. */
export const Severity = z.enum(["INFO", "WARNING", "ERROR"]);
/** How bad a finding is. */
export type Severity = z.infer<typeof Severity>;

/**
 * The validator's verdict: `success` (nothing blocking), `failed_validation` (the
 * submission is at fault), `failed_runtime` (the validator or its binary broke), `cancelled`.
 */
export const ValidationStatus = z.enum([
  "success",
  "failed_validation",
  "failed_runtime",
  "cancelled",
]);
/** The validator's verdict. */
export type ValidationStatus = z.infer<typeof ValidationStatus>;

/** `schema_version` of every input envelope. */
export const INPUT_SCHEMA_VERSION = "validibot.input.v1" as const;
/** `schema_version` of every output envelope. */
export const OUTPUT_SCHEMA_VERSION = "validibot.output.v1" as const;
/** `attempt_contract_version` carried by the context and echoed by the output envelope. */
export const ATTEMPT_CONTRACT_VERSION = "validibot.attempt.v2" as const;
