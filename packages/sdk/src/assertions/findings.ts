import type { AssertionResult, ValidationMessage } from "@validibot/contracts";

/** Finding code of an assertion whose check was false. */
export const ASSERTION_FAILED_CODE = "assertion.failed";
/** Finding code of an assertion that could not be evaluated. */
export const ASSERTION_ERROR_CODE = "assertion.error";

/**
 * The findings of failed and errored assertions: the assertion's severity, `assertion.failed`
 * or `assertion.error`, the rendered message, `location.path` = target or CEL, and the tags
 * `assertion:<id>` and `ruleset:<id>`. Passed and skipped assertions give none.
 */
export function assertionFindings(results: readonly AssertionResult[]): ValidationMessage[] {
  return results
    .filter((r) => r.outcome === "failed" || r.outcome === "errored")
    .map((r) => ({
      severity: r.severity,
      code: r.outcome === "failed" ? ASSERTION_FAILED_CODE : ASSERTION_ERROR_CODE,
      text: r.message ?? `assertion ${r.assertion_id} ${r.outcome}`,
      location: { file_role: null, line: null, column: null, path: r.path },
      tags: [`assertion:${r.assertion_id}`, `ruleset:${r.ruleset_id}`],
    }));
}
