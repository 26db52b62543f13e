import { z } from "zod";
import { inputEnvelopeShape } from "./input-envelope";
import { outputEnvelopeShape } from "./output-envelope";

/** The `idf_checks` an EnergyPlus run may ask for. */
export const EnergyPlusIdfCheck = z.enum(["duplicate-names", "hvac-sizing", "schedule-coverage"]);
/** One of the `idf_checks`. */
export type EnergyPlusIdfCheck = z.infer<typeof EnergyPlusIdfCheck>;

/** The inputs of an EnergyPlus run, every one with its reference default. */
export const EnergyPlusInputs = z
  .object({
    timestep_per_hour: z.number().int().min(1).max(60).default(4),
    run_period_days: z.number().int().nullable().default(null),
    invocation_mode: z.enum(["python_api", "cli"]).default("cli"),
    idf_checks: z.array(EnergyPlusIdfCheck).default([]),
    run_simulation: z.boolean().default(true),
    review_profile: z.enum(["standard", "leed_review"]).default("standard"),
  })
  .strict();
/** The inputs of an EnergyPlus run. */
export type EnergyPlusInputs = z.infer<typeof EnergyPlusInputs>;

/** The input envelope of an EnergyPlus run (`validator.type` `ENERGYPLUS`). */
export const EnergyPlusInputEnvelope = z
  .object({ ...inputEnvelopeShape, inputs: EnergyPlusInputs })
  .strict();
/** The input envelope of an EnergyPlus run. */
export type EnergyPlusInputEnvelope = z.infer<typeof EnergyPlusInputEnvelope>;

const kwh = z.number().min(0).nullable().default(null);

/** Headline results of a simulation, converted to kWh, m² and W. */
export const EnergyPlusSimulationMetrics = z
  .object({
    site_eui_kwh_m2: kwh,
    site_electricity_kwh: kwh,
    site_natural_gas_kwh: kwh,
    site_district_cooling_kwh: kwh,
    site_district_heating_kwh: kwh,
    site_other_fuels_kwh: kwh,
    heating_energy_kwh: kwh,
    cooling_energy_kwh: kwh,
    interior_lighting_kwh: kwh,
    fans_energy_kwh: kwh,
    pumps_energy_kwh: kwh,
    water_systems_kwh: kwh,
    window_heat_gain_kwh: kwh,
    window_heat_loss_kwh: kwh,
    window_transmitted_solar_kwh: kwh,
    peak_electric_demand_w: kwh,
    unmet_heating_hours: kwh,
    unmet_cooling_hours: kwh,
    simulated_conditioned_area_m2: kwh,
  })
  .strict();
/** Headline results of a simulation. */
export type EnergyPlusSimulationMetrics = z.infer<typeof EnergyPlusSimulationMetrics>;

/** Paths of the simulation's main output files, where they exist. */
export const EnergyPlusSimulationOutputs = z
  .object({
    eplusout_sql: z.string().nullable().default(null),
    eplusout_err: z.string().nullable().default(null),
    eplusout_csv: z.string().nullable().default(null),
    eplusout_eso: z.string().nullable().default(null),
  })
  .strict();
/** Paths of the simulation's main output files. */
export type EnergyPlusSimulationOutputs = z.infer<typeof EnergyPlusSimulationOutputs>;

/** The last lines of stdout, stderr and `eplusout.err`, for a person reading a failure. */
export const EnergyPlusSimulationLogs = z
  .object({
    stdout_tail: z.string().nullable().default(null),
    stderr_tail: z.string().nullable().default(null),
    err_tail: z.string().nullable().default(null),
  })
  .strict();
/** The last lines of the simulation's logs. */
export type EnergyPlusSimulationLogs = z.infer<typeof EnergyPlusSimulationLogs>;

/** The typed `outputs` of an EnergyPlus run. */
export const EnergyPlusOutputs = z
  .object({
    outputs: EnergyPlusSimulationOutputs.default({}),
    logs: EnergyPlusSimulationLogs.nullable().default(null),
    metrics: EnergyPlusSimulationMetrics.default({}),
    energyplus_returncode: z.number().int(),
    execution_seconds: z.number().min(0),
    invocation_mode: z.enum(["python_api", "cli"]),
    completed_successfully: z.boolean().default(false),
    severe_count: z.number().int().min(0).default(0),
    warning_count: z.number().int().min(0).default(0),
    fatal_count: z.number().int().min(0).default(0),
    review_issue_count: z.number().int().min(0).default(0),
    idf_version: z.string().nullable().default(null),
    energyplus_binary_version: z.string().nullable().default(null),
    energyplus_binary_build: z.string().nullable().default(null),
    idd_version: z.string().nullable().default(null),
    idd_build: z.string().nullable().default(null),
    idd_path: z.string().nullable().default(null),
    version_match: z.boolean().nullable().default(null),
    has_sql_output: z.boolean().default(false),
    has_err_output: z.boolean().default(false),
    has_csv_output: z.boolean().default(false),
    has_eso_output: z.boolean().default(false),
  })
  .strict();
/** The typed `outputs` of an EnergyPlus run. */
export type EnergyPlusOutputs = z.infer<typeof EnergyPlusOutputs>;

/** The output envelope of an EnergyPlus run; `outputs` is required. */
export const EnergyPlusOutputEnvelope = z
  .object({ ...outputEnvelopeShape, outputs: EnergyPlusOutputs })
  .strict();
/** The output envelope of an EnergyPlus run. */
export type EnergyPlusOutputEnvelope = z.infer<typeof EnergyPlusOutputEnvelope>;
