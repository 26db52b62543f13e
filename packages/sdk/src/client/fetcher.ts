import type { ApiFetcher } from "@ts-rest/core";
import { runsContract } from "@validibot/contracts";
import type { Transport } from "./transport";

/** Whether repeating the call is harmless: reads, and cancel (a second cancel changes nothing). */
function isIdempotent(method: string, route: unknown): boolean {
  return method === "GET" || method === "HEAD" || route === runsContract.cancelRun;
}

/**
 * The ts-rest `api` fetcher over a `Transport`: undici instead of `fetch`, timeouts, retries of
 * idempotent calls. JSON answers come parsed, text as text, other 2xx bodies (artifact bytes) as
 * a Node `Readable`, never buffered.
 */
export function transportFetcher(transport: Transport): ApiFetcher {
  return async (args) => {
    const response = await transport.send({
      method: args.method,
      url: args.path,
      headers: args.headers,
      body: args.body instanceof URLSearchParams ? args.body.toString() : args.body,
      idempotent: isIdempotent(args.method, args.route),
      streamBody: args.route === runsContract.downloadArtifact,
      signal: args.fetchOptions?.signal ?? undefined,
    });
    return response;
  };
}
