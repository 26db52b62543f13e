import { randomBytes } from "node:crypto";
import type { Response } from "express";
import { html, raw, type SafeHtml } from "./html";
import { STYLES } from "./styles";

/** What a page is made of: its title, its main content and an optional inline script. */
export interface Page {
  title: string;
  body: SafeHtml;
  /** A script of this code (never data: data goes in a JSON block), run under the page's CSP nonce. */
  script?: string;
  /** Which navigation entry is current. */
  nav?: "runs" | "new";
}

/**
 * Sends a dashboard page: the shell, the inline stylesheet and script under a fresh CSP nonce,
 * and a Content-Security-Policy that allows nothing else (no external or injected script). With
 * a session (`res.locals.csrf`), the page carries its CSRF token and a logout form.
 */
export function sendPage(res: Response, page: Page, status = 200, mode?: string): void {
  const nonce = randomBytes(16).toString("base64");
  res.status(status);
  res.set({
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "content-security-policy": [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
  });
  const current = (name: Page["nav"]) => (page.nav === name ? raw(' aria-current="page"') : "");
  // The session's CSRF token (set by authenticate): scripts send it as X-CSRF-Token, forms as _csrf.
  const csrf = typeof res.locals.csrf === "string" ? res.locals.csrf : null;
  const document = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Validibot</title>
${csrf ? html`<meta name="csrf-token" content="${csrf}">` : ""}
<style nonce="${nonce}">${raw(STYLES)}</style>
</head>
<body>
<header class="top">
  <a class="brand" href="/">Validibot</a>
  <a href="/"${current("runs")}>Runs</a>
  <a href="/new"${current("new")}>Submit a run</a>
  <a href="/openapi.json">API</a>
  ${mode ? html`<span class="mode">mode: ${mode}</span>` : ""}
  ${csrf ? html`<form class="logout" method="post" action="/logout"><input type="hidden" name="_csrf" value="${csrf}"><button class="secondary" type="submit">Log out</button></form>` : ""}
</header>
<main>
${page.body}
</main>
${page.script ? html`<script nonce="${nonce}">${raw(page.script)}</script>` : ""}
</body>
</html>
`;
  res.send(document.value);
}
