import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { SCHEMAS_DIR } from "../scripts/json-schemas";
import { RULESET_MAX_ASSERTIONS, RULESET_MAX_EXPRESSION_BYTES, Ruleset } from "../src/index";

/** The issue's own example: a basic, a guarded CEL and an input-stage assertion. */
const EXAMPLE = {
  id: "lag-acceptance",
  assertions: [
    {
      id: "settles",
      stage: "output",
      target: "outputs.output_values.x",
      operator: "between",
      min: 0.95,
      max: 1.05,
      severity: "ERROR",
      message: "x ended at {{ value | round(3) }}, outside [{{ min }}, {{ max }}]",
    },
    {
      id: "fast-enough",
      stage: "output",
      cel: "metrics['fmu.execution_seconds'] < 30.0",
      severity: "WARNING",
      when: "inputs.simulation.stop_time > 1.0",
    },
    {
      id: "horizon",
      stage: "input",
      cel: "inputs.simulation.stop_time <= 3600.0",
      severity: "ERROR",
      message: "stop time {{ value }} is over an hour",
    },
  ],
};

const ajv = new Ajv2020({ strict: false });
const jsonSchema = ajv.compile(
  JSON.parse(readFileSync(`${SCHEMAS_DIR}Ruleset.schema.json`, "utf8")) as object,
);

function issuesOf(value: unknown): string[] {
  const result = Ruleset.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("the ruleset document", () => {
  it("accepts the documented example and fills stage and severity defaults", () => {
    const parsed = Ruleset.parse({
      id: "r",
      assertions: [{ id: "a", cel: "true" }, ...EXAMPLE.assertions],
    });
    expect(parsed.assertions[0]).toMatchObject({ stage: "output", severity: "ERROR" });
    expect(jsonSchema(EXAMPLE)).toBe(true);
  });

  it("needs exactly one of target or cel", () => {
    expect(issuesOf({ id: "r", assertions: [{ id: "a" }] })).toEqual([
      "assertions.0.target: an assertion has exactly one of `target` (with `operator`) or `cel`",
    ]);
    expect(
      issuesOf({
        id: "r",
        assertions: [{ id: "a", cel: "true", target: "x", operator: "exists" }],
      }),
    ).toEqual([
      "assertions.0.cel: an assertion has exactly one of `target` (with `operator`) or `cel`",
    ]);
  });

  it("asks each operator for its operands and refuses others", () => {
    expect(
      issuesOf({ id: "r", assertions: [{ id: "a", target: "x", operator: "between", min: 1 }] }),
    ).toEqual(["assertions.0.max: operator `between` needs `max`"]);
    expect(
      issuesOf({
        id: "r",
        assertions: [{ id: "a", target: "x", operator: "eq", value: 1, min: 0 }],
      }),
    ).toEqual(["assertions.0.min: operator `eq` takes no `min`"]);
    expect(
      issuesOf({ id: "r", assertions: [{ id: "a", target: "x", operator: "approx", value: 1 }] }),
    ).toEqual(["assertions.0.abs_tol: operator `approx` needs `abs_tol` and/or `rel_tol`"]);
    expect(issuesOf({ id: "r", assertions: [{ id: "a", target: "x" }] })).toEqual([
      "assertions.0.operator: a `target` assertion needs an `operator`",
    ]);
    expect(issuesOf({ id: "r", assertions: [{ id: "a", cel: "true", value: 3 }] })).toEqual([
      "assertions.0.value: a `cel` assertion takes no operands",
    ]);
  });

  it("reads targets with dots, indexes and quoted keys, and refuses other paths", () => {
    for (const target of ["outputs.a.b", "x[0].y", "metrics['fmu.execution_seconds']", 'a["k"]']) {
      expect(issuesOf({ id: "r", assertions: [{ id: "a", target, operator: "exists" }] })).toEqual(
        [],
      );
    }
    for (const target of ["a..b", "a[", "1x", "a['x]", "a.b()"]) {
      expect(
        issuesOf({ id: "r", assertions: [{ id: "a", target, operator: "exists" }] }),
      ).toHaveLength(1);
    }
  });

  it("refuses duplicate ids, too many assertions and oversized expressions", () => {
    expect(
      issuesOf({
        id: "r",
        assertions: [
          { id: "a", cel: "true" },
          { id: "a", cel: "true" },
        ],
      }),
    ).toEqual(["assertions.1.id: duplicate assertion id `a`"]);
    const many = Array.from({ length: RULESET_MAX_ASSERTIONS + 1 }, (_, i) => ({
      id: `a${i}`,
      cel: "true",
    }));
    expect(issuesOf({ id: "r", assertions: many }).join()).toContain("200");
    const huge = `${"1 + ".repeat(RULESET_MAX_EXPRESSION_BYTES / 4)}1 == 2`;
    expect(issuesOf({ id: "r", assertions: [{ id: "a", cel: huge }] })[0]).toMatch(
      /^assertions\.0\.cel:/,
    );
    // Multi-byte characters count as their UTF-8 bytes.
    const wide = `'${"é".repeat(RULESET_MAX_EXPRESSION_BYTES / 2)}' == ''`;
    expect(issuesOf({ id: "r", assertions: [{ id: "a", cel: wide }] })[0]).toContain("bytes");
  });

  it("rejects unknown fields, as every document does", () => {
    expect(issuesOf({ id: "r", assertions: [{ id: "a", cel: "true", expr: "x" }] })[0]).toContain(
      "Unrecognized key",
    );
    expect(jsonSchema({ id: "r", assertions: [{ id: "a", cel: "true", expr: "x" }] })).toBe(false);
  });
});
