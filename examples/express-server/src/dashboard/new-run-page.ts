import type { ValidatorDescriptor } from "@validibot/contracts";
import { html, type SafeHtml } from "./html";
import type { Page } from "./layout";
import { SUBMIT_PAGE_SCRIPT } from "./scripts";

function validatorForm(validator: ValidatorDescriptor, csrf: string | null): SafeHtml {
  return html`<section class="panel">
<h2>${validator.title} <span class="muted">${validator.id} · ${validator.type} ${validator.version}</span></h2>
<form class="submit" method="post" action="/api/v1/validation-runs" enctype="multipart/form-data" data-validator="${validator.id}">
  <input type="hidden" name="validator" value="${validator.id}">
  ${csrf ? html`<input type="hidden" name="_csrf" value="${csrf}">` : ""}
  <label>Inputs <span class="hint">(JSON object; defaults apply to what you leave out)</span>
    <textarea name="inputs" spellcheck="false">{}</textarea>
  </label>
  ${validator.file_ports.map(
    (port) => html`<label>${port.port_key}
      <span class="hint">${port.required ? "required" : "optional"}${port.resource ? " · resource" : ""} · ${port.mime_types.join(", ")}</span>
      <input type="file" name="${port.port_key}"${port.required ? " required" : ""}>
    </label>`,
  )}
  <p><button type="submit">Submit to ${validator.id}</button></p>
  <p class="form-error" role="alert"></p>
</form>
</section>`;
}

/**
 * The page to submit a run by hand: one form per validator, posted to the runs API, each with the
 * session's CSRF token (the script sends it as `X-CSRF-Token`).
 */
export function newRunPage(validators: ValidatorDescriptor[], csrf: string | null): Page {
  return {
    title: "Submit a run",
    body: html`<h1>Submit a run</h1>${validators.map((v) => validatorForm(v, csrf))}`,
    script: SUBMIT_PAGE_SCRIPT,
    nav: "new",
  };
}
