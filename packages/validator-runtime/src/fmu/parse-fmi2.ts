import { FMI2_TYPES, type ModelDescription, type ModelVariable } from "./model-description";
import {
  FMI2_CAUSALITIES,
  INITIALS,
  readInterfaces,
  readTypeUnits,
  readUnknowns,
  VARIABILITIES,
} from "./parse-common";
import type { XmlElement, XmlReader } from "./xml-reader";

/** Reads an FMI 2.0 model description (ScalarVariables with a type child each). */
export function readFmi2(reader: XmlReader, root: XmlElement): ModelDescription {
  const rootLine = reader.line(root);
  const typeUnits = readTypeUnits(reader, root);
  const variables: ModelVariable[] = [];
  const list = reader.child(root, "ModelVariables");
  reader.children(list, "ScalarVariable").forEach((element, position) => {
    const line = reader.line(element, rootLine);
    const index = position + 1;
    const name = reader.required(element, "name", `ScalarVariable #${index}`) ?? `#${index}`;
    const where = `Variable "${name}"`;
    if (reader.text(element, "valueReference") === null) {
      reader.required(element, "valueReference", where, name);
    }
    const typeTag = FMI2_TYPES.find((tag) => element[tag] !== undefined);
    if (!typeTag) {
      reader.reporter.error(
        "fmu.variable_type_missing",
        `${where} has no type element (Real, Integer, Boolean, String or Enumeration).`,
        { line, path: name },
      );
    }
    const type = typeTag ?? "Real";
    const typeElement = typeTag ? reader.child(element, typeTag) : undefined;
    const declaredVariability = reader.oneOf(element, "variability", VARIABILITIES, where, name);
    const declaredType = reader.text(typeElement, "declaredType");
    variables.push({
      name,
      valueReference: reader.unsigned(element, "valueReference", where, name),
      type,
      causality: reader.oneOf(element, "causality", FMI2_CAUSALITIES, where, name) ?? "local",
      variability: declaredVariability ?? (type === "Real" ? "continuous" : "discrete"),
      variabilityDeclared: declaredVariability !== null,
      initial: reader.oneOf(element, "initial", INITIALS, where, name),
      start: reader.text(typeElement, "start"),
      unit:
        reader.text(typeElement, "unit") ??
        (declaredType ? (typeUnits.get(declaredType) ?? null) : null),
      dimensions: 0,
      index,
      line,
    });
  });

  const structure = reader.child(root, "ModelStructure");
  const structureLine = reader.line(structure, rootLine);
  const unknowns = (part: string) =>
    readUnknowns(
      reader,
      reader.children(reader.child(structure, part), "Unknown"),
      "index",
      `ModelStructure/${part}/Unknown`,
      structureLine,
    );
  return {
    fmiVersion: "2.0",
    modelName: reader.required(root, "modelName", "fmiModelDescription"),
    token: reader.required(root, "guid", "fmiModelDescription"),
    ...readInterfaces(reader, root),
    variables,
    structure: {
      outputs: unknowns("Outputs"),
      derivatives: unknowns("Derivatives"),
      initialUnknowns: unknowns("InitialUnknowns"),
    },
    line: rootLine,
  };
}
