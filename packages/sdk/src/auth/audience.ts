import { ValidibotError } from "@validibot/contracts";

/**
 * The ID-token audience for a callback URL: its origin (scheme + host[:port], no path), in
 * WHATWG form (host lowercased, default port dropped), as the wire contract prescribes. A
 * runtime mints for it and a host verifies against it, so both must compute it alike.
 * Throws `invalid_request` for anything but an absolute http(s) URL.
 */
export function callbackAudienceFor(callbackUrl: string | URL): string {
  let url: URL;
  try {
    url = new URL(callbackUrl);
  } catch {
    throw new ValidibotError("invalid_request", "the callback URL is not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ValidibotError("invalid_request", "the callback URL must be http or https");
  }
  return url.origin;
}
