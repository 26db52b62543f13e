import { randomBytes } from "node:crypto";
import { isValidibotError } from "@validibot/contracts";
import type { ApiTokens } from "@validibot/sdk/access";
import express, { type Request, type Response, Router } from "express";
import { readCookie } from "../security/cookies";
import {
  clearCookie,
  LOGIN_CSRF_COOKIE,
  SESSION_COOKIE,
  setCookie,
} from "../security/session-cookie";
import { type SessionStore, sameSecret } from "../security/sessions";
import { sendPage } from "./layout";
import { loginPage } from "./login-page";

/** Where to go after logging in: a path of this server only (never `//elsewhere`), else `/`. */
export function safeNext(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || /^\/[/\\]/.test(value)) return "/";
  return value;
}

/**
 * `/login` and `/logout`. `GET /login?token=...` (the link a laptop server prints) logs in and
 * redirects to the dashboard without the token in the address bar; `GET /login` is a form posted
 * with a double-submit CSRF token; `POST /logout` (with the session's CSRF token) ends the
 * session. Sessions are HttpOnly, SameSite=Strict cookies, Secure outside localhost.
 */
export function loginRouter(tokens: ApiTokens, sessions: SessionStore, mode: string): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: "16kb", parameterLimit: 10 });

  const showForm = (req: Request, res: Response, status: number, problem: string | null) => {
    const csrf = randomBytes(32).toString("base64url");
    setCookie(req, res, LOGIN_CSRF_COOKIE, csrf, 3600);
    sendPage(
      res,
      loginPage(csrf, safeNext(req.body?.next ?? req.query.next), problem),
      status,
      mode,
    );
  };

  const logIn = async (req: Request, res: Response, token: string, next: string) => {
    try {
      await tokens.authenticate(token);
    } catch (error) {
      if (!isValidibotError(error) || error.status !== 401) throw error;
      showForm(req, res, 401, `${error.code}: ${error.message}`);
      return;
    }
    const { id } = sessions.create(token);
    setCookie(req, res, SESSION_COOKIE, id, sessions.ttlSeconds);
    clearCookie(req, res, LOGIN_CSRF_COOKIE);
    res.redirect(303, next);
  };

  router.get("/login", async (req, res) => {
    const token = req.query.token;
    if (typeof token === "string" && token !== "") {
      // A link opened from a terminal says `none`; one followed from another site is refused.
      const site = req.headers["sec-fetch-site"];
      if (site !== undefined && site !== "none" && site !== "same-origin") {
        showForm(req, res, 403, "origin_not_allowed: a login link works only when opened directly");
        return;
      }
      await logIn(req, res, token, safeNext(req.query.next));
      return;
    }
    showForm(req, res, 200, null);
  });

  router.post("/login", form, async (req, res) => {
    const expected = readCookie(req, LOGIN_CSRF_COOKIE);
    const sent = req.body?._csrf;
    if (expected === null || typeof sent !== "string" || !sameSecret(sent, expected)) {
      showForm(req, res, 403, "csrf_token_invalid: the form expired; try again");
      return;
    }
    const token = typeof req.body?.token === "string" ? req.body.token.trim() : "";
    await logIn(req, res, token, safeNext(req.body?.next));
  });

  router.post("/logout", form, (req, res) => {
    const id = readCookie(req, SESSION_COOKIE);
    const session = sessions.get(id);
    const sent = req.body?._csrf;
    if (session && (typeof sent !== "string" || !sameSecret(sent, session.csrf))) {
      showForm(req, res, 403, "csrf_token_invalid: log out from a page of this server");
      return;
    }
    sessions.delete(id);
    clearCookie(req, res, SESSION_COOKIE);
    res.redirect(303, "/login");
  });

  return router;
}
