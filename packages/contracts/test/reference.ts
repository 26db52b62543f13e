import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The folder holding this repository's copy of the shared reference contract. */
export const referenceDir = fileURLToPath(new URL("./fixtures/reference/", import.meta.url));

/** The shared contract folder beside the repository (`../shared/contract`), when present. */
export const sharedContractDir = fileURLToPath(
  new URL("../../../../shared/contract/", import.meta.url),
);

/** Reads a JSON file of the reference copy. */
export function readReference<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(referenceDir + name, "utf8")) as T;
}

/** The names of the reference JSON Schemas, without `.schema.json`. */
export const referenceSchemaNames = readdirSync(referenceDir)
  .filter((f) => f.endsWith(".schema.json"))
  .map((f) => f.replace(/\.schema\.json$/, ""));

interface Vectors {
  nonce_commitments: { nonce: string; commitment: string }[];
  envelopes: {
    name: string;
    input: unknown;
    redacted_input: unknown;
    canonical_utf8: string;
    sha256: string;
  }[];
  typed_envelopes: {
    name: string;
    validator_type: string;
    raw_input: unknown;
    parsed_json: unknown;
    sha256: string;
  }[];
}

/** The reference hash vectors. */
export const vectors = readReference<Vectors>("canonical-hash-vectors.json");
