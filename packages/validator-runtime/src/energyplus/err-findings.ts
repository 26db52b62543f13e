import type { FindingInput } from "../types";
import { epCode } from "./codes";
import { locationHint, resolveHint } from "./err-location";
import type { ErrMessage, ErrReport } from "./err-parser";
import type { ParsedModel } from "./model";

/** `file_role` of findings that point into `eplusout.err` rather than the model. */
export const ERR_FILE_ROLE = "eplusout.err";

/**
 * One `eplusout.err` message as a finding: Severe and Fatal are `ERROR`, Warning is `WARNING`;
 * the location is the model object the message names (with its line) when it can be found,
 * else the line in `eplusout.err`.
 */
export function errMessageFinding(message: ErrMessage, model: ParsedModel | null): FindingInput {
  const hint = locationHint(message.text);
  const location = (hint && resolveHint(model, hint)) ?? {
    file_role: ERR_FILE_ROLE,
    line: message.errLine,
    column: null,
    path: null,
  };
  const times = message.occurrences > 1 ? ` (occurred ${message.occurrences} times)` : "";
  return {
    severity: message.level === "warning" ? "WARNING" : "ERROR",
    code: epCode(message.level),
    text: `${message.text}${times}`,
    location,
    tags: [
      "energyplus",
      `err-line:${message.errLine}`,
      ...(message.recurring ? ["recurring"] : []),
    ],
  };
}

/** Every finding of an `eplusout.err` report, plus a note when messages were left out. */
export function errFindings(report: ErrReport, model: ParsedModel | null): FindingInput[] {
  const findings = report.messages.map((m) => errMessageFinding(m, model));
  if (report.dropped > 0) {
    findings.push({
      severity: "INFO",
      code: epCode("messages_truncated"),
      text: `eplusout.err holds ${report.dropped} more messages than are listed here (the counts include them); see the eplusout.err artifact.`,
      location: { file_role: ERR_FILE_ROLE, line: null, column: null, path: null },
      tags: ["energyplus"],
    });
  }
  return findings;
}
