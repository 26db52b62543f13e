import type { Finding, Run } from "@validibot/contracts";

/** `2025-01-31 14:05:09 UTC` of an ISO timestamp; an em dash for none. */
export function formatTime(iso: string | null): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `850 ms`, `12.4 s`, `3 min 05 s`, `2 h 07 min` between two ISO timestamps; an em dash when either is missing. */
export function formatDuration(fromIso: string | null, toIso: string | null): string {
  if (!fromIso || !toIso) return "—";
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** How long a run took, or has been going: from start (or creation) to finish (or `now`). */
export function runDuration(run: Run, now: Date = new Date()): string {
  return formatDuration(run.started_at ?? run.created_at, run.finished_at ?? now.toISOString());
}

/** `512 B`, `3.4 KiB`, `12.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A finding's location as one line: `primary-model · Zone/ZN1 · line 12:4`; empty when it has none. */
export function formatLocation(location: Finding["location"]): string {
  if (!location) return "";
  const parts: string[] = [];
  if (location.file_role) parts.push(location.file_role);
  if (location.path) parts.push(location.path);
  if (location.line !== null)
    parts.push(`line ${location.line}${location.column !== null ? `:${location.column}` : ""}`);
  return parts.join(" · ");
}

/** A metric value for people: numbers with thousands separators and at most 3 decimals. */
export function formatValue(value: number | string): string {
  if (typeof value === "string") return value;
  return value.toLocaleString("en-US", { maximumFractionDigits: 3 });
}
