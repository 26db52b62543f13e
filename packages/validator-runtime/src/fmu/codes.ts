/**
 * Every finding code the FMU validator reports, with what it means. Codes are stable: hosts
 * and users branch on them, so a code is never renamed or reused.
 */
export const FMU_FINDING_CODES = {
  // the archive
  "fmu.not_a_zip": "The file is not a readable zip archive.",
  "fmu.zip_slip": "An entry's path climbs out of the archive with `..`; the entry is refused.",
  "fmu.zip_absolute_path": "An entry's path is absolute (`/...` or a drive letter); refused.",
  "fmu.zip_backslash_path": "An entry's path uses backslashes; read as folder separators.",
  "fmu.zip_unsafe_name": "An entry's name is empty or holds a NUL or other control character.",
  "fmu.symlink_entry": "An entry is a symbolic link; refused.",
  "fmu.zip_bomb":
    "Inflated data went past a limit (total size, entry size or compression ratio); unpacking stopped.",
  "fmu.too_many_entries": "The archive has more entries than allowed; nothing was unpacked.",
  "fmu.zip_encrypted": "An entry is encrypted; FMUs must not be.",
  "fmu.zip_unsupported_compression":
    "An entry uses a compression method other than store or deflate.",
  "fmu.zip_corrupt":
    "An entry's data does not match its size or CRC-32, or the archive is truncated.",
  "fmu.zip_duplicate_entry": "Two entries have the same path.",
  // the model description
  "fmu.model_description_missing": "There is no `modelDescription.xml` at the archive's root.",
  "fmu.model_description_too_large": "`modelDescription.xml` is larger than allowed.",
  "fmu.xml_malformed": "`modelDescription.xml` is not well-formed XML.",
  "fmu.xml_entities_refused": "`modelDescription.xml` declares a DOCTYPE or entities; refused.",
  "fmu.fmi_version_unsupported": "`fmiVersion` is neither 2.0 nor 3.0.",
  "fmu.attribute_missing": "A required attribute is missing.",
  "fmu.attribute_invalid": "An attribute's value is not valid for its type.",
  "fmu.variable_type_missing": "An FMI 2 ScalarVariable has no type element (Real, Integer, ...).",
  "fmu.duplicate_variable_name": "Two variables have the same name.",
  "fmu.duplicate_value_reference":
    "Two variables share a value reference where the standard forbids it.",
  "fmu.illegal_causality_variability": "A causality and variability pair the standard forbids.",
  "fmu.illegal_variability_type": "Only floating-point variables can be continuous.",
  "fmu.illegal_initial":
    "An `initial` value the standard forbids for the causality and variability.",
  "fmu.start_missing": "A variable that needs a start value has none.",
  "fmu.start_forbidden": "A variable that must not have a start value has one.",
  "fmu.independent_variable_count":
    "FMI 3 needs exactly one independent variable; FMI 2 allows at most one.",
  "fmu.model_structure_output_missing": "An output variable is not listed in ModelStructure.",
  "fmu.model_structure_not_output": "ModelStructure lists as output a variable that is not one.",
  "fmu.model_structure_unresolved":
    "A ModelStructure index or value reference resolves to no variable.",
  "fmu.default_experiment_invalid":
    "DefaultExperiment is inconsistent (start >= stop, step <= 0, ...).",
  "fmu.co_simulation_unsupported":
    "The FMU offers no Co-Simulation interface (Model Exchange only).",
  "fmu.model_identifier_invalid": "`modelIdentifier` is not a valid C identifier.",
  "fmu.binary_missing": "There is no binary for this platform.",
  "fmu.model_identifier_mismatch":
    "Binaries exist for this platform, but none is named after `modelIdentifier`.",
  "fmu.platform_unsupported": "This machine's platform has no FMI binary folder name.",
  // the run's inputs
  "fmu.simulation_config_invalid": "The simulation's time frame is inconsistent (start >= stop).",
  "fmu.too_many_steps": "The time frame and step size need more communication steps than allowed.",
  "fmu.unknown_input": "`input_values` names a variable the FMU does not have.",
  "fmu.input_not_settable": "`input_values` names a variable that cannot be set before the run.",
  "fmu.input_value_invalid": "An `input_values` value does not fit its variable's type.",
  "fmu.unknown_output": "`output_variables` names a variable the FMU does not have.",
  "fmu.output_type_unsupported":
    "A requested variable's type cannot be recorded (Binary, Clock, arrays).",
  "fmu.simulation_skipped": "The co-simulation did not run because of earlier errors.",
  // the co-simulation
  "fmu.load_failed": "The binary could not be loaded, or lacks an FMI function.",
  "fmu.instantiate_failed": "The FMU refused to instantiate.",
  "fmu.initialization_failed": "Setting up the experiment or initialization failed.",
  "fmu.set_failed": "Setting a start value failed.",
  "fmu.get_failed": "Reading an output failed.",
  "fmu.dostep_error": "A DoStep returned a status other than OK or Warning.",
  "fmu.terminated_early": "The FMU asked to end the simulation before the stop time.",
  "fmu.crashed": "The FMU's process died (a signal such as SIGSEGV, or an unexpected exit).",
  "fmu.timeout": "The co-simulation ran past the attempt's time and was killed.",
  "fmu.cancelled": "The attempt was cancelled while the co-simulation ran.",
  "fmu.simulation_completed": "The co-simulation reached its stop time.",
} as const;

/** A finding code of the FMU validator. */
export type FmuFindingCode = keyof typeof FMU_FINDING_CODES;
