import type { Causality, Initial, Variability, VariableType } from "./model-description";

const LEGAL_CAUSALITIES: Record<Variability, readonly Causality[]> = {
  constant: ["output", "local"],
  fixed: ["parameter", "calculatedParameter", "local", "structuralParameter"],
  tunable: ["parameter", "calculatedParameter", "local", "structuralParameter"],
  discrete: ["input", "output", "local"],
  continuous: ["input", "output", "local", "independent"],
};

/**
 * Whether the standard allows this causality with this variability (the FMI 2.0 and 3.0
 * tables agree; `structuralParameter` exists only in 3.0): parameters are fixed or tunable,
 * inputs discrete or continuous, the independent variable continuous, constants only outputs
 * or locals.
 */
export function isLegalPair(causality: Causality, variability: Variability): boolean {
  return LEGAL_CAUSALITIES[variability].includes(causality);
}

/** Whether a type may be continuous: only Real (FMI 2) and Float32/Float64 (FMI 3). */
export function mayBeContinuous(type: VariableType): boolean {
  return type === "Real" || type === "Float64" || type === "Float32";
}

/** Which `initial` values a causality and variability allow, and which one applies when absent. */
export interface InitialRule {
  allowed: readonly Initial[];
  /** The value in force when `initial` is absent; null when there is none (inputs, independent). */
  fallback: Initial | null;
}

/**
 * The standard's table of `initial`: parameters are `exact`; calculated parameters and
 * fixed/tunable locals `calculated` or `approx`; outputs and discrete/continuous locals any,
 * default `calculated`; constants `exact`; inputs carry a start value and at most `exact`;
 * the independent variable none.
 */
export function initialRule(causality: Causality, variability: Variability): InitialRule {
  switch (causality) {
    case "independent":
      return { allowed: [], fallback: null };
    case "input":
      return { allowed: ["exact"], fallback: null };
    case "parameter":
    case "structuralParameter":
      return { allowed: ["exact"], fallback: "exact" };
    case "calculatedParameter":
      return { allowed: ["calculated", "approx"], fallback: "calculated" };
    case "output":
    case "local":
      if (variability === "constant") return { allowed: ["exact"], fallback: "exact" };
      if (causality === "local" && (variability === "fixed" || variability === "tunable")) {
        return { allowed: ["calculated", "approx"], fallback: "calculated" };
      }
      return { allowed: ["calculated", "exact", "approx"], fallback: "calculated" };
  }
}

/**
 * Whether a start value is required (`exact`/`approx`, or an input) or forbidden
 * (`calculated`, or the independent variable); null when either is fine.
 */
export function startRule(
  causality: Causality,
  initial: Initial | null,
): "required" | "forbidden" | null {
  if (causality === "independent") return "forbidden";
  if (causality === "input") return "required";
  if (initial === "exact" || initial === "approx") return "required";
  if (initial === "calculated") return "forbidden";
  return null;
}
