import type { FmiVersion } from "./platform";
import type { ApiType, SimulationFailureCode } from "./simulation-protocol";
import type { ValueArray } from "./value-arrays";

/** koffi's module type (loaded only inside the simulation worker). */
export type Koffi = typeof import("koffi");

/** A failure of one FMI call, with the code the parent reports it under. */
export class SimulationFailure extends Error {
  constructor(
    readonly code: SimulationFailureCode,
    message: string,
    /** The communication point, when it happened while stepping. */
    readonly time: number | null = null,
  ) {
    super(message);
    this.name = "SimulationFailure";
  }
}

/** What one `DoStep` said. */
export interface StepResult {
  status: number;
  /** FMI 3 `terminateSimulation`. */
  terminate: boolean;
  /** FMI 3 `lastSuccessfulTime`, when given. */
  lastTime: number | null;
}

/**
 * One FMU instance behind the calls the co-simulation loop needs, the same for FMI 2 and 3.
 * Methods that can fail throw `SimulationFailure`; `set`, `get` and `doStep` return the raw
 * status so the loop stays cheap.
 */
export interface FmiSession {
  readonly version: FmiVersion;
  instantiate(): void;
  /** FMI 2: `fmi2SetupExperiment` + `fmi2EnterInitializationMode`; FMI 3: `fmi3EnterInitializationMode`. */
  enterInitialization(): void;
  exitInitialization(): void;
  set(api: ApiType, refs: Uint32Array, values: ValueArray): number;
  get(api: ApiType, refs: Uint32Array, values: ValueArray): number;
  doStep(time: number, step: number): StepResult;
  terminate(): void;
  /** Frees the instance (skipped after a fatal status). */
  free(): void;
  /** Whether a status is OK or Warning. */
  ok(status: number): boolean;
  statusName(status: number): string;
  /** Releases registered callbacks and memory; call last. */
  close(): void;
}

/** The status names shared by FMI 2 (which adds Pending) and FMI 3. */
export const STATUS_NAMES = ["OK", "Warning", "Discard", "Error", "Fatal", "Pending"];

/** Loads a shared library, turning a failure into `fmu.load_failed`. */
export function loadLibrary(koffi: Koffi, path: string): ReturnType<Koffi["load"]> {
  try {
    return koffi.load(path);
  } catch (error) {
    throw new SimulationFailure(
      "fmu.load_failed",
      `The binary could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Binds one exported function, turning a missing symbol into `fmu.load_failed`. */
export function bind(
  library: ReturnType<Koffi["load"]>,
  name: string,
  result: string,
  parameters: unknown[],
): (...args: unknown[]) => unknown {
  try {
    return library.func(name, result, parameters as string[]);
  } catch (error) {
    throw new SimulationFailure(
      "fmu.load_failed",
      `The binary does not export ${name}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
