import type { Request, Response } from "express";
import { hostnameOf, isLoopbackHost } from "./allowed-hosts";

/** The dashboard's session cookie. */
export const SESSION_COOKIE = "validibot_session";
/** The login form's CSRF cookie (double submit, before there is a session). */
export const LOGIN_CSRF_COOKIE = "validibot_login_csrf";

/**
 * Whether cookies get `Secure`: always, except when the browser talks to this machine's loopback
 * over plain HTTP (a laptop), where no certificate exists and browsers treat it as secure anyway.
 */
export function secureCookies(req: Request): boolean {
  return req.secure || !isLoopbackHost(hostnameOf(req.headers.host ?? ""));
}

/** Sets a cookie HttpOnly, SameSite=Strict, path `/`, Secure outside localhost. */
export function setCookie(
  req: Request,
  res: Response,
  name: string,
  value: string,
  maxAgeSeconds: number,
): void {
  res.cookie(name, value, {
    httpOnly: true,
    sameSite: "strict",
    secure: secureCookies(req),
    path: "/",
    maxAge: maxAgeSeconds * 1000,
  });
}

/** Removes a cookie set by `setCookie`. */
export function clearCookie(req: Request, res: Response, name: string): void {
  res.clearCookie(name, {
    httpOnly: true,
    sameSite: "strict",
    secure: secureCookies(req),
    path: "/",
  });
}
