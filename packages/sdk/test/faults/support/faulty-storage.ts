import { ValidibotError } from "@validibot/contracts";
import type {
  GetOptions,
  ObjectStat,
  PutBody,
  PutOptions,
  StorageAdapter,
  StoredObject,
} from "@validibot/sdk/storage";

/** A scripted failure of `put`. */
export interface PutFault {
  /** Which put it hits: a key ending (`input.json`), or a test of the key and the put's number (1-based). */
  when: string | ((key: string, putNumber: number) => boolean);
  /**
   * Fail once this many bytes of the body have gone through to the real adapter (a disk that
   * fills up half-way through a stream); a shorter body fails at its end. Undefined: fail before
   * the body is read at all.
   */
  afterBytes?: number;
  /** What the failure throws. Default: `storage_unavailable` before the body, ENOSPC mid-stream. */
  error?: () => Error;
  /** How many puts it fails. Default: 1. */
  times?: number;
}

/** A put as the wrapper saw it, and how it ended. */
export interface PutRecord {
  key: string;
  outcome: "stored" | "failed";
  /** Bytes that went through to the real adapter. */
  bytes: number;
}

/** The error a full disk gives a write: a system error with `code` ENOSPC. */
export function enospc(): Error {
  return Object.assign(new Error("ENOSPC: no space left on device, write"), {
    code: "ENOSPC",
    errno: -28,
    syscall: "write",
  });
}

const SLICE = 16 * 1024;

async function* chunksOf(body: PutBody): AsyncGenerator<Uint8Array> {
  if (typeof body === "string" || body instanceof Uint8Array) {
    const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    for (let offset = 0; offset < bytes.length; offset += SLICE) {
      yield bytes.subarray(offset, offset + SLICE);
    }
    return;
  }
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
  }
}

/**
 * A `StorageAdapter` that wraps a real one and fails the puts it is told to: before the body, or
 * half-way through streaming it (the real adapter has then received part of the body, so it must
 * clean up after itself). Everything else goes straight through. Faults are one-shot by default.
 */
export class FaultyStorage implements StorageAdapter {
  readonly scheme: StorageAdapter["scheme"];
  readonly puts: PutRecord[] = [];
  /** Called with each put's key before anything else happens (e.g. to script the backend). */
  beforePut: ((key: string) => void) | null = null;
  readonly #inner: StorageAdapter;
  #faults: (PutFault & { left: number })[] = [];

  constructor(inner: StorageAdapter) {
    this.#inner = inner;
    this.scheme = inner.scheme;
  }

  /** Scripts a failure; several may be pending, the first matching one hits. */
  failPut(fault: PutFault): this {
    this.#faults.push({ ...fault, left: fault.times ?? 1 });
    return this;
  }

  /** Drops every pending failure. */
  heal(): void {
    this.#faults = [];
  }

  /** The puts that failed, by key. */
  get failedKeys(): string[] {
    return this.puts.filter((p) => p.outcome === "failed").map((p) => p.key);
  }

  uriFor(key: string): string {
    return this.#inner.uriFor(key);
  }

  keyFor(uri: string): string {
    return this.#inner.keyFor(uri);
  }

  async put(key: string, body: PutBody, options?: PutOptions): Promise<StoredObject> {
    const putNumber = this.puts.length + 1;
    const record: PutRecord = { key, outcome: "failed", bytes: 0 };
    this.puts.push(record);
    this.beforePut?.(key);
    const fault = this.#faults.find((f) =>
      typeof f.when === "string" ? key.endsWith(f.when) : f.when(key, putNumber),
    );
    if (fault) {
      fault.left -= 1;
      if (fault.left <= 0) this.#faults = this.#faults.filter((f) => f !== fault);
    }
    if (fault && fault.afterBytes === undefined) {
      throw (
        fault.error?.() ??
        new ValidibotError("storage_unavailable", `scripted storage failure before ${key}`)
      );
    }
    const limit = fault?.afterBytes;
    async function* metered(): AsyncGenerator<Uint8Array> {
      for await (const chunk of chunksOf(body)) {
        if (limit !== undefined && record.bytes + chunk.length > limit) {
          const part = chunk.subarray(0, limit - record.bytes);
          if (part.length > 0) {
            record.bytes += part.length;
            yield part;
          }
          throw fault?.error?.() ?? enospc();
        }
        record.bytes += chunk.length;
        yield chunk;
      }
      if (limit !== undefined) throw fault?.error?.() ?? enospc();
    }
    const stored = await this.#inner.put(key, metered(), options);
    record.outcome = "stored";
    return stored;
  }

  get(key: string, options?: GetOptions) {
    return this.#inner.get(key, options);
  }

  stat(key: string): Promise<ObjectStat | null> {
    return this.#inner.stat(key);
  }

  list(prefix: string): Promise<ObjectStat[]> {
    return this.#inner.list(prefix);
  }

  delete(key: string): Promise<void> {
    return this.#inner.delete(key);
  }
}
