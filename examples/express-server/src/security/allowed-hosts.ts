import { ValidibotError } from "@validibot/contracts";
import { sendError } from "@validibot/sdk/express";
import type { RequestHandler } from "express";

/** The names a browser on this machine uses for it: always allowed as `Host`. */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];
/** Answered whatever the `Host`: they show status only, and probes address the instance's IP. */
const HEALTH_PATHS = new Set(["/healthz", "/readyz"]);

/** Whether a host name (no port) is this machine's loopback. */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return LOOPBACK_NAMES.includes(name) || name.endsWith(".localhost");
}

/** The host name of a `Host` header, lowercased, without its port (`[::1]` keeps its brackets). */
export function hostnameOf(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(0, value.indexOf("]") + 1);
  const colon = value.lastIndexOf(":");
  return colon === -1 ? value : value.slice(0, colon);
}

/**
 * The host names a request may name in `Host`: the loopback names, the public URL's host, and
 * any extra ones (`VALIDIBOT_ALLOWED_HOSTS`). Ports are not compared.
 */
export function allowedHosts(publicUrl: string, extra: readonly string[] = []): Set<string> {
  return new Set([
    ...LOOPBACK_NAMES,
    new URL(publicUrl).hostname.toLowerCase(),
    ...extra.map((name) => name.toLowerCase()),
  ]);
}

/**
 * Refuses a request whose `Host` is not on the allow-list with 403 `host_not_allowed`: a page on
 * `evil.example` that re-points its DNS name at 127.0.0.1 (DNS rebinding) reaches this port, but
 * its requests say `Host: evil.example`. `GET /healthz` and `/readyz` are exempt.
 */
export function hostGuard(allowed: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    // Health probes (a load balancer's, Kubernetes') name the instance's IP: they only read status.
    if (req.method === "GET" && HEALTH_PATHS.has(req.path)) {
      next();
      return;
    }
    const host = req.headers.host;
    const name = host === undefined ? "" : hostnameOf(host);
    if (name !== "" && (allowed.has(name) || name.endsWith(".localhost"))) {
      next();
      return;
    }
    sendError(
      res,
      new ValidibotError(
        "host_not_allowed",
        `this server does not answer to Host ${JSON.stringify(host ?? "")}; set VALIDIBOT_PUBLIC_URL or VALIDIBOT_ALLOWED_HOSTS to serve another name`,
      ),
    );
  };
}
