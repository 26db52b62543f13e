/** One field of a model object: its value, the name its `!-` note (IDF) or key (epJSON) gives, and where it is. */
export interface ModelField {
  /** The value as written, trimmed; `""` for an empty field. */
  value: string;
  /** The field's name: the IDF `!-` note, or the epJSON key (`vertices/0/vertex_x_coordinate` inside arrays). Null when the IDF has no note. */
  name: string | null;
  /** 1-based line of the value's first character (or of the key, in epJSON). Null when unknown. */
  line: number | null;
  /** 1-based column (in UTF-16 code units) of the same character. Null when unknown. */
  column: number | null;
}

/** One object of a model: `Zone`, `Schedule:Compact`, ... with its fields. */
export interface ModelObject {
  /** The object type as written (`Zone`, `BuildingSurface:Detailed`). */
  type: string;
  /** The name (first field of a named type, or the epJSON key); null for unnamed types (`Version`, `Timestep`, ...). */
  name: string | null;
  /** Every field after the type, in order (IDF), or in key order (epJSON); the name is not repeated here for epJSON. */
  fields: ModelField[];
  /** 1-based line and column of the object type token (IDF) or the object's name key (epJSON). */
  line: number | null;
  column: number | null;
  /** IDF only: offsets (in UTF-16 code units of the decoded text) of the object's first and one-past-last character. */
  span: { start: number; end: number } | null;
}

/** The two model formats EnergyPlus reads. */
export type ModelFormat = "idf" | "epjson";

/** A model as read: its objects, its version, and whether it could be read in full. */
export interface ParsedModel {
  format: ModelFormat;
  objects: ModelObject[];
  /** The `Version` object's identifier (`24.1`, `9.6.0`), or null when absent. */
  version: string | null;
  /** False when reading stopped early or the text is not a usable model (binary, bad JSON, too large). */
  complete: boolean;
  /** epJSON only: the parsed document, for writing the working copy. */
  document: Record<string, unknown> | null;
}

/**
 * Object types without a name field: their first field is data, not a name. EnergyPlus's IDD
 * marks these; the list covers the types a validator meets in practice.
 */
export const UNNAMED_OBJECT_TYPES: ReadonlySet<string> = new Set(
  [
    "Version",
    "SimulationControl",
    "Timestep",
    "GlobalGeometryRules",
    "ShadowCalculation",
    "HeatBalanceAlgorithm",
    "SurfaceConvectionAlgorithm:Inside",
    "SurfaceConvectionAlgorithm:Outside",
    "ZoneAirHeatBalanceAlgorithm",
    "ZoneAirContaminantBalance",
    "ZoneCapacitanceMultiplier:ResearchSpecial",
    "ConvergenceLimits",
    "Site:GroundTemperature:BuildingSurface",
    "Site:GroundTemperature:Shallow",
    "Site:GroundTemperature:Deep",
    "Site:GroundTemperature:FCfactorMethod",
    "Site:GroundReflectance",
    "Site:WaterMainsTemperature",
    "Site:Precipitation",
    "Output:SQLite",
    "Output:Table:SummaryReports",
    "OutputControl:Table:Style",
    "OutputControl:Files",
    "OutputControl:ReportingTolerances",
    "Output:VariableDictionary",
    "Output:Surfaces:List",
    "Output:Surfaces:Drawing",
    "Output:Constructions",
    "Output:Diagnostics",
    "Output:DebuggingData",
    "Output:Variable",
    "Output:Meter",
    "Output:Meter:MeterFileOnly",
    "Output:Meter:Cumulative",
    "Output:Meter:Cumulative:MeterFileOnly",
    "Output:JSON",
    "Output:EnergyManagementSystem",
    "Output:Schedules",
    "Sizing:Parameters",
    "Building:Dimensions",
    "LifeCycleCost:Parameters",
    "Output:PreprocessorMessage",
    "Output:Table:TimeBins",
    "Output:EnvironmentalImpactFactors",
    "EnvironmentalImpactFactors",
    "ZoneAirMassFlowConservation",
    "Site:HeightVariation",
    "Compliance:Building",
    "RunPeriodControl:DaylightSavingTime",
    "PerformancePrecisionTradeoffs",
    "HVACSystemRootFindingAlgorithm",
    "GeometryTransform",
  ].map((t) => t.toLowerCase()),
);

/** Whether objects of `type` carry a name in their first field. */
export function isNamedType(type: string): boolean {
  return !UNNAMED_OBJECT_TYPES.has(type.toLowerCase());
}

/** The objects of one type, compared case-insensitively as EnergyPlus does. */
export function objectsOfType(model: ParsedModel, type: string): ModelObject[] {
  const wanted = type.toLowerCase();
  return model.objects.filter((o) => o.type.toLowerCase() === wanted);
}

/** Whether the model has at least one object of a type whose name starts with `prefix` (case-insensitive). */
export function hasTypePrefix(model: ParsedModel, prefix: string): boolean {
  const p = prefix.toLowerCase();
  return model.objects.some((o) => o.type.toLowerCase().startsWith(p));
}
