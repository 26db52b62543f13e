import {
  type AnyOutputEnvelope,
  describeZodIssues,
  isValidibotError,
  safeParseOutputEnvelope,
  ValidibotError,
} from "@validibot/contracts";
import { inSpan } from "../telemetry/spans";
import type { ServiceDeps } from "./deps";

/**
 * A signal for one read of a bundle written by untrusted code: aborted when the service closes or
 * after `outputReadTimeoutMs`, whichever comes first.
 */
export function bundleReadSignal(deps: ServiceDeps): AbortSignal {
  return AbortSignal.any([deps.signal, AbortSignal.timeout(deps.outputReadTimeoutMs)]);
}

/** A timeout of a bundle read as `storage_unavailable` (503: the sender retries), else the error. */
export function timeoutAsUnavailable(deps: ServiceDeps, error: unknown, what: string): unknown {
  if ((error as { name?: unknown } | null)?.name === "TimeoutError") {
    return new ValidibotError(
      "storage_unavailable",
      `reading ${what} took longer than ${deps.outputReadTimeoutMs} ms`,
      { cause: error },
    );
  }
  return error;
}

async function readBounded(deps: ServiceDeps, key: string): Promise<Buffer> {
  try {
    // Written by the validator: a regular file reached without links, read within a deadline.
    const stream = await deps.storage.get(key, {
      maxBytes: deps.maxOutputBytes,
      signal: bundleReadSignal(deps),
      noSymlinks: true,
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
    if (isValidibotError(error) && error.code === "storage_path_invalid") {
      throw new ValidibotError(
        "output_malformed",
        `output.json is not a regular file inside the bundle: ${error.message}`,
      );
    }
    throw timeoutAsUnavailable(deps, error, "output.json");
  }
}

/**
 * Checks that an artifact the output names is a regular file reached without symbolic links and
 * no larger than it says, opening it and reading nothing; `output_malformed` otherwise. An
 * artifact not (yet) in storage is left to its download to report.
 */
export async function checkArtifactObject(
  deps: ServiceDeps,
  name: string,
  key: string,
  sizeBytes: number,
): Promise<void> {
  try {
    const stream = await deps.storage.get(key, {
      maxBytes: sizeBytes,
      signal: bundleReadSignal(deps),
      noSymlinks: true,
    });
    stream.destroy();
  } catch (error) {
    if (isValidibotError(error) && error.code === "storage_not_found") return;
    if (
      isValidibotError(error) &&
      (error.code === "storage_path_invalid" || error.code === "storage_size_exceeded")
    ) {
      throw new ValidibotError(
        "output_malformed",
        `artifact ${name} is not a regular file of at most ${sizeBytes} bytes inside the bundle: ${error.message}`,
      );
    }
    throw timeoutAsUnavailable(deps, error, `artifact ${name}`);
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
