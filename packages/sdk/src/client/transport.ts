import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { ValidibotError } from "@validibot/contracts";
import { type Dispatcher, request } from "undici";
import { Watchdog } from "./watchdog";

/** How a client talks HTTP: timeouts, retries, extra headers, the undici dispatcher. */
export interface TransportOptions {
  /** How long a call waits for an answer (and, while streaming, between chunks). */
  timeoutMs: number;
  /** Retries of an idempotent call after a network error or a 502/503/504. */
  retries: number;
  /** Sent with every request (e.g. a proxy's `authorization`). */
  headers: Record<string, string>;
  /** The undici dispatcher (an `Agent`, a `MockAgent`, a proxy agent). Default: undici's global one. */
  dispatcher?: Dispatcher;
}

/** One HTTP exchange to make. */
export interface SendRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A string, a `FormData`, or a byte stream (then the timeout counts between chunks). */
  body?: string | FormData | AsyncIterable<Uint8Array> | null;
  /** Safe to repeat: retried after a network error or a 502/503/504. */
  idempotent: boolean;
  /** Hand a 2xx body back as a stream whatever its content type (artifact bytes). Default: false. */
  streamBody?: boolean;
  signal?: AbortSignal;
}

/** The answer: status, headers, and the body parsed (JSON), as text, or (2xx bytes) as a stream. */
export interface SendResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

const RETRY_STATUSES = new Set([502, 503, 504]);

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

function isStream(body: SendRequest["body"]): body is AsyncIterable<Uint8Array> {
  return typeof body === "object" && body !== null && Symbol.asyncIterator in body;
}

async function* touching(
  body: AsyncIterable<Uint8Array>,
  watchdog: Watchdog,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    watchdog.touch();
    yield chunk;
  }
  watchdog.touch();
}

function backoffMs(retry: number): number {
  const bound = Math.min(2000, 250 * 2 ** retry);
  return bound / 2 + Math.random() * (bound / 2);
}

/**
 * Sends requests with undici: a watchdog timeout per try, retries with backoff for idempotent
 * calls, and every failure to get an answer as `server_unreachable`. Error statuses are returned,
 * not thrown: the caller decides.
 */
export class Transport {
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  /** Sends one request (retrying it when it is idempotent) and returns the last answer. */
  async send(req: SendRequest): Promise<SendResponse> {
    const tries = req.idempotent ? this.#options.retries + 1 : 1;
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= tries;
      let response: SendResponse;
      try {
        response = await this.#sendOnce(req, !last);
      } catch (error) {
        if (!last && error instanceof RetryableError) {
          await sleep(backoffMs(attempt - 1), undefined, { signal: req.signal });
          continue;
        }
        throw error instanceof RetryableError ? error.error : error;
      }
      if (!last && RETRY_STATUSES.has(response.status)) {
        await sleep(backoffMs(attempt - 1), undefined, { signal: req.signal });
        continue;
      }
      return response;
    }
  }

  async #sendOnce(req: SendRequest, mayRetry: boolean): Promise<SendResponse> {
    const { timeoutMs } = this.#options;
    const watchdog = new Watchdog(timeoutMs, req.signal);
    const what = `${req.method} ${req.url}`;
    const failure = (error: unknown): unknown => {
      if (req.signal?.aborted) return req.signal.reason;
      if (watchdog.expired) {
        return new ValidibotError(
          "server_unreachable",
          `${what}: no answer within ${timeoutMs} ms`,
          {
            cause: error,
            details: { timeout_ms: timeoutMs },
          },
        );
      }
      const unreachable = new ValidibotError(
        "server_unreachable",
        `${what} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
      return mayRetry ? new RetryableError(unreachable) : unreachable;
    };
    let raw: Dispatcher.ResponseData;
    try {
      raw = await request(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers: { ...this.#options.headers, ...req.headers },
        body: isStream(req.body)
          ? Readable.from(touching(req.body, watchdog), { objectMode: false })
          : req.body,
        signal: watchdog.signal,
        dispatcher: this.#options.dispatcher,
        headersTimeout: 0,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      watchdog.stop();
      throw failure(error);
    }
    const headers = toHeaders(raw.headers);
    const type = headers.get("content-type") ?? "";
    try {
      if (mayRetry && RETRY_STATUSES.has(raw.statusCode)) {
        await raw.body.dump();
        return { status: raw.statusCode, headers, body: null };
      }
      if (req.streamBody && raw.statusCode < 300) {
        watchdog.stop();
        const stream: Readable = raw.body;
        return { status: raw.statusCode, headers, body: stream };
      }
      if (type.includes("json")) {
        const text = await raw.body.text();
        return { status: raw.statusCode, headers, body: parseJson(text, raw.statusCode, what) };
      }
      if (type.startsWith("text/") || raw.statusCode >= 300) {
        return { status: raw.statusCode, headers, body: await raw.body.text() };
      }
      watchdog.stop();
      const stream: Readable = raw.body;
      return { status: raw.statusCode, headers, body: stream };
    } catch (error) {
      if (error instanceof ValidibotError) throw error;
      throw failure(error);
    } finally {
      watchdog.stop();
    }
  }
}

function parseJson(text: string, status: number, what: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidibotError(
      "unexpected_response",
      `${what} answered HTTP ${status} with invalid JSON`,
      {
        details: { status },
      },
    );
  }
}

/** A failure worth another try (a dropped connection), carrying the error to throw if none is left. */
class RetryableError extends Error {
  readonly error: ValidibotError;
  constructor(error: ValidibotError) {
    super(error.message);
    this.error = error;
  }
}
