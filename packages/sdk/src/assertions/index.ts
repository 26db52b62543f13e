/**
 * `@validibot/sdk/assertions`: the ruleset engine. Checks and compiles ruleset documents
 * (`compileRulesets`), evaluates a stage's assertions against the signals (`evaluateStage`), and
 * turns the results into findings (`assertionFindings`). CEL comes from `@bufbuild/cel`, regular
 * expressions from `@bufbuild/re2` (linear time). No I/O here: the host service and the
 * runtime's `try --ruleset` call it alike.
 */
export { type CelProgram, compileCel } from "./cel";
export { MAX_AST_DEPTH, MAX_AST_NODES } from "./cel-check";
export { percentileOf } from "./cel-functions";
export {
  assertionsOf,
  type CompiledAssertion,
  type CompiledRulesets,
  checkRuleset,
  compileRulesets,
  rulesetSha256,
} from "./compile";
export { AssertionEvalError, describeProblem, type RulesetProblem, rulesetInvalid } from "./errors";
export {
  blocks,
  countResults,
  DEFAULT_COST_LIMIT,
  type EvaluateOptions,
  evaluateStage,
} from "./evaluate";
export { ASSERTION_ERROR_CODE, ASSERTION_FAILED_CODE, assertionFindings } from "./findings";
export { lookupPath, type PathSegment, parseTargetPath } from "./path";
export {
  type FileSignal,
  type InputSignals,
  type OutputSignals,
  type SeriesLoader,
  STAGE_ROOTS,
} from "./signals";
export { parseTemplate, renderTemplate, type Template } from "./template";
export { isSeriesArtifact, parseSeriesColumns } from "./timeseries";
