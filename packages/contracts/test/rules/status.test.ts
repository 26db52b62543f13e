import { describe, expect, it } from "vitest";
import {
  Severity,
  ValidationCallback,
  ValidationMessage,
  ValidationOutputEnvelope,
  ValidationStatus,
} from "../../src/index";
import { callbackBody, edit, outputEnvelope } from "../corpus/builders";

// Rule 6: the four statuses and the three severities.
const STATUSES: [string, boolean][] = [
  ["success", true],
  ["failed_validation", true],
  ["failed_runtime", true],
  ["cancelled", true],
  ["SUCCESS", false],
  ["failed", false],
  ["canceled", false],
  ["error", false],
  ["", false],
];

const SEVERITIES: [string, boolean][] = [
  ["INFO", true],
  ["WARNING", true],
  ["ERROR", true],
  ["info", false],
  ["WARN", false],
  ["FATAL", false],
  ["CRITICAL", false],
  ["SEVERE", false],
  ["", false],
];

describe("rule 6: statuses and severities", () => {
  it("has exactly the four statuses and three severities", () => {
    expect(ValidationStatus.options).toEqual([
      "success",
      "failed_validation",
      "failed_runtime",
      "cancelled",
    ]);
    expect(Severity.options).toEqual(["INFO", "WARNING", "ERROR"]);
  });

  it.each(STATUSES)("status %j: accepted %s (output envelope and callback)", (status, ok) => {
    expect(ValidationStatus.safeParse(status).success).toBe(ok);
    expect(
      ValidationOutputEnvelope.safeParse(edit(outputEnvelope(), ["status"], status)).success,
    ).toBe(ok);
    expect(ValidationCallback.safeParse({ ...callbackBody(), status }).success).toBe(ok);
  });

  it.each(SEVERITIES)("severity %j: accepted %s", (severity, ok) => {
    expect(Severity.safeParse(severity).success).toBe(ok);
    expect(ValidationMessage.safeParse({ severity, text: "t" }).success).toBe(ok);
    const doc = edit(outputEnvelope(), ["messages", 0, "severity"], severity);
    expect(ValidationOutputEnvelope.safeParse(doc).success).toBe(ok);
  });
});
