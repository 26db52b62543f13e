import type { ZodIssue } from "zod";

/**
 * What is wrong with the server's settings (environment or config file): one line per problem,
 * each naming the variable or field. `main.ts` prints the message and exits 1, without a stack.
 */
export class SettingsError extends Error {
  /** Every problem found, one sentence each. */
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid server settings:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "SettingsError";
    this.problems = problems;
  }
}

/** A zod issue path as people write it: `validators[0].launch.local.command`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) {
    out += typeof part === "number" ? `[${part}]` : out === "" ? part : `.${part}`;
  }
  return out;
}

/** One line per zod issue, prefixed with where it is (`prefix` + its path). */
export function describeIssues(
  issues: readonly ZodIssue[],
  prefix: (path: string) => string,
): string[] {
  return issues.map((issue) => `${prefix(formatPath(issue.path))}: ${issue.message}`);
}
