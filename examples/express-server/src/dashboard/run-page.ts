import { type Finding, isTerminalRunStatus, type Run } from "@validibot/contracts";
import {
  formatBytes,
  formatDuration,
  formatLocation,
  formatTime,
  formatValue,
  runDuration,
} from "./format";
import { html, jsonForScript, type SafeHtml } from "./html";
import type { Page } from "./layout";
import { countsHtml } from "./run-row";
import { RUN_PAGE_SCRIPT } from "./scripts";

function findingsTable(findings: Finding[]): SafeHtml {
  if (findings.length === 0) return html`<p class="empty">No findings.</p>`;
  return html`<table id="findings">
  <thead><tr><th>Severity</th><th>Code</th><th>Message</th><th>Location</th></tr></thead>
  <tbody>${findings.map(
    (finding) => html`<tr data-severity="${finding.severity}">
    <td><span class="badge ${finding.severity}">${finding.severity}</span></td>
    <td class="mono">${finding.code ?? ""}</td>
    <td>${finding.message}</td>
    <td class="muted">${formatLocation(finding.location)}</td>
  </tr>`,
  )}</tbody>
</table>`;
}

function metricsTable(run: Run): SafeHtml {
  if (run.metrics.length === 0) return html`<p class="empty">No metrics.</p>`;
  return html`<table id="metrics">
  <thead><tr><th>Metric</th><th>Value</th><th>Unit</th><th>Category</th></tr></thead>
  <tbody>${run.metrics.map(
    (metric) => html`<tr>
    <td class="mono">${metric.name}</td>
    <td class="num">${formatValue(metric.value)}</td>
    <td>${metric.unit ?? ""}</td>
    <td class="muted">${metric.category ?? ""}</td>
  </tr>`,
  )}</tbody>
</table>`;
}

function artifactsTable(run: Run): SafeHtml {
  if (run.artifacts.length === 0) return html`<p class="empty">No artifacts.</p>`;
  const base = `/api/v1/validation-runs/${encodeURIComponent(run.id)}/artifacts/`;
  return html`<table id="artifacts">
  <thead><tr><th>Artifact</th><th>Type</th><th>Size</th></tr></thead>
  <tbody>${run.artifacts.map(
    (artifact) => html`<tr>
    <td><a href="${base}${encodeURIComponent(artifact.name)}" download>${artifact.name}</a></td>
    <td class="muted">${artifact.type}${artifact.mime_type ? html` · ${artifact.mime_type}` : ""}</td>
    <td class="num">${formatBytes(artifact.size_bytes)}</td>
  </tr>`,
  )}</tbody>
</table>`;
}

function filesTable(run: Run): SafeHtml {
  if (run.files.length === 0) return html`<p class="empty">No files.</p>`;
  return html`<table id="files">
  <thead><tr><th>Port</th><th>File</th><th>Type</th><th>Size</th><th>SHA-256</th></tr></thead>
  <tbody>${run.files.map(
    (file) => html`<tr>
    <td class="mono">${file.port_key}</td>
    <td>${file.name}</td>
    <td class="muted">${file.mime_type}</td>
    <td class="num">${formatBytes(file.size_bytes)}</td>
    <td class="mono muted" title="${file.sha256}">${file.sha256.slice(0, 12)}…</td>
  </tr>`,
  )}</tbody>
</table>`;
}

/** A run's page: status, timing, error, findings, metrics, artifacts, files and inputs. */
export function runPage(run: Run, findings: Finding[], traceId: string | null = null): Page {
  const terminal = isTerminalRunStatus(run.status);
  const pageData = { id: run.id, status: run.status, updated_at: run.updated_at, terminal };
  const body = html`<h1>
  Run <span class="mono">${run.id}</span>
  <span class="badge ${run.status}" id="run-status">${run.status}</span>
  ${terminal ? "" : html`<span class="live" id="live">connecting…</span>`}
</h1>
${
  run.error_category || run.error_message
    ? html`<div class="error-box" id="run-error"><strong>${run.error_category ?? "Error"}</strong>${run.error_message ? html`: ${run.error_message}` : ""}</div>`
    : ""
}
<div class="grid2">
<section class="panel">
  <h2>Summary</h2>
  <dl class="facts">
    <dt>Validator</dt><dd>${run.validator_id} <span class="muted">(${run.validator_type})</span></dd>
    <dt>Verdict</dt><dd>${run.result_status ?? "—"}</dd>
    <dt>Findings</dt><dd class="counts">${countsHtml(run.finding_counts)}</dd>
    <dt>Attempts</dt><dd>${run.attempt_count}</dd>
    <dt>Organization</dt><dd>${run.org_id}</dd>
    <dt>Trace</dt><dd class="mono" id="trace-id">${traceId ?? "—"}</dd>
  </dl>
  ${terminal ? "" : html`<p><button class="secondary" id="cancel" type="button">Cancel run</button> <span class="form-error" id="cancel-error"></span></p>`}
</section>
<section class="panel">
  <h2>Timing</h2>
  <dl class="facts">
    <dt>Created</dt><dd>${formatTime(run.created_at)}</dd>
    <dt>Started</dt><dd>${formatTime(run.started_at)}</dd>
    <dt>Finished</dt><dd>${formatTime(run.finished_at)}</dd>
    <dt>Queued for</dt><dd>${formatDuration(run.created_at, run.started_at)}</dd>
    <dt>${terminal ? "Took" : "Running for"}</dt><dd>${runDuration(run)}</dd>
    ${terminal ? "" : html`<dt>Deadline</dt><dd>${formatTime(run.deadline_at)}</dd>`}
  </dl>
</section>
</div>
<section class="panel"><h2>Findings</h2>${findingsTable(findings)}</section>
<div class="grid2">
<section class="panel"><h2>Metrics</h2>${metricsTable(run)}</section>
<section class="panel"><h2>Artifacts</h2>${artifactsTable(run)}</section>
</div>
<section class="panel"><h2>Files</h2>${filesTable(run)}</section>
<section class="panel"><h2>Inputs</h2><pre class="mono">${JSON.stringify(run.inputs, null, 2)}</pre></section>
<script type="application/json" id="page-data">${jsonForScript(pageData)}</script>`;
  return { title: `Run ${run.id.slice(0, 8)}`, body, script: RUN_PAGE_SCRIPT, nav: "runs" };
}

/** The page of a run that does not exist. */
export function runNotFoundPage(id: string): Page {
  return {
    title: "Run not found",
    body: html`<h1>Run not found</h1><section class="panel"><p>There is no run <span class="mono">${id}</span>. <a href="/">Back to the runs</a>.</p></section>`,
    nav: "runs",
  };
}
