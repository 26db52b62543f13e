import type { z } from "zod";

/**
 * Zod issues as one line a person can act on: `path: message` for the first `limit` issues
 * (default 5), `(root)` for an issue of the whole value, and how many more were left out. Used
 * by the host, the runtime and error bodies alike, so a refused document reads the same everywhere.
 */
export function describeZodIssues(error: z.ZodError, limit = 5): string {
  const lines = error.issues
    .slice(0, limit)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`);
  const more = error.issues.length > limit ? `; and ${error.issues.length - limit} more` : "";
  return lines.join("; ") + more;
}
