import {
  type AnyOutputEnvelope,
  describeZodIssues,
  isValidibotError,
  safeParseOutputEnvelope,
  ValidibotError,
} from "@validibot/contracts";
import { inSpan } from "../telemetry/spans";
import type { ServiceDeps } from "./deps";

async function readBounded(deps: ServiceDeps, key: string): Promise<Buffer> {
  try {
    const stream = await deps.storage.get(key, {
      maxBytes: deps.maxOutputBytes,
      signal: deps.signal,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  } catch (error) {
    if (isValidibotError(error) && error.code === "storage_not_found") {
      throw new ValidibotError("output_missing", "output.json is not where result_uri says");
    }
    if (isValidibotError(error) && error.code === "storage_size_exceeded") {
      throw new ValidibotError(
        "output_too_large",
        `output.json is larger than ${deps.maxOutputBytes} bytes`,
      );
    }
    throw error;
  }
}

/**
 * Reads and parses an attempt's output envelope from storage: at most `maxOutputBytes`, as
 * JSON, with the typed variant of the validator's type. Errors: `output_missing`,
 * `output_too_large`, `output_malformed`.
 */
export function readOutputEnvelope(deps: ServiceDeps, key: string): Promise<AnyOutputEnvelope> {
  return inSpan("read output", {}, () => readAndParse(deps, key));
}

async function readAndParse(deps: ServiceDeps, key: string): Promise<AnyOutputEnvelope> {
  const bytes = await readBounded(deps, key);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new ValidibotError("output_malformed", "output.json is not valid JSON");
  }
  const parsed = safeParseOutputEnvelope(raw);
  if (!parsed.success) {
    const issues = describeZodIssues(parsed.error);
    throw new ValidibotError(
      "output_malformed",
      `output.json does not fit the contract: ${issues}`,
    );
  }
  return parsed.data;
}
