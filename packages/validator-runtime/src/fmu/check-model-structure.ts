import type { ModelDescription, ModelVariable, StructureUnknown } from "./model-description";
import type { FmuReporter } from "./report";

/**
 * Checks `ModelStructure` against the variables: every listed output (FMI 2 `Outputs/Unknown`
 * by 1-based index, FMI 3 `Output` by value reference) resolves to a variable with causality
 * output, every output variable is listed, and the dependencies, derivatives and initial
 * unknowns resolve.
 */
export function checkModelStructure(description: ModelDescription, reporter: FmuReporter): void {
  const fmi2 = description.fmiVersion === "2.0";
  const byRef = new Map<number, ModelVariable>();
  for (const variable of description.variables) {
    const ref = fmi2 ? variable.index : variable.valueReference;
    if (ref !== null && !byRef.has(ref)) byRef.set(ref, variable);
  }
  const refName = fmi2 ? "index" : "value reference";
  const resolve = (ref: number, where: string, line: number | null) => {
    const variable = byRef.get(ref);
    if (!variable) {
      reporter.error(
        "fmu.model_structure_unresolved",
        `ModelStructure ${where} names ${refName} ${ref}, which is no variable${fmi2 ? ` (there are ${description.variables.length})` : ""}.`,
        { line },
      );
    }
    return variable;
  };
  const resolveAll = (unknowns: StructureUnknown[], where: string) => {
    for (const unknown of unknowns) {
      if (unknown.ref !== null) resolve(unknown.ref, where, unknown.line);
      for (const dependency of unknown.dependencies ?? []) {
        resolve(dependency, `${where} dependency`, unknown.line);
      }
    }
  };

  const listed = new Set<ModelVariable>();
  for (const unknown of description.structure.outputs) {
    if (unknown.ref === null) continue;
    const variable = resolve(unknown.ref, "output", unknown.line);
    if (!variable) continue;
    listed.add(variable);
    if (variable.causality !== "output") {
      reporter.error(
        "fmu.model_structure_not_output",
        `ModelStructure lists "${variable.name}" as an output, but its causality is "${variable.causality}".`,
        { line: unknown.line, path: variable.name },
      );
    }
    for (const dependency of unknown.dependencies ?? []) {
      resolve(dependency, "output dependency", unknown.line);
    }
  }
  for (const variable of description.variables) {
    if (variable.causality === "output" && !listed.has(variable)) {
      reporter.error(
        "fmu.model_structure_output_missing",
        `Output "${variable.name}" is not listed in ModelStructure's outputs.`,
        { line: variable.line, path: variable.name },
      );
    }
  }
  resolveAll(description.structure.derivatives, "derivative");
  resolveAll(description.structure.initialUnknowns, "initial unknown");
}
