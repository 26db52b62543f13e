import { createHash } from "node:crypto";
import type { ValidationMessage, ValidationMetric, ValidationStatus } from "@validibot/contracts";
import type { LaunchRequest } from "./types";

/** A deterministic pseudo-random source (xorshift32) seeded from text. */
export class SeededRandom {
  #state: number;

  constructor(seed: string) {
    this.#state = createHash("sha256").update(seed).digest().readUInt32LE(0) || 0x9e3779b9;
  }

  /** A float in [0, 1). */
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state / 0x1_0000_0000;
  }

  /** A float in [min, max), rounded to `digits`. */
  between(min: number, max: number, digits = 1): number {
    const factor = 10 ** digits;
    return Math.round((min + (max - min) * this.next()) * factor) / factor;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return Math.floor(min + (max - min + 1) * this.next());
  }
}

/** A result a mock execution reports: the parts of the output envelope that vary. */
export interface MockResult {
  status: ValidationStatus;
  messages: ValidationMessage[];
  metrics: ValidationMetric[];
  outputs: Record<string, unknown> | null;
}

const message = (
  severity: ValidationMessage["severity"],
  code: string,
  text: string,
  location: Partial<NonNullable<ValidationMessage["location"]>> | null = null,
): ValidationMessage => ({
  severity,
  code,
  text,
  location: location
    ? { file_role: null, line: null, column: null, path: null, ...location }
    : null,
  tags: ["mock"],
});

const metric = (name: string, value: number, unit: string, category: string): ValidationMetric => ({
  name,
  value,
  unit,
  category,
  tags: [],
});

function energyPlusResult(random: SeededRandom, fails: boolean): MockResult {
  const area = random.between(450, 5200);
  const electricity = random.between(40_000, 400_000, 0);
  const gas = random.between(10_000, 250_000, 0);
  const unmetHeating = fails ? random.between(300, 900) : random.between(0, 180);
  const unmetCooling = random.between(0, 250);
  const warnings = random.int(1, 6);
  const messages: ValidationMessage[] = [
    message(
      "WARNING",
      "energyplus.warning",
      `CheckUsedConstructions: There are ${warnings} nominally unused constructions in input.`,
      { file_role: "primary-model" },
    ),
  ];
  if (fails) {
    const zone = `ZN${random.int(1, 5)}_WALL_${random.int(1, 4)}`;
    messages.push(
      message(
        "ERROR",
        "energyplus.severe",
        `GetSurfaceData: Surface="${zone}", has zero or negative area.`,
        {
          file_role: "primary-model",
          path: `BuildingSurface:Detailed/${zone}`,
          line: random.int(120, 2400),
        },
      ),
    );
  }
  const severe = fails ? 1 : 0;
  messages.push(
    message(
      "INFO",
      "energyplus.summary",
      `EnergyPlus ${fails ? "Terminated--Error(s) Detected" : "Completed Successfully"}-- ${warnings} Warning; ${severe} Severe Errors`,
    ),
  );
  const eui = Math.round(((electricity + gas) / area) * 10) / 10;
  const peak = random.between(20_000, 180_000, 0);
  return {
    status: fails ? "failed_validation" : "success",
    messages,
    metrics: [
      metric("site_eui_kwh_m2", eui, "kWh/m2", "energy"),
      metric("site_electricity_kwh", electricity, "kWh", "energy"),
      metric("site_natural_gas_kwh", gas, "kWh", "energy"),
      metric("unmet_heating_hours", unmetHeating, "h", "comfort"),
      metric("unmet_cooling_hours", unmetCooling, "h", "comfort"),
      metric("peak_electric_demand_w", peak, "W", "demand"),
      metric("simulated_conditioned_area_m2", area, "m2", "geometry"),
    ],
    outputs: {
      energyplus_returncode: fails ? 1 : 0,
      execution_seconds: random.between(3, 90, 2),
      invocation_mode: "cli",
      completed_successfully: !fails,
      warning_count: warnings,
      severe_count: severe,
      fatal_count: 0,
      metrics: {
        site_eui_kwh_m2: eui,
        site_electricity_kwh: electricity,
        site_natural_gas_kwh: gas,
        unmet_heating_hours: unmetHeating,
        unmet_cooling_hours: unmetCooling,
        peak_electric_demand_w: peak,
        simulated_conditioned_area_m2: area,
      },
    },
  };
}

function fmuResult(random: SeededRandom, fails: boolean): MockResult {
  const stop = 10;
  const tau = random.between(0.5, 4, 2);
  const x = Math.round((1 - Math.exp(-stop / tau)) * 1e6) / 1e6;
  const messages: ValidationMessage[] = [
    message("INFO", "fmu.simulated", `Co-simulated from 0 to ${stop} s in ${stop / 0.01} steps.`),
  ];
  if (fails) {
    messages.push(
      message(
        "ERROR",
        "fmu.model_structure",
        "ModelStructure lists output index 3, which is not an output variable.",
        {
          file_role: "fmu",
          path: "ModelStructure/Outputs",
          line: random.int(20, 80),
        },
      ),
    );
  }
  return {
    status: fails ? "failed_validation" : "success",
    messages,
    metrics: [
      metric("x", x, "1", "output"),
      metric("steps", stop / 0.01, "1", "simulation"),
      metric("simulation_time_reached", stop, "s", "simulation"),
    ],
    outputs: {
      output_values: { x },
      fmi_version: "2.0",
      model_name: "FirstOrder",
      fmu_guid: "{mock-0000}",
      execution_seconds: random.between(0.05, 2, 3),
      simulation_time_reached: stop,
      fmu_log: null,
    },
  };
}

function genericResult(random: SeededRandom, fails: boolean): MockResult {
  return {
    status: fails ? "failed_validation" : "success",
    messages: fails
      ? [
          message("ERROR", "mock.invalid", "The submission breaks rule R-12 (mock finding).", {
            line: random.int(1, 200),
          }),
        ]
      : [message("INFO", "mock.ok", "All checks passed (mock).")],
    metrics: [metric("checks_run", random.int(5, 40), "1", "checks")],
    outputs: null,
  };
}

/**
 * A plausible result for a run, deterministic from `seed` and the input envelope's hash:
 * EnergyPlus-like findings and metrics for ENERGYPLUS, FMU-like for FMU, generic otherwise;
 * about one run in three fails validation.
 */
export function mockResult(
  request: LaunchRequest,
  seed: string,
  inputSha256: string,
  failRate: number,
): MockResult {
  const random = new SeededRandom(`${seed}:${inputSha256}`);
  const fails = random.next() < failRate;
  switch (request.validator.type) {
    case "ENERGYPLUS":
      return energyPlusResult(random, fails);
    case "FMU":
      return fmuResult(random, fails);
    default:
      return genericResult(random, fails);
  }
}
