import type { FmiVersion } from "./platform";

/**
 * The suffix of the FMI get/set function a variable is read and written with: `Real`,
 * `Integer`, `Boolean`, `String` in FMI 2 (enumerations use `Integer`); `Float64`, ...,
 * `UInt64`, `Boolean`, `String` in FMI 3 (enumerations use `Int64`).
 */
export type ApiType =
  | "Real"
  | "Integer"
  | "Boolean"
  | "String"
  | "Float64"
  | "Float32"
  | "Int8"
  | "UInt8"
  | "Int16"
  | "UInt16"
  | "Int32"
  | "UInt32"
  | "Int64"
  | "UInt64";

/** A value read from or written to an FMU. */
export type FmiValue = number | boolean | string;

/** A variable as the worker addresses it. */
export interface SimVariable {
  name: string;
  valueReference: number;
  api: ApiType;
}

/** A start value from `input_values`, and when it is set. */
export interface StartValue extends SimVariable {
  value: FmiValue;
  /**
   * `instantiated`: before initialization (variables with `initial="approx"`, structural
   * parameters); `initialization`: inside initialization mode (inputs, `exact` variables).
   */
  phase: "instantiated" | "initialization";
}

/** What the parent asks the simulation worker to do: one co-simulation from start to stop. */
export interface SimulationRequest {
  fmiVersion: FmiVersion;
  /** Absolute path of the FMU's shared library. */
  libraryPath: string;
  instanceName: string;
  /** FMI 2 GUID or FMI 3 instantiation token. */
  token: string;
  /** FMI 2: a `file:` URI of the resources folder; FMI 3: its path with a trailing separator, or null. */
  resourceLocation: string | null;
  startTime: number;
  stopTime: number;
  stepSize: number;
  tolerance: number | null;
  startValues: StartValue[];
  /** The variables recorded at every communication point, in CSV column order. */
  outputs: SimVariable[];
  /** Where the time-series CSV goes. */
  csvPath: string;
  /** Where the FMU's log goes (written synchronously, so it survives a crash). */
  logPath: string;
  /** Most bytes of log kept; the rest is dropped with a note. */
  logLimitBytes: number;
}

/** Codes of the ways a co-simulation can fail inside the worker. */
export type SimulationFailureCode =
  | "fmu.load_failed"
  | "fmu.instantiate_failed"
  | "fmu.initialization_failed"
  | "fmu.set_failed"
  | "fmu.get_failed"
  | "fmu.dostep_error"
  | "fmu.crashed";

/** How a co-simulation ended, as the worker reports it. */
export type SimulationOutcome =
  | {
      kind: "completed";
      /** Communication steps taken. */
      steps: number;
      timeReached: number;
      /** The recorded variables' values at the last communication point. */
      finalValues: Record<string, FmiValue>;
      /** True when the FMU asked to stop before the stop time (FMI 3 `terminateSimulation`). */
      terminatedEarly: boolean;
      /** Seconds spent in the stepping loop alone (for benchmarks). */
      loopSeconds: number;
    }
  | {
      kind: "failed";
      code: SimulationFailureCode;
      message: string;
      steps: number;
      timeReached: number;
      /** The communication point at which it failed, when stepping. */
      time: number | null;
    };

/** The one message the worker sends back. */
export interface WorkerReply {
  type: "outcome";
  outcome: SimulationOutcome;
}
