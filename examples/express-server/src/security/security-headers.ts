import type { RequestHandler } from "express";

/**
 * The CSP of every response that is not a dashboard page (JSON, event streams, artifacts,
 * errors): nothing may load, nothing may frame it. Dashboard pages set their own, nonce-based one.
 */
export const API_CSP =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Security headers on every response: a CSP with `frame-ancestors 'none'` (and `X-Frame-Options`
 * for older browsers), `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
 * `Cross-Origin-Opener-Policy` and `Cross-Origin-Resource-Policy: same-origin` (so another
 * site's page cannot embed an artifact or a JSON answer as an image or a script).
 */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader("content-security-policy", API_CSP);
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("referrer-policy", "no-referrer");
  res.setHeader("cross-origin-opener-policy", "same-origin");
  res.setHeader("cross-origin-resource-policy", "same-origin");
  next();
};
