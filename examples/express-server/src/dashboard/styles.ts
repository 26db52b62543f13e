/** The dashboard's whole stylesheet, inlined in every page (no build step, no external file). */
export const STYLES = `
:root {
  --bg: #f6f7f9; --panel: #fff; --text: #1d2330; --muted: #667085; --line: #e4e7ec;
  --accent: #2f5bea; --ok: #127a43; --ok-bg: #e3f6ea; --bad: #b42318; --bad-bg: #fdeceb;
  --warn: #a15c07; --warn-bg: #fff4e0; --info: #175cd3; --info-bg: #e8f0fe; --idle: #475467; --idle-bg: #eef0f3;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 15px;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); line-height: 1.45; }
header.top { background: #111827; color: #fff; padding: 0.8rem 1.5rem; display: flex; align-items: center; gap: 1.5rem; }
header.top a { color: #d0d5dd; text-decoration: none; }
header.top a:hover { color: #fff; }
header.top .brand { color: #fff; font-weight: 650; letter-spacing: 0.01em; }
header.top .mode { margin-left: auto; font-size: 0.8rem; color: #98a2b3; }
header.top form.logout { margin: 0 0 0 0.75rem; }
header.top form.logout button { padding: 0.2rem 0.6rem; font-size: 0.8rem; }
main { max-width: 1180px; margin: 1.5rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.35rem; margin: 0 0 1rem; display: flex; align-items: center; gap: 0.75rem; flex-wrap: wrap; }
h2 { font-size: 1.05rem; margin: 0 0 0.75rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.25rem; margin-bottom: 1.25rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 0.5rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600; }
tr:last-child td { border-bottom: none; }
td.num { font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.86em; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0.1rem 0.55rem; border-radius: 999px; font-size: 0.78rem; font-weight: 650; letter-spacing: 0.02em; background: var(--idle-bg); color: var(--idle); }
.badge.SUCCEEDED { background: var(--ok-bg); color: var(--ok); }
.badge.FAILED, .badge.TIMED_OUT, .badge.ERROR { background: var(--bad-bg); color: var(--bad); }
.badge.RUNNING, .badge.INFO { background: var(--info-bg); color: var(--info); }
.badge.WARNING { background: var(--warn-bg); color: var(--warn); }
.badge.RUNNING::before { content: ""; display: inline-block; width: 0.5rem; height: 0.5rem; border-radius: 50%; background: currentColor; margin-right: 0.35rem; animation: pulse 1.2s ease-in-out infinite; }
@keyframes pulse { 50% { opacity: 0.25; } }
.counts span { margin-right: 0.6rem; white-space: nowrap; }
.counts .e { color: var(--bad); } .counts .w { color: var(--warn); } .counts .i { color: var(--info); }
nav.filters { display: flex; gap: 0.4rem; flex-wrap: wrap; margin-bottom: 1rem; }
nav.filters a { padding: 0.25rem 0.75rem; border-radius: 999px; border: 1px solid var(--line); background: var(--panel); text-decoration: none; color: var(--text); font-size: 0.85rem; }
nav.filters a.on { background: var(--text); color: #fff; border-color: var(--text); }
.pager { display: flex; justify-content: space-between; margin-top: 0.75rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1.25rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.error-box { border-left: 4px solid var(--bad); background: var(--bad-bg); padding: 0.75rem 1rem; border-radius: 6px; margin-bottom: 1.25rem; }
pre { background: #f2f4f7; padding: 0.75rem; border-radius: 6px; overflow: auto; margin: 0; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 1.25rem; }
@media (max-width: 860px) { .grid2 { grid-template-columns: 1fr; } }
.empty { color: var(--muted); padding: 0.5rem 0; }
form.submit label { display: block; font-weight: 600; margin: 0.75rem 0 0.25rem; }
form.submit .hint { font-weight: 400; color: var(--muted); font-size: 0.85rem; }
form.submit textarea { width: 100%; min-height: 4.5rem; font-family: ui-monospace, monospace; }
button { background: var(--accent); color: #fff; border: none; border-radius: 6px; padding: 0.5rem 1rem; font-size: 0.9rem; cursor: pointer; }
button.secondary { background: var(--idle-bg); color: var(--text); }
.form-error { color: var(--bad); margin-top: 0.5rem; }
.live { font-size: 0.8rem; color: var(--muted); }
`;
