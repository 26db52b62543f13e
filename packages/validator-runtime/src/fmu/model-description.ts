import type { FmiVersion } from "./platform";

/** A variable's causality (FMI 3 adds `structuralParameter`). */
export type Causality =
  | "parameter"
  | "calculatedParameter"
  | "input"
  | "output"
  | "local"
  | "independent"
  | "structuralParameter";

/** A variable's variability. */
export type Variability = "constant" | "fixed" | "tunable" | "discrete" | "continuous";

/** A variable's `initial`. */
export type Initial = "exact" | "approx" | "calculated";

/** FMI 2 type elements of a ScalarVariable. */
export const FMI2_TYPES = ["Real", "Integer", "Boolean", "String", "Enumeration"] as const;
/** FMI 3 variable elements. */
export const FMI3_TYPES = [
  "Float64",
  "Float32",
  "Int8",
  "UInt8",
  "Int16",
  "UInt16",
  "Int32",
  "UInt32",
  "Int64",
  "UInt64",
  "Boolean",
  "String",
  "Binary",
  "Clock",
  "Enumeration",
] as const;

/** A variable's type: the FMI 2 type element or the FMI 3 variable element. */
export type VariableType = (typeof FMI2_TYPES)[number] | (typeof FMI3_TYPES)[number];

/** One model variable, as the checks and the co-simulation need it. */
export interface ModelVariable {
  name: string;
  /** Null when the attribute is missing or not an unsigned integer (already reported). */
  valueReference: number | null;
  type: VariableType;
  causality: Causality;
  variability: Variability;
  /** Whether `variability` was written (or is the default). */
  variabilityDeclared: boolean;
  /** The declared `initial`, or null when absent. */
  initial: Initial | null;
  /** The raw start value (the first of several for FMI 3 arrays), or null. */
  start: string | null;
  /** The unit, from the variable or its declared type. */
  unit: string | null;
  /** FMI 3: how many `<Dimension>` children (0 for scalars). */
  dimensions: number;
  /** 1-based position among the model variables (FMI 2 `ModelStructure` indices use it). */
  index: number;
  /** Line of the variable's element in `modelDescription.xml`. */
  line: number | null;
}

/** One `<Unknown>` (FMI 2) or `<Output>`-like element (FMI 3) of `ModelStructure`. */
export interface StructureUnknown {
  /** FMI 2: the 1-based variable index; FMI 3: the value reference. Null when unreadable. */
  ref: number | null;
  /** The listed dependencies (indices or value references), or null when not given. */
  dependencies: number[] | null;
  line: number | null;
}

/** The parts of `modelDescription.xml` the validator reads. */
export interface ModelDescription {
  fmiVersion: FmiVersion;
  modelName: string | null;
  /** FMI 2 `guid`, FMI 3 `instantiationToken`. */
  token: string | null;
  coSimulation: { modelIdentifier: string | null; line: number | null } | null;
  modelExchange: { modelIdentifier: string | null } | null;
  defaultExperiment: {
    startTime: number | null;
    stopTime: number | null;
    tolerance: number | null;
    stepSize: number | null;
    line: number | null;
  } | null;
  variables: ModelVariable[];
  structure: {
    outputs: StructureUnknown[];
    derivatives: StructureUnknown[];
    initialUnknowns: StructureUnknown[];
  };
  /** Line of the root element. */
  line: number | null;
}
