/**
 * The runs page's script: applies `run` events from `/events` (Server-Sent Events) to the table,
 * adding new runs on the first page, and on every (re)connection fetches the current state from
 * the JSON API so nothing missed while disconnected stays stale. Builds rows from the page's
 * `<template>` with `textContent` only.
 */
export const RUNS_PAGE_SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const tbody = document.getElementById("runs-body");
  const live = document.getElementById("live");
  const TERMINAL = ["SUCCEEDED", "FAILED", "CANCELED", "TIMED_OUT"];
  const time = (iso) => (iso ? iso.slice(0, 19).replace("T", " ") + " UTC" : "\\u2014");
  const duration = (run) => {
    const from = Date.parse(run.started_at || run.created_at);
    const to = run.finished_at ? Date.parse(run.finished_at) : Date.now();
    const ms = to - from;
    if (!Number.isFinite(ms) || ms < 0) return "\\u2014";
    if (ms < 1000) return ms + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
    const s = Math.round(ms / 1000);
    if (s < 3600) return Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s";
    const m = Math.round(s / 60);
    return Math.floor(m / 60) + " h " + String(m % 60).padStart(2, "0") + " min";
  };
  const field = (row, name) => row.querySelector('[data-field="' + name + '"]');
  function counts(cell, c) {
    cell.replaceChildren();
    const add = (n, cls, one, many) => {
      if (!n) return;
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = n + " " + (n === 1 ? one : many);
      cell.append(span);
    };
    add(c.ERROR, "e", "error", "errors");
    add(c.WARNING, "w", "warning", "warnings");
    add(c.INFO, "i", "info", "info");
    if (!cell.childNodes.length) {
      const none = document.createElement("span");
      none.className = "muted";
      none.textContent = "\\u2014";
      cell.append(none);
    }
  }
  function fill(row, run) {
    row.dataset.runId = run.id;
    row.dataset.updated = run.updated_at;
    const link = field(row, "link");
    link.href = "/runs/" + encodeURIComponent(run.id);
    link.textContent = run.id.slice(0, 8);
    field(row, "validator").textContent = run.validator_id;
    const badge = field(row, "status");
    badge.className = "badge " + run.status;
    badge.textContent = run.status;
    counts(field(row, "counts"), run.finding_counts);
    field(row, "created").textContent = time(run.created_at);
    field(row, "duration").textContent = duration(run);
  }
  function apply(run) {
    let row = null;
    for (const candidate of tbody.querySelectorAll("tr[data-run-id]")) {
      if (candidate.dataset.runId === run.id) row = candidate;
    }
    if (row) {
      if (row.dataset.updated && row.dataset.updated > run.updated_at) return;
      fill(row, run);
      return;
    }
    if (!data.firstPage || (data.status && data.status !== run.status)) return;
    row = document.getElementById("run-row").content.firstElementChild.cloneNode(true);
    fill(row, run);
    tbody.prepend(row);
    const empty = document.getElementById("no-runs");
    if (empty) empty.remove();
  }
  async function refresh() {
    if (data.firstPage) {
      const query = "?limit=" + data.limit + (data.status ? "&status=" + encodeURIComponent(data.status) : "");
      const response = await fetch("/api/v1/validation-runs" + query);
      if (response.ok) for (const run of (await response.json()).items.reverse()) apply(run);
      return;
    }
    for (const row of tbody.querySelectorAll("tr[data-run-id]")) {
      if (TERMINAL.includes(field(row, "status").textContent)) continue;
      const response = await fetch("/api/v1/validation-runs/" + encodeURIComponent(row.dataset.runId));
      if (response.ok) apply(await response.json());
    }
  }
  const events = new EventSource("/events");
  events.addEventListener("run", (event) => apply(JSON.parse(event.data)));
  events.addEventListener("open", () => {
    live.textContent = "\\u25cf live";
    live.dataset.state = "live";
    refresh().catch(() => {});
  });
  events.addEventListener("error", () => {
    live.textContent = "reconnecting\\u2026";
    live.dataset.state = "reconnecting";
  });
})();
`;

/**
 * The run page's script: while the run has not ended, reloads the page when `/events` (or the
 * JSON API, checked on every (re)connection) shows its status changed; and the cancel button.
 */
export const RUN_PAGE_SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const live = document.getElementById("live");
  const apiUrl = "/api/v1/validation-runs/" + encodeURIComponent(data.id);
  const cancel = document.getElementById("cancel");
  if (cancel) {
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      const csrf = document.querySelector('meta[name="csrf-token"]');
      const response = await fetch(apiUrl + "/cancel", {
        method: "POST",
        headers: csrf ? { "x-csrf-token": csrf.content } : {},
      });
      if (response.ok) return location.reload();
      const body = await response.json().catch(() => null);
      document.getElementById("cancel-error").textContent = body ? body.code + ": " + body.message : "HTTP " + response.status;
      cancel.disabled = false;
    });
  }
  if (data.terminal) return;
  const changed = (run) => run.status !== data.status || run.updated_at !== data.updated_at;
  const events = new EventSource("/events?run=" + encodeURIComponent(data.id));
  events.addEventListener("run", (event) => {
    if (changed(JSON.parse(event.data))) {
      events.close();
      location.reload();
    }
  });
  events.addEventListener("open", async () => {
    if (live) live.textContent = "\\u25cf live";
    const response = await fetch(apiUrl);
    if (response.ok && changed(await response.json())) {
      events.close();
      location.reload();
    }
  });
  events.addEventListener("error", () => {
    if (live) live.textContent = "reconnecting\\u2026";
  });
})();
`;

/**
 * The submit page's script: posts a form with `fetch` (its `_csrf` field sent as the
 * `X-CSRF-Token` header) and opens the new run, or shows the error.
 */
export const SUBMIT_PAGE_SCRIPT = `
(() => {
  for (const form of document.querySelectorAll("form.submit")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const out = form.querySelector(".form-error");
      const button = form.querySelector("button");
      out.textContent = "";
      button.disabled = true;
      try {
        const data = new FormData(form);
        const csrf = data.get("_csrf");
        data.delete("_csrf");
        const response = await fetch(form.action, {
          method: "POST",
          body: data,
          headers: typeof csrf === "string" ? { "x-csrf-token": csrf } : {},
        });
        const body = await response.json().catch(() => null);
        if (response.status === 201 && body) {
          location.href = "/runs/" + encodeURIComponent(body.id);
          return;
        }
        out.textContent = body && body.code ? body.code + ": " + body.message : "HTTP " + response.status;
      } catch (error) {
        out.textContent = String(error);
      } finally {
        button.disabled = false;
      }
    });
  }
})();
`;
