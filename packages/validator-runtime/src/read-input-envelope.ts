import {
  type AnyInputEnvelope,
  envelopeSha256,
  isValidibotError,
  ValidibotError,
} from "@validibot/contracts";
import { parseEnvelopeForRuntime } from "./envelope-parse";
import { readAllBounded } from "./read-stream";
import type { StorageResolver } from "./storage";

/** The largest `input.json` the runtime reads by default: 16 MiB (an envelope is a few KiB). */
export const DEFAULT_MAX_INPUT_ENVELOPE_BYTES = 16 * 1024 * 1024;

/** An input envelope as read from storage: raw, parsed, and hashed. */
export interface InputEnvelopeRead {
  /** The JSON as stored. */
  raw: unknown;
  /** Parsed with its typed variant, defaults filled. */
  envelope: AnyInputEnvelope;
  /** `input_envelope_sha256` of the envelope as read (rule 4). */
  sha256: string;
  /** Unsafe file names tolerated by the parse (see `ParsedInputEnvelope.unsafeNames`). */
  unsafeNames: string[];
  /** When the host wrote `input.json` (the object's last write time), as the queue time. */
  queuedAt: string | null;
}

/**
 * Reads `input.json` through storage with a size ceiling, parses and hashes it. Every failure is
 * a `ValidibotError`: `storage_*` from the adapter, `envelope_invalid` for bad JSON or schema.
 */
export async function readInputEnvelope(
  uri: string,
  resolve: StorageResolver,
  maxBytes: number = DEFAULT_MAX_INPUT_ENVELOPE_BYTES,
): Promise<InputEnvelopeRead> {
  const { storage: adapter, key } = await resolve(uri);
  const stat = await adapter.stat(key);
  if (stat === null)
    throw new ValidibotError("storage_not_found", `input.json not found at ${uri}`);
  const stream = await adapter.get(key, { maxBytes });
  const tooLarge = () =>
    new ValidibotError("storage_size_exceeded", `input.json at ${uri} exceeds ${maxBytes} bytes`);
  let bytes: Buffer;
  try {
    bytes = await readAllBounded(stream, maxBytes, tooLarge);
  } catch (error) {
    if (isValidibotError(error)) throw error;
    throw new ValidibotError("storage_unavailable", `could not read ${uri}: ${String(error)}`, {
      cause: error,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new ValidibotError("envelope_invalid", `input.json at ${uri} is not JSON`, {
      cause: error,
    });
  }
  const { envelope, unsafeNames } = parseEnvelopeForRuntime(raw);
  return {
    raw,
    envelope,
    sha256: envelopeSha256(envelope),
    unsafeNames,
    queuedAt: stat.updated_at,
  };
}
