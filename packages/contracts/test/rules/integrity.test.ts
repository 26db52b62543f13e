import { describe, expect, it } from "vitest";
import { InputFileItem, ResourceFileItem, ValidationArtifact } from "../../src/index";
import { inputEnvelope, outputEnvelope, SHA } from "../corpus/builders";

// Rule 2: every file item carries size_bytes, sha256 and storage_version.
const HOLDERS = [
  ["InputFileItem", InputFileItem, (inputEnvelope().input_files as object[])[0]],
  ["ResourceFileItem", ResourceFileItem, (inputEnvelope().resource_files as object[])[0]],
  ["ValidationArtifact", ValidationArtifact, (outputEnvelope().artifacts as object[])[0]],
] as const;

const TABLE: [field: string, value: unknown, accepted: boolean][] = [
  ["size_bytes", 0, true],
  ["size_bytes", 1, true],
  ["size_bytes", Number.MAX_SAFE_INTEGER, true],
  ["size_bytes", -1, false],
  ["size_bytes", 1.5, false],
  ["size_bytes", "12", false],
  ["size_bytes", null, false],
  ["sha256", SHA, true],
  ["sha256", "0".repeat(64), true],
  ["sha256", SHA.toUpperCase(), false],
  ["sha256", SHA.slice(1), false],
  ["sha256", `${SHA}0`, false],
  ["sha256", `sha256:${SHA}`, false],
  ["sha256", "z".repeat(64), false],
  ["sha256", "", false],
  ["storage_version", "1712345678901234", true],
  ["storage_version", `sha256:${SHA}`, true],
  ["storage_version", "v".repeat(512), true],
  ["storage_version", "", false],
  ["storage_version", "v".repeat(513), false],
  ["storage_version", 1712345678901234, false],
];

describe("rule 2: integrity-bound files", () => {
  describe.each(HOLDERS)("%s", (_holder, schema, item) => {
    it.each(TABLE)("%s = %j: accepted %s", (field, value, accepted) => {
      const result = schema.safeParse({ ...item, [field]: value });
      expect(result.success).toBe(accepted);
      if (!accepted) expect(result.error?.issues[0]?.path).toEqual([field]);
    });

    it.each(["size_bytes", "sha256", "storage_version"])("requires %s", (field) => {
      const { [field as keyof typeof item]: _dropped, ...rest } = item;
      const result = schema.safeParse(rest);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([field]);
    });
  });
});
