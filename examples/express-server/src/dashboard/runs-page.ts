import { type Run, RunStatus } from "@validibot/contracts";
import { html, jsonForScript, type SafeHtml } from "./html";
import type { Page } from "./layout";
import { ROW_TEMPLATE, runRow } from "./run-row";
import { RUNS_PAGE_SCRIPT } from "./scripts";

/** What the runs page shows: one page of runs, its filter and where the next page starts. */
export interface RunsPageModel {
  runs: Run[];
  status: RunStatus | null;
  cursor: string | null;
  nextCursor: string | null;
  limit: number;
}

function pageLink(status: RunStatus | null, cursor: string | null, limit: number): string {
  const query = new URLSearchParams();
  if (status) query.set("status", status);
  if (cursor) query.set("cursor", cursor);
  if (limit !== 25) query.set("limit", String(limit));
  const text = query.toString();
  return text ? `/?${text}` : "/";
}

function filters(model: RunsPageModel): SafeHtml {
  const entries: [RunStatus | null, string][] = [
    [null, "All"],
    ...RunStatus.options.map((s) => [s, s] as [RunStatus, string]),
  ];
  return html`<nav class="filters" aria-label="Filter by status">${entries.map(
    ([status, label]) =>
      html`<a href="${pageLink(status, null, model.limit)}"${status === model.status ? html` class="on" aria-current="true"` : ""}>${label}</a>`,
  )}</nav>`;
}

/** The runs page: newest first, a status filter, cursor paging, rows kept current by the page script. */
export function runsPage(model: RunsPageModel): Page {
  const pageData = { status: model.status, firstPage: model.cursor === null, limit: model.limit };
  const body = html`<h1>Runs <span class="live" id="live" data-state="connecting">connecting…</span></h1>
${filters(model)}
<section class="panel">
<table>
  <thead><tr><th>Run</th><th>Validator</th><th>Status</th><th>Findings</th><th>Created</th><th>Duration</th></tr></thead>
  <tbody id="runs-body">
${model.runs.map(runRow)}
  </tbody>
</table>
${model.runs.length === 0 ? html`<p class="empty" id="no-runs">No runs${model.status ? html` with status ${model.status}` : ""} yet. <a href="/new">Submit one</a>.</p>` : ""}
<div class="pager">
  <span>${model.cursor ? html`<a href="${pageLink(model.status, null, model.limit)}">← Newest</a>` : ""}</span>
  <span>${model.nextCursor ? html`<a href="${pageLink(model.status, model.nextCursor, model.limit)}" rel="next">Older →</a>` : ""}</span>
</div>
</section>
${ROW_TEMPLATE}
<script type="application/json" id="page-data">${jsonForScript(pageData)}</script>`;
  return { title: "Runs", body, script: RUNS_PAGE_SCRIPT, nav: "runs" };
}
