/**
 * Writes the JSON Schemas of the wire documents into `packages/contracts/schemas/`, one
 * `<Name>.schema.json` per document, and removes schema files no document produces any more.
 * Run it after changing a zod schema: `npx tsx packages/contracts/scripts/generate-json-schemas.ts`.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateJsonSchemaFiles, SCHEMAS_DIR } from "./json-schemas";

const files = generateJsonSchemaFiles();
mkdirSync(SCHEMAS_DIR, { recursive: true });
for (const existing of readdirSync(SCHEMAS_DIR)) {
  if (existing.endsWith(".schema.json") && !files.has(existing)) {
    rmSync(join(SCHEMAS_DIR, existing));
  }
}
for (const [name, text] of files) writeFileSync(join(SCHEMAS_DIR, name), text);
console.log(`wrote ${files.size} JSON Schemas to ${SCHEMAS_DIR}`);
