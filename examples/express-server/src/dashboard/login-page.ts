import { html } from "./html";
import type { Page } from "./layout";

/**
 * The login page: one form for an API token (posted with the form's CSRF token). `problem` is
 * why the last try failed; `next` is where to go once logged in.
 */
export function loginPage(csrf: string, next: string, problem: string | null): Page {
  return {
    title: "Log in",
    body: html`<h1>Log in</h1>
<section class="panel">
  <p>Paste an API token of this server. On a laptop, the server printed a login link (and the token is in <span class="mono">&lt;data dir&gt;/api-token</span>); an operator makes more with <span class="mono">tokens create</span>.</p>
  ${problem ? html`<p class="form-error" role="alert" id="login-error">${problem}</p>` : ""}
  <form class="login" method="post" action="/login">
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="next" value="${next}">
    <label>API token <input type="password" name="token" autocomplete="current-password" required></label>
    <p><button type="submit">Log in</button></p>
  </form>
</section>`,
  };
}
