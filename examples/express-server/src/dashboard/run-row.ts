import type { Run } from "@validibot/contracts";
import { formatTime, runDuration } from "./format";
import { html, type SafeHtml } from "./html";

/** The finding counts of a run as small colored labels; an em dash when there are none. */
export function countsHtml(counts: Run["finding_counts"]): SafeHtml {
  const parts = [
    counts.ERROR
      ? html`<span class="e">${counts.ERROR} error${counts.ERROR === 1 ? "" : "s"}</span>`
      : "",
    counts.WARNING
      ? html`<span class="w">${counts.WARNING} warning${counts.WARNING === 1 ? "" : "s"}</span>`
      : "",
    counts.INFO ? html`<span class="i">${counts.INFO} info</span>` : "",
  ];
  return counts.ERROR || counts.WARNING || counts.INFO
    ? html`${parts}`
    : html`<span class="muted">—</span>`;
}

/** One row of the runs table. The page script fills the same `data-field`s when a run changes. */
export function runRow(run: Run): SafeHtml {
  return html`<tr data-run-id="${run.id}" data-updated="${run.updated_at}">
  <td><a class="mono" data-field="link" href="/runs/${encodeURIComponent(run.id)}">${run.id.slice(0, 8)}</a></td>
  <td data-field="validator">${run.validator_id}</td>
  <td><span class="badge ${run.status}" data-field="status">${run.status}</span></td>
  <td class="counts" data-field="counts">${countsHtml(run.finding_counts)}</td>
  <td data-field="created">${formatTime(run.created_at)}</td>
  <td class="num" data-field="duration">${runDuration(run)}</td>
</tr>`;
}

/** An empty row for the page script to clone when a new run appears. */
export const ROW_TEMPLATE = html`<template id="run-row"><tr data-run-id="" data-updated="">
  <td><a class="mono" data-field="link" href="/"></a></td>
  <td data-field="validator"></td>
  <td><span class="badge" data-field="status"></span></td>
  <td class="counts" data-field="counts"></td>
  <td data-field="created"></td>
  <td class="num" data-field="duration"></td>
</tr></template>`;
