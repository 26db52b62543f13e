import {
  type AnyOutputEnvelope,
  describeZodIssues,
  type ExpectedOutputIdentity,
  isValidibotError,
  outputEnvelopeSchemaFor,
  outputIdentityMismatches,
  ValidibotError,
} from "@validibot/contracts";
import { readAllBounded } from "./read-stream";
import type { StorageResolver } from "./storage";

/** The largest `output.json` the runtime reads back when replaying: 64 MiB. */
export const MAX_OUTPUT_ENVELOPE_BYTES = 64 * 1024 * 1024;

/**
 * Reads the `output.json` an earlier try of this attempt left, or null when there is none.
 * Throws `output_malformed` when it does not parse, `output_identity_mismatch` when it belongs
 * to another attempt: the runtime must neither overwrite it nor vouch for it.
 */
export async function readExistingOutput(
  uri: string,
  resolve: StorageResolver,
  expected: ExpectedOutputIdentity,
): Promise<AnyOutputEnvelope | null> {
  const { storage: adapter, key } = await resolve(uri);
  if ((await adapter.stat(key)) === null) return null;
  let stream: Awaited<ReturnType<typeof adapter.get>>;
  try {
    stream = await adapter.get(key, { maxBytes: MAX_OUTPUT_ENVELOPE_BYTES });
  } catch (error) {
    if (isValidibotError(error) && error.code === "storage_not_found") return null;
    throw error;
  }
  const bytes = await readAllBounded(
    stream,
    MAX_OUTPUT_ENVELOPE_BYTES,
    () => new ValidibotError("output_too_large", `the existing output.json at ${uri} is too large`),
  );
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new ValidibotError("output_malformed", `the existing output.json at ${uri} is not JSON`, {
      cause: error,
    });
  }
  const parsed = outputEnvelopeSchemaFor(expected.validator.type).safeParse(raw);
  if (!parsed.success) {
    throw new ValidibotError(
      "output_malformed",
      `the existing output.json at ${uri} is not a valid output envelope: ${describeZodIssues(parsed.error)}`,
    );
  }
  const mismatches = outputIdentityMismatches(expected, parsed.data);
  if (mismatches.length > 0) {
    throw new ValidibotError(
      "output_identity_mismatch",
      `the existing output.json at ${uri} belongs to another attempt (differs in ${mismatches.join(", ")})`,
      { details: { fields: mismatches } },
    );
  }
  return parsed.data;
}
