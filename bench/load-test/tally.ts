import { machine, percentile } from "../lib/report";
import type { LoadTestOptions } from "./options";

/** Everything the load test counts; the report and the exit code are made from it. */
export interface Tally {
  submitted: number;
  /** Submissions the server refused or never answered, by code. */
  submitRefused: Record<string, number>;
  endedCorrectly: number;
  endedWrong: number;
  lost: number;
  doubled: number;
  callbacksPosted: number;
  genuineAccepted: number;
  /** Genuine callbacks answered with anything but `accepted` in the end. */
  genuineWrong: number;
  /** Posts a sender retried after no answer or a 5xx. */
  transientRetries: number;
  duplicatesSent: number;
  /** How duplicates were answered: `200 idempotent_replayed`, `409 then 200 idempotent_replayed`, ... */
  duplicateAnswers: Record<string, number>;
  duplicatesWrong: number;
  forgedSent: number;
  forgedRefused: number;
  forgedAccepted: number;
  /** Refusals by `kind -> code (status)`. */
  forgedByKind: Record<string, Record<string, number>>;
  /** Forged callbacks refused with another code than the one their kind must get (or not refused). */
  forgedUnexpected: number;
  /** Errors the server answered as `internal_error`. */
  internalErrors: number;
  submitLatencies: number[];
  callbackLatencies: number[];
  /** Wall time of each phase, with how many items it handled. */
  phases: Record<string, { ms: number; items: number }>;
  /** A few examples of what went wrong, for a person reading a failure. */
  problems: string[];
  timedOut: boolean;
}

/** An empty tally. */
export function newTally(): Tally {
  return {
    submitted: 0,
    submitRefused: {},
    endedCorrectly: 0,
    endedWrong: 0,
    lost: 0,
    doubled: 0,
    callbacksPosted: 0,
    genuineAccepted: 0,
    genuineWrong: 0,
    transientRetries: 0,
    duplicatesSent: 0,
    duplicateAnswers: {},
    duplicatesWrong: 0,
    forgedSent: 0,
    forgedRefused: 0,
    forgedAccepted: 0,
    forgedByKind: {},
    forgedUnexpected: 0,
    internalErrors: 0,
    submitLatencies: [],
    callbackLatencies: [],
    phases: {},
    problems: [],
    timedOut: false,
  };
}

/** Adds one to `counts[key]`. */
export function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Keeps a problem's description, up to 20 of them. */
export function note(tally: Tally, problem: string): void {
  if (tally.problems.length < 20) tally.problems.push(problem);
}

/** Why the load test fails, one line per reason; empty when it passes. */
export function failures(tally: Tally, options: LoadTestOptions): string[] {
  const reasons: string[] = [];
  if (tally.timedOut) reasons.push(`the time limit of ${options.timeLimitSeconds} s was reached`);
  const refused = Object.values(tally.submitRefused).reduce((a, b) => a + b, 0);
  if (refused) reasons.push(`${refused} submissions refused`);
  if (tally.endedWrong) reasons.push(`${tally.endedWrong} runs ended wrong`);
  if (tally.lost) reasons.push(`${tally.lost} runs lost`);
  if (tally.doubled) reasons.push(`${tally.doubled} runs doubled`);
  if (tally.forgedAccepted) reasons.push(`${tally.forgedAccepted} forged callbacks accepted`);
  if (tally.forgedUnexpected)
    reasons.push(`${tally.forgedUnexpected} forged callbacks not refused with their code`);
  if (tally.genuineWrong) reasons.push(`${tally.genuineWrong} genuine callbacks not accepted`);
  if (tally.duplicatesWrong) reasons.push(`${tally.duplicatesWrong} duplicates answered wrongly`);
  if (tally.internalErrors) reasons.push(`${tally.internalErrors} internal server errors`);
  if (tally.endedCorrectly !== options.runs && !reasons.length) {
    reasons.push(`${tally.endedCorrectly} of ${options.runs} runs ended correctly`);
  }
  return reasons;
}

const ms = (n: number) => (Number.isNaN(n) ? "" : n >= 100 ? n.toFixed(0) : n.toFixed(1));

function latencyRow(label: string, values: number[]): string {
  const cells = [50, 90, 99, 100].map((p) => ms(percentile(values, p)));
  return `| ${label} | ${cells.join(" | ")} | ${values.length} |`;
}

/** The report as Markdown: the counts, the forged callbacks by kind and code, the latencies. */
export function toMarkdown(tally: Tally, options: LoadTestOptions): string {
  const m = machine();
  const refused = Object.entries(tally.submitRefused).map(([k, v]) => `${k}: ${v}`);
  const rows: [string, string | number][] = [
    ["runs submitted (201)", `${tally.submitted} of ${options.runs}`],
    ["submissions refused", refused.length ? refused.join(", ") : 0],
    ["runs ended correctly", tally.endedCorrectly],
    ["runs ended wrong", tally.endedWrong],
    ["runs lost", tally.lost],
    ["runs doubled", tally.doubled],
    ["callback POSTs (all)", tally.callbacksPosted],
    ["genuine callbacks accepted", tally.genuineAccepted],
    ["genuine callbacks not accepted", tally.genuineWrong],
    ["retries after no answer or 5xx", tally.transientRetries],
    ["duplicated callbacks (sent twice)", tally.duplicatesSent],
    ...Object.entries(tally.duplicateAnswers)
      .sort()
      .map(([k, v]): [string, number] => [`duplicate answered ${k}`, v]),
    ["duplicates answered wrongly", tally.duplicatesWrong],
    ["forged callbacks sent", tally.forgedSent],
    ["forged callbacks refused", tally.forgedRefused],
    ["forged callbacks accepted", tally.forgedAccepted],
    ["forged callbacks not refused with their code", tally.forgedUnexpected],
    ["internal server errors", tally.internalErrors],
  ];
  const lines = [
    "## Load test",
    "",
    `${options.runs} runs, ${options.concurrency} in flight, ${Math.round(options.duplicateRate * 100)}% of callbacks duplicated, ${Math.round(options.forgeRate * 100)}% forged (seed \`${options.seed}\`).`,
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memory_gib} GiB, Node ${m.node}, ${m.platform}.`,
    "",
    "| figure | value |",
    "| --- | ---: |",
    ...rows.map(([label, value]) => `| ${label} | ${value} |`),
    "",
    "| forged callback | answered with: count |",
    "| --- | --- |",
    ...Object.entries(tally.forgedByKind).map(
      ([kind, codes]) =>
        `| ${kind} | ${Object.entries(codes)
          .map(([code, n]) => `${code}: ${n}`)
          .join(", ")} |`,
    ),
    "",
    "| latency (ms) | p50 | p90 | p99 | max | count |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    latencyRow("submission (multipart POST, 201)", tally.submitLatencies),
    latencyRow("callback (every POST)", tally.callbackLatencies),
    "",
    "| phase | wall time (s) | items | items per second |",
    "| --- | ---: | ---: | ---: |",
    ...Object.entries(tally.phases).map(
      ([phase, { ms, items }]) =>
        `| ${phase} | ${(ms / 1000).toFixed(2)} | ${items} | ${((items / ms) * 1000).toFixed(0)} |`,
    ),
  ];
  if (tally.problems.length) lines.push("", "Problems:", ...tally.problems.map((p) => `- ${p}`));
  return `${lines.join("\n")}\n`;
}

/** The report as JSON: the options, the machine, every count and the latency percentiles. */
export function toJson(tally: Tally, options: LoadTestOptions) {
  const summary = (values: number[]) => ({
    count: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: percentile(values, 100),
  });
  const { submitLatencies, callbackLatencies, ...counts } = tally;
  return {
    name: "load-test",
    options,
    machine: machine(),
    ...counts,
    latency_ms: { submission: summary(submitLatencies), callback: summary(callbackLatencies) },
    failures: failures(tally, options),
  };
}
