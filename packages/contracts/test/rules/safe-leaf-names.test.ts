import { describe, expect, it } from "vitest";
import {
  InputFileItem,
  isSafeLeafName,
  ResourceFileItem,
  SAFE_LEAF_NAME_PATTERN,
  SafeLeafName,
  ValidationArtifact,
} from "../../src/index";
import { inputEnvelope, outputEnvelope } from "../corpus/builders";

// Rule 1: `name` of input files, resource files and artifacts is one file name.
const ACCEPTED = [
  "model.idf",
  "weather.epw",
  ".hidden",
  "..a",
  "a..b",
  "...",
  "a.",
  "a b (1).idf",
  "Ünïcödé ✓.epw",
  "name:with:colons",
  "-starts-with-dash",
  "x".repeat(255),
];

const REJECTED: [string, string][] = [
  ["empty", ""],
  [".", "."],
  ["..", ".."],
  ["a/b", "a/b"],
  ["a\\b", "a\\b"],
  ["NUL inside", "a\u0000b"],
  ["NUL alone", "\u0000"],
  ["leading /", "/etc/passwd"],
  ["trailing /", "dir/"],
  ["../ escape", "../secret"],
  ["..\\ escape", "..\\secret"],
  ["./ prefix", "./model.idf"],
];

const fileItem = inputEnvelope().input_files;
const resourceItem = inputEnvelope().resource_files;
const artifactItem = outputEnvelope().artifacts;
const HOLDERS = [
  ["InputFileItem", InputFileItem, (fileItem as object[])[0]],
  ["ResourceFileItem", ResourceFileItem, (resourceItem as object[])[0]],
  ["ValidationArtifact", ValidationArtifact, (artifactItem as object[])[0]],
] as const;

describe("rule 1: safe leaf names", () => {
  it.each(ACCEPTED)("accepts %j", (name) => {
    expect(isSafeLeafName(name)).toBe(true);
    expect(SafeLeafName.safeParse(name).success).toBe(true);
    for (const [, schema, item] of HOLDERS) {
      expect(schema.safeParse({ ...item, name }).success).toBe(true);
    }
  });

  it.each(REJECTED)("rejects %s", (_label, name) => {
    expect(isSafeLeafName(name)).toBe(false);
    expect(SafeLeafName.safeParse(name).success).toBe(false);
    for (const [holder, schema, item] of HOLDERS) {
      const result = schema.safeParse({ ...item, name });
      expect(result.success, holder).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path)).toEqual([["name"]]);
    }
  });

  it("reads the same under JSON Schema's regex flavour (ECMA-262 with the u flag)", () => {
    const asJsonSchema = new RegExp(SAFE_LEAF_NAME_PATTERN.source, "u");
    for (const name of [...ACCEPTED, ...REJECTED.map(([, n]) => n)]) {
      expect(asJsonSchema.test(name), JSON.stringify(name)).toBe(isSafeLeafName(name));
    }
  });

  it("uses no lookaround, which several JSON Schema engines (Go, Rust) lack", () => {
    expect(SAFE_LEAF_NAME_PATTERN.source).not.toMatch(/\(\?[=!<]/);
  });
});
