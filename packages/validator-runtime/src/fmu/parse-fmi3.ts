import { FMI3_TYPES, type ModelDescription, type ModelVariable } from "./model-description";
import {
  FMI3_CAUSALITIES,
  INITIALS,
  readInterfaces,
  readTypeUnits,
  readUnknowns,
  VARIABILITIES,
} from "./parse-common";
import type { XmlElement, XmlReader } from "./xml-reader";

/** Reads an FMI 3.0 model description (one element per variable, named by its type). */
export function readFmi3(reader: XmlReader, root: XmlElement): ModelDescription {
  const rootLine = reader.line(root);
  const typeUnits = readTypeUnits(reader, root);
  const list = reader.child(root, "ModelVariables");
  const elements = FMI3_TYPES.flatMap((type) =>
    reader.children(list, type).map((element) => ({ type, element })),
  ).sort((a, b) => reader.offset(a.element) - reader.offset(b.element));

  const variables: ModelVariable[] = elements.map(({ type, element }, position) => {
    const index = position + 1;
    const line = reader.line(element, rootLine);
    const name = reader.required(element, "name", `${type} variable #${index}`) ?? `#${index}`;
    const where = `Variable "${name}"`;
    if (reader.text(element, "valueReference") === null) {
      reader.required(element, "valueReference", where, name);
    }
    const declaredVariability = reader.oneOf(element, "variability", VARIABILITIES, where, name);
    const declaredType = reader.text(element, "declaredType");
    const startElement = reader.child(element, "Start");
    const float = type === "Float64" || type === "Float32";
    return {
      name,
      valueReference: reader.unsigned(element, "valueReference", where, name),
      type,
      causality: reader.oneOf(element, "causality", FMI3_CAUSALITIES, where, name) ?? "local",
      variability: declaredVariability ?? (float ? "continuous" : "discrete"),
      variabilityDeclared: declaredVariability !== null,
      initial: reader.oneOf(element, "initial", INITIALS, where, name),
      start: reader.text(element, "start") ?? reader.text(startElement, "value"),
      unit:
        reader.text(element, "unit") ??
        (declaredType ? (typeUnits.get(declaredType) ?? null) : null),
      dimensions: reader.children(element, "Dimension").length,
      index,
      line,
    };
  });

  const structure = reader.child(root, "ModelStructure");
  const structureLine = reader.line(structure, rootLine);
  const unknowns = (tag: string) =>
    readUnknowns(
      reader,
      reader.children(structure, tag),
      "valueReference",
      `ModelStructure/${tag}`,
      structureLine,
    );
  return {
    fmiVersion: "3.0",
    modelName: reader.required(root, "modelName", "fmiModelDescription"),
    token: reader.required(root, "instantiationToken", "fmiModelDescription"),
    ...readInterfaces(reader, root),
    variables,
    structure: {
      outputs: unknowns("Output"),
      derivatives: unknowns("ContinuousStateDerivative"),
      initialUnknowns: unknowns("InitialUnknown"),
    },
    line: rootLine,
  };
}
