import { initialRule, isLegalPair, mayBeContinuous, startRule } from "./fmi-rules";
import type { ModelDescription, ModelVariable, VariableType } from "./model-description";
import type { FmuReporter } from "./report";

/**
 * Checks the variables one by one and against each other: unique names; unique value
 * references (FMI 3: globally; FMI 2: per base type, where a shared reference makes an
 * alias set holding at most one start value and at most one input or parameter); legal
 * causality/variability pairs; continuous only for floating-point types; legal `initial`;
 * start values where required and absent where forbidden; the number of independent
 * variables (FMI 3: exactly one; FMI 2: at most one).
 */
export function checkVariables(description: ModelDescription, reporter: FmuReporter): void {
  const { variables } = description;
  const names = new Map<string, ModelVariable>();
  for (const variable of variables) {
    const first = names.get(variable.name);
    if (first) {
      reporter.error(
        "fmu.duplicate_variable_name",
        `Variable name "${variable.name}" is used twice (first on line ${first.line ?? "?"}).`,
        at(variable),
      );
    } else {
      names.set(variable.name, variable);
    }
  }

  checkValueReferences(description, reporter);

  for (const variable of variables) {
    const { causality, variability } = variable;
    if (!isLegalPair(causality, variability)) {
      reporter.error(
        "fmu.illegal_causality_variability",
        `Variable "${variable.name}": causality "${causality}" with variability "${variability}" is not allowed.`,
        at(variable),
      );
    }
    if (variability === "continuous" && !mayBeContinuous(variable.type)) {
      reporter.error(
        "fmu.illegal_variability_type",
        `Variable "${variable.name}" is ${variable.type} and so cannot be continuous.`,
        at(variable),
      );
    }
    const rule = initialRule(causality, variability);
    if (variable.initial !== null && !rule.allowed.includes(variable.initial)) {
      reporter.error(
        "fmu.illegal_initial",
        `Variable "${variable.name}": initial "${variable.initial}" is not allowed for causality "${causality}" and variability "${variability}" (allowed: ${rule.allowed.join(", ") || "none"}).`,
        at(variable),
      );
    }
    if (variable.type === "Clock") continue;
    const start = startRule(causality, variable.initial ?? rule.fallback);
    if (start === "required" && variable.start === null) {
      reporter.error(
        "fmu.start_missing",
        `Variable "${variable.name}" (${causality}, initial ${variable.initial ?? rule.fallback ?? "none"}) needs a start value.`,
        at(variable),
      );
    }
    if (start === "forbidden" && variable.start !== null) {
      reporter.error(
        "fmu.start_forbidden",
        `Variable "${variable.name}" (${causality === "independent" ? "independent" : "initial calculated"}) must not have a start value.`,
        at(variable),
      );
    }
  }

  const independents = variables.filter((variable) => variable.causality === "independent");
  const tooMany = independents.length > 1;
  if (tooMany || (description.fmiVersion === "3.0" && independents.length === 0)) {
    reporter.error(
      "fmu.independent_variable_count",
      `FMI ${description.fmiVersion} ${description.fmiVersion === "3.0" ? "needs exactly one" : "allows at most one"} independent variable; found ${independents.length}${tooMany ? `: ${independents.map((v) => v.name).join(", ")}` : ""}.`,
      tooMany ? at(independents[1] as ModelVariable) : { line: description.line },
    );
  }
}

function checkValueReferences(description: ModelDescription, reporter: FmuReporter): void {
  const groups = new Map<string, ModelVariable[]>();
  for (const variable of description.variables) {
    if (variable.valueReference === null) continue;
    const key =
      description.fmiVersion === "3.0"
        ? String(variable.valueReference)
        : `${baseType(variable.type)}:${variable.valueReference}`;
    const group = groups.get(key);
    if (group) group.push(variable);
    else groups.set(key, [variable]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const [first, ...others] = group as [ModelVariable, ...ModelVariable[]];
    const names = group.map((variable) => `"${variable.name}"`).join(", ");
    if (description.fmiVersion === "3.0") {
      reporter.error(
        "fmu.duplicate_value_reference",
        `Value reference ${first.valueReference} is used by ${names}; FMI 3 value references must be unique.`,
        at(others[0] as ModelVariable),
      );
      continue;
    }
    const withStart = group.filter((v) => v.start !== null && v.variability !== "constant");
    const settable = group.filter((v) => v.causality === "input" || v.causality === "parameter");
    if (withStart.length > 1 || settable.length > 1) {
      reporter.error(
        "fmu.duplicate_value_reference",
        `${baseType(first.type)} value reference ${first.valueReference} is shared by ${names}; aliases may hold at most one start value and at most one input or parameter.`,
        at(others[0] as ModelVariable),
      );
    }
  }
}

function baseType(type: VariableType): string {
  return type === "Enumeration" ? "Integer" : type;
}

function at(variable: ModelVariable): { path: string; line: number | null } {
  return { path: variable.name, line: variable.line };
}
