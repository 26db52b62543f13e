import { isValidibotError, ValidibotError } from "@validibot/contracts";
import type { ValidationService } from "@validibot/sdk";
import { type ApiTokens, type Principal, RunAccess } from "@validibot/sdk/access";
import { sendError } from "@validibot/sdk/express";
import type { Request, RequestHandler, Response } from "express";
import { readCookie } from "./cookies";
import { SESSION_COOKIE } from "./session-cookie";
import { type SessionStore, sameSecret } from "./sessions";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** What `authenticate` leaves in `res.locals` for the routes after it. */
export interface AccessLocals {
  /** The service as this request's principal may use it. */
  access: RunAccess;
  principal: Principal;
  /** The session's CSRF token when the request came with the dashboard's session cookie. */
  csrf: string | null;
}

/** The `RunAccess` `authenticate` made for this request (routes behind it only). */
export function accessOf(res: Response): RunAccess {
  const access = (res.locals as Partial<AccessLocals>).access;
  if (!access) throw new Error("accessOf: the route is not behind authenticate()");
  return access;
}

/** Every `Authorization` header of a request: Node keeps only the first in `req.headers`. */
function authorizationHeaders(req: Request): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === "authorization")
      values.push(req.rawHeaders[i + 1] ?? "");
  }
  return values;
}

/** Whether a refused request is a person's browser asking for a page (then: to the login page). */
function wantsLoginPage(req: Request): boolean {
  return (
    req.method === "GET" &&
    !req.path.startsWith("/api/") &&
    req.path !== "/events" &&
    (req.headers.accept ?? "").includes("text/html")
  );
}

/**
 * Lets a request through only with a valid API token: `Authorization: Bearer <token>`, or the
 * dashboard's session cookie (then a state-changing request also needs the session's CSRF token
 * in `X-CSRF-Token`, else 403 `csrf_token_invalid`). Refusals are 401 with `api_token_missing`,
 * `api_token_invalid`, `api_token_expired`, `api_token_revoked` or `auth_malformed`; a browser
 * asking for a page is sent to `/login` instead. Leaves `AccessLocals` in `res.locals`.
 */
export function authenticate(
  service: ValidationService,
  tokens: ApiTokens,
  sessions: SessionStore,
): RequestHandler {
  return async (req, res, next) => {
    try {
      const headers = authorizationHeaders(req);
      let principal: Principal;
      let csrf: string | null = null;
      if (headers.length > 0) {
        principal = await tokens.authenticateRequest({ authorization: headers });
      } else {
        const sessionId = readCookie(req, SESSION_COOKIE);
        const session = sessions.get(sessionId);
        if (!session) {
          throw new ValidibotError(
            "api_token_missing",
            sessionId === null
              ? "send an API token as Authorization: Bearer <token>, or log in at /login"
              : "the session has ended; log in again at /login",
          );
        }
        try {
          principal = await tokens.authenticate(session.token);
        } catch (error) {
          sessions.delete(sessionId);
          throw error;
        }
        if (!SAFE_METHODS.has(req.method)) {
          const sent = req.headers["x-csrf-token"];
          if (typeof sent !== "string" || !sameSecret(sent, session.csrf)) {
            throw new ValidibotError(
              "csrf_token_invalid",
              "a request made with the session cookie needs the page's CSRF token in X-CSRF-Token",
            );
          }
        }
        csrf = session.csrf;
      }
      const locals: AccessLocals = { access: new RunAccess(service, principal), principal, csrf };
      Object.assign(res.locals, locals);
      next();
    } catch (error) {
      if (
        isValidibotError(error) &&
        error.status === 401 &&
        wantsLoginPage(req) &&
        authorizationHeaders(req).length === 0
      ) {
        res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      if (isValidibotError(error) && error.status === 401) {
        res.setHeader("www-authenticate", 'Bearer realm="validibot"');
      }
      if (isValidibotError(error)) sendError(res, error);
      else next(error);
    }
  };
}
