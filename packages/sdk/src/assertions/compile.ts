import { createHash } from "node:crypto";
import { type Assertion, type AssertionStage, canonicalJson, Ruleset } from "@validibot/contracts";
import { type CelProgram, compileCel } from "./cel";
import { positionIn, type RulesetProblem, rulesetInvalid } from "./errors";
import { compilePattern } from "./operators";
import { type PathSegment, parseTargetPath } from "./path";
import { STAGE_ROOTS } from "./signals";
import { parseTemplate, type Template } from "./template";

/** One assertion made ready to evaluate: its CEL programs, target path, pattern and template. */
export interface CompiledAssertion {
  ruleset_id: string;
  assertion: Assertion;
  when: CelProgram | null;
  cel: CelProgram | null;
  target: { root: string; segments: PathSegment[] } | null;
  pattern: { test(text: string): boolean } | null;
  template: Template | null;
}

/** Rulesets checked and compiled, in the order they apply (a validator's default first). */
export interface CompiledRulesets {
  rulesets: Ruleset[];
  assertions: CompiledAssertion[];
  /** SHA-256 of the canonical JSON of `rulesets` (the array, in order); null when there are none. */
  sha256: string | null;
}

/** SHA-256 hex of the canonical JSON of the rulesets applied, in order; null for none. */
export function rulesetSha256(rulesets: readonly Ruleset[]): string | null {
  if (rulesets.length === 0) return null;
  return createHash("sha256").update(canonicalJson(rulesets), "utf8").digest("hex");
}

/** Parses one ruleset document (JSON value) and lists its problems, each naming assertion and field. */
export function checkRuleset(value: unknown): {
  ruleset: Ruleset | null;
  assertions: CompiledAssertion[];
  problems: RulesetProblem[];
} {
  const parsed = Ruleset.safeParse(value);
  if (!parsed.success) {
    const raw = value as { id?: unknown; assertions?: unknown } | null;
    const rulesetId = typeof raw?.id === "string" ? raw.id : null;
    const problems = parsed.error.issues.map((issue): RulesetProblem => {
      const [head, index, field, ...rest] = issue.path;
      if (head === "assertions" && typeof index === "number") {
        const item = Array.isArray(raw?.assertions)
          ? (raw.assertions[index] as { id?: unknown })
          : undefined;
        return {
          ruleset_id: rulesetId,
          assertion_id: typeof item?.id === "string" ? item.id : `#${index}`,
          field: field === undefined ? "(assertion)" : [field, ...rest].join("."),
          message: issue.message,
        };
      }
      return {
        ruleset_id: rulesetId,
        assertion_id: null,
        field: issue.path.join(".") || "(ruleset)",
        message: issue.message,
      };
    });
    return { ruleset: null, assertions: [], problems };
  }
  const problems: RulesetProblem[] = [];
  const assertions = parsed.data.assertions.map((assertion) =>
    compileAssertion(parsed.data.id, assertion, problems),
  );
  return { ruleset: parsed.data, assertions, problems };
}

function compileAssertion(
  rulesetId: string,
  assertion: Assertion,
  problems: RulesetProblem[],
): CompiledAssertion {
  const roots = STAGE_ROOTS[assertion.stage];
  const problem = (field: string, message: string, source?: string, offset?: number) =>
    problems.push({
      ruleset_id: rulesetId,
      assertion_id: assertion.id,
      field,
      message,
      ...(source !== undefined && offset !== undefined
        ? { position: positionIn(source, offset) }
        : {}),
    });
  const cel = (field: "cel" | "when", source: string | undefined): CelProgram | null => {
    if (source === undefined) return null;
    const compiled = compileCel(source, roots);
    if ("program" in compiled) return compiled.program;
    for (const error of compiled.errors) problem(field, error.message, source, error.offset);
    return null;
  };
  let target: CompiledAssertion["target"] = null;
  if (assertion.target !== undefined) {
    target = parseTargetPath(assertion.target);
    if (!target) problem("target", "not a path");
    else if (!roots.has(target.root)) {
      problem(
        "target",
        `unknown signal ${target.root}: the ${assertion.stage} stage offers ${[...roots].join(", ")}`,
      );
    }
  }
  let pattern: CompiledAssertion["pattern"] = null;
  if (assertion.pattern !== undefined) {
    const compiled = compilePattern(assertion.pattern);
    if ("error" in compiled) problem("pattern", compiled.error);
    else pattern = compiled;
  }
  let template: Template | null = null;
  if (assertion.message !== undefined) {
    const parsed = parseTemplate(assertion.message);
    if ("error" in parsed)
      problem("message", parsed.error.message, assertion.message, parsed.error.offset);
    else template = parsed.template;
  }
  return {
    ruleset_id: rulesetId,
    assertion,
    when: cel("when", assertion.when),
    cel: cel("cel", assertion.cel),
    target,
    pattern,
    template,
  };
}

/**
 * Checks and compiles ruleset documents (JSON values), default first. Throws `ruleset_invalid`
 * (400) listing every problem, each naming the ruleset, assertion id, field and (for CEL and
 * templates) the line and column; `source` prefixes the message (a file name, a validator).
 */
export function compileRulesets(documents: readonly unknown[], source?: string): CompiledRulesets {
  const rulesets: Ruleset[] = [];
  const assertions: CompiledAssertion[] = [];
  const problems: RulesetProblem[] = [];
  for (const document of documents) {
    const checked = checkRuleset(document);
    problems.push(...checked.problems);
    if (checked.ruleset) rulesets.push(checked.ruleset);
    assertions.push(...checked.assertions);
  }
  if (problems.length > 0) throw rulesetInvalid(problems, source);
  return { rulesets, assertions, sha256: rulesetSha256(rulesets) };
}

/** The assertions of one stage. */
export function assertionsOf(
  compiled: CompiledRulesets,
  stage: AssertionStage,
): CompiledAssertion[] {
  return compiled.assertions.filter((a) => a.assertion.stage === stage);
}
