import type {
  Causality,
  Initial,
  ModelDescription,
  StructureUnknown,
  Variability,
} from "./model-description";
import type { XmlElement, XmlReader } from "./xml-reader";

/** FMI 2 causalities. */
export const FMI2_CAUSALITIES: readonly Causality[] = [
  "parameter",
  "calculatedParameter",
  "input",
  "output",
  "local",
  "independent",
];
/** FMI 3 causalities. */
export const FMI3_CAUSALITIES: readonly Causality[] = [...FMI2_CAUSALITIES, "structuralParameter"];
/** Variabilities of both versions. */
export const VARIABILITIES: readonly Variability[] = [
  "constant",
  "fixed",
  "tunable",
  "discrete",
  "continuous",
];
/** Values of `initial`. */
export const INITIALS: readonly Initial[] = ["exact", "approx", "calculated"];

/** Reads the root's common parts: the interfaces and `DefaultExperiment`. */
export function readInterfaces(
  reader: XmlReader,
  root: XmlElement,
): Pick<ModelDescription, "coSimulation" | "modelExchange" | "defaultExperiment"> {
  const cs = reader.child(root, "CoSimulation");
  const me = reader.child(root, "ModelExchange");
  const experiment = reader.child(root, "DefaultExperiment");
  const where = "DefaultExperiment";
  return {
    coSimulation: cs
      ? {
          modelIdentifier: reader.required(cs, "modelIdentifier", "CoSimulation"),
          line: reader.line(cs),
        }
      : null,
    modelExchange: me
      ? { modelIdentifier: reader.required(me, "modelIdentifier", "ModelExchange") }
      : null,
    defaultExperiment: experiment
      ? {
          startTime: reader.real(experiment, "startTime", where),
          stopTime: reader.real(experiment, "stopTime", where),
          tolerance: reader.real(experiment, "tolerance", where),
          stepSize: reader.real(experiment, "stepSize", where),
          line: reader.line(experiment, reader.line(root)),
        }
      : null,
  };
}

/** Reads `<tag>` elements of a ModelStructure part, by `refAttribute` (`index` or `valueReference`). */
export function readUnknowns(
  reader: XmlReader,
  elements: XmlElement[],
  refAttribute: string,
  where: string,
  fallbackLine: number | null,
): StructureUnknown[] {
  return elements.map((element) => {
    const ref = reader.unsigned(element, refAttribute, where);
    if (reader.text(element, refAttribute) === null) {
      reader.required(element, refAttribute, where);
    }
    return {
      ref,
      dependencies: reader.unsignedList(element, "dependencies", where),
      line: reader.line(element, fallbackLine),
    };
  });
}

/** Units of declared types by type name: FMI 2 `SimpleType/Real`, FMI 3 `Float64Type`/`Float32Type`. */
export function readTypeUnits(reader: XmlReader, root: XmlElement): Map<string, string> {
  const units = new Map<string, string>();
  const definitions = reader.child(root, "TypeDefinitions");
  for (const simple of reader.children(definitions, "SimpleType")) {
    const name = reader.text(simple, "name");
    const unit = reader.text(reader.child(simple, "Real"), "unit");
    if (name && unit) units.set(name, unit);
  }
  for (const tag of ["Float64Type", "Float32Type"]) {
    for (const type of reader.children(definitions, tag)) {
      const name = reader.text(type, "name");
      const unit = reader.text(type, "unit");
      if (name && unit) units.set(name, unit);
    }
  }
  return units;
}
