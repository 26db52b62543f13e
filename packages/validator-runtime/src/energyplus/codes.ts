/**
 * Every finding code the EnergyPlus validator reports, with what it means. Codes are stable:
 * hosts filter and count by them, so a code is never renamed or reused.
 */
export const ENERGYPLUS_CODES = {
  // reading the model
  model_unreadable: "The model file could not be read.",
  model_binary: "The model contains NUL bytes or other binary data: it is not a text model.",
  model_encoding: "The model is not valid UTF-8; invalid bytes were read as U+FFFD.",
  model_too_large: "The model is larger than the validator reads; the rest was not checked.",
  model_format_unknown: "The model is neither IDF nor epJSON.",
  idf_unterminated_object: "The last object has no terminating `;`.",
  idf_syntax: "Text that is not part of an IDF object (an empty object type, a stray field).",
  epjson_invalid_json: "The epJSON model is not valid JSON.",
  epjson_invalid_structure:
    "The epJSON model is not an object of object types, each an object of named objects.",
  // preflight
  version_missing: "The model has no `Version` object.",
  version_mismatch: "The model's Version (major.minor) differs from the EnergyPlus binary's.",
  binary_version_unknown: "The EnergyPlus binary's version could not be read from `--version`.",
  unsafe_object:
    "An object type that runs code, loads libraries or opens sockets (PythonPlugin, ExternalInterface, EnergyManagementSystem); refused.",
  unsafe_schedule_file:
    "A `Schedule:File` reads an absolute, remote or parent-relative path; refused.",
  missing_required_object:
    "An object EnergyPlus needs (Building, GlobalGeometryRules, ...) is missing.",
  missing_recommended_object:
    "An object a reviewable run should have (Version, Timestep or SimulationControl, RunPeriod) is missing.",
  duplicate_name:
    "Two objects of one type share a name (compared case-insensitively, as EnergyPlus does).",
  hvac_sizing_missing:
    "HVAC equipment is autosized but the model has no sizing objects or design days to size it from.",
  schedule_undefined: "A field names a schedule that no schedule object defines.",
  weather_missing: "`run_simulation` is true but no weather file (`weather_file`) was given.",
  // running the binary
  invocation_mode_unsupported:
    "`invocation_mode: python_api` is not available here; the EnergyPlus CLI was used.",
  binary_missing:
    "`run_simulation` is true but no EnergyPlus binary was found (ENERGYPLUS_BIN or PATH).",
  timeout: "EnergyPlus ran past the attempt's time and was stopped.",
  crashed: "EnergyPlus stopped without writing `eplusout.end`: it crashed or was killed.",
  exit_nonzero: "EnergyPlus exited with a non-zero code without reporting a fatal error.",
  conversion_failed: "EnergyPlus could not convert the model (`--convert-only`).",
  // results
  warning: "An EnergyPlus `** Warning **` from `eplusout.err`.",
  severe: "An EnergyPlus `** Severe  **` error from `eplusout.err`.",
  fatal: "An EnergyPlus `**  Fatal  **` error from `eplusout.err`: the run was terminated.",
  err_missing: "The run left no `eplusout.err`.",
  messages_truncated:
    "`eplusout.err` holds more messages than are listed as findings; the counts include them all.",
  sql_missing: "The run left no `eplusout.sql`, so no metrics could be read.",
  sql_unreadable: "`eplusout.sql` could not be read as an EnergyPlus SQLite output.",
} as const;

/** A finding code of the EnergyPlus validator, without the `energyplus.` prefix. */
export type EnergyPlusCodeKey = keyof typeof ENERGYPLUS_CODES;

/** The full code as it appears in findings: `energyplus.<key>`. */
export function epCode(key: EnergyPlusCodeKey): string {
  return `energyplus.${key}`;
}

/** The tag every review finding carries; `review_profile: leed_review` raises these to ERROR. */
export const REVIEW_TAG = "energyplus-review";
