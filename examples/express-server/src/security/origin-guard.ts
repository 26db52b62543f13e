import { ValidibotError } from "@validibot/contracts";
import { sendError } from "@validibot/sdk/express";
import type { Request, RequestHandler } from "express";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origin (`scheme://host[:port]`) a request was addressed to, as a browser names it. */
export function requestOrigin(req: Request, publicUrl: string): string {
  const scheme = new URL(publicUrl).protocol === "https:" ? "https" : req.protocol;
  return `${scheme}://${(req.headers.host ?? "").toLowerCase()}`;
}

/**
 * Refuses a state-changing request (anything but GET, HEAD, OPTIONS) that a browser sent from
 * another origin, with 403 `origin_not_allowed`: `Sec-Fetch-Site` other than `same-origin` or
 * `none`, or an `Origin` that is neither the request's own nor the public URL's. A multipart POST
 * is a CORS "simple" request, so without this any web page could submit runs (and so run native
 * code) on this machine. Clients that are not browsers send neither header and pass.
 */
export function originGuard(publicUrl: string): RequestHandler {
  const publicOrigin = new URL(publicUrl).origin;
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const site = req.headers["sec-fetch-site"];
    const origin = req.headers.origin;
    let problem: string | null = null;
    if (site !== undefined && site !== "same-origin" && site !== "none") {
      problem = `Sec-Fetch-Site: ${site}`;
    } else if (
      origin !== undefined &&
      origin.toLowerCase() !== requestOrigin(req, publicUrl) &&
      origin.toLowerCase() !== publicOrigin
    ) {
      problem = `Origin: ${origin}`;
    }
    if (problem === null) {
      next();
      return;
    }
    sendError(
      res,
      new ValidibotError(
        "origin_not_allowed",
        `refused a ${req.method} from another origin (${problem}); only this server's own pages may change state`,
      ),
    );
  };
}
