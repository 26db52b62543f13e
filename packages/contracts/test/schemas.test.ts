import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  generateJsonSchemaFiles,
  JSON_SCHEMA_DIALECT,
  REGENERATE_COMMAND,
  SCHEMAS_DIR,
} from "../scripts/json-schemas";
import { DOCUMENTS } from "./corpus/documents";
import { readReference } from "./reference";

type Schema = Record<string, unknown> & {
  $defs?: Record<string, Schema>;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
};

const generated = generateJsonSchemaFiles();

describe("the checked-in JSON Schemas", () => {
  it.each([...generated.keys()])("%s is current", (file) => {
    const checkedIn = readFileSync(SCHEMAS_DIR + file, "utf8");
    expect(checkedIn, `${file} is stale: run \`${REGENERATE_COMMAND}\``).toBe(generated.get(file));
  });

  it("holds no schema file that nothing generates", () => {
    const files = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith(".json"));
    expect(files.sort(), `stale files: run \`${REGENERATE_COMMAND}\``).toEqual(
      [...generated.keys()].sort(),
    );
  });

  it("cover every reference document, the error body and the ruleset", () => {
    expect([...generated.keys()].sort()).toEqual(
      [...DOCUMENTS, "ErrorBody", "Ruleset"].map((name) => `${name}.schema.json`).sort(),
    );
  });

  it.each([
    ...generated.entries(),
  ])("%s declares draft 2020-12, its title, sorted keys", (file, text) => {
    const schema = JSON.parse(text) as Schema;
    expect(schema.$schema).toBe(JSON_SCHEMA_DIALECT);
    expect(`${schema.title}.schema.json`).toBe(file);
    expect(text.endsWith("}\n")).toBe(true);
    const unsorted: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) {
        for (const [i, child] of node.entries()) walk(child, `${at}/${i}`);
      } else if (node !== null && typeof node === "object") {
        const keys = Object.keys(node);
        if (keys.join("\0") !== [...keys].sort().join("\0")) unsorted.push(at);
        for (const key of keys) walk((node as Record<string, unknown>)[key], `${at}/${key}`);
      }
    };
    walk(schema, "#");
    expect(unsorted).toEqual([]);
  });
});

/** The root and every `$defs` entry, by name. */
function parts(schema: Schema): Record<string, Schema> {
  return { "<root>": schema, ...(schema.$defs ?? {}) };
}

describe.each(DOCUMENTS)("generated %s has the reference's shape", (name) => {
  const ours = JSON.parse(generated.get(`${name}.schema.json`) ?? "{}") as Schema;
  const reference = readReference<Schema>(`${name}.schema.json`);

  it("has the same parts in $defs, under the reference names", () => {
    expect(Object.keys(ours.$defs ?? {}).sort()).toEqual(Object.keys(reference.$defs ?? {}).sort());
  });

  it.each(
    Object.keys(parts(reference)),
  )("%s: same fields, required fields, enums and defaults", (part) => {
    const ref = parts(reference)[part] as Schema;
    const own = parts(ours)[part] as Schema;
    expect(own.enum).toEqual(ref.enum);
    if (!ref.properties) return;
    expect(Object.keys(own.properties ?? {}).sort()).toEqual(Object.keys(ref.properties).sort());
    expect([...(own.required ?? [])].sort()).toEqual([...(ref.required ?? [])].sort());
    expect(own.additionalProperties === false).toBe(ref.additionalProperties === false);
    for (const [field, refField] of Object.entries(ref.properties)) {
      const ownField = own.properties?.[field] as Schema;
      if ("default" in refField) {
        expect(ownField.default, `${part}.${field} default`).toEqual(refField.default);
      } else if ("default" in ownField) {
        // The reference's default factories ([] and {}) do not show in its schema.
        expect(ref.required ?? [], `${part}.${field}`).not.toContain(field);
        expect([[], {}], `${part}.${field} default`).toContainEqual(ownField.default);
      }
    }
  });
});
