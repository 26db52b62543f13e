import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { ModelObject, ParsedModel } from "./model";

/** What the working copy changes in the model. */
export interface WorkingCopyEdits {
  /** Replaces every `Timestep` with one of this many steps per hour. */
  timestepPerHour: number;
  /** When set, shortens each `RunPeriod` to this many days from its begin date (within one year). */
  runPeriodDays: number | null;
}

/** Reports every run needs for its metrics, added to `Output:Table:SummaryReports`. */
export const REQUIRED_SUMMARY_REPORT = "AllSummary";

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The end month and day `days` days after (and including) a begin date, clamped to Dec 31. */
export function endOfPeriod(
  beginMonth: number,
  beginDay: number,
  days: number,
): { month: number; day: number } {
  let dayOfYear = beginDay - 1;
  for (let m = 0; m < beginMonth - 1; m++) dayOfYear += DAYS_IN_MONTH[m] ?? 0;
  dayOfYear = Math.min(364, dayOfYear + Math.max(1, days) - 1);
  let month = 0;
  while (dayOfYear >= (DAYS_IN_MONTH[month] ?? 31)) {
    dayOfYear -= DAYS_IN_MONTH[month] ?? 31;
    month++;
  }
  return { month: month + 1, day: dayOfYear + 1 };
}

function idfObject(type: string, fields: { value: string; note?: string | null }[]): string {
  if (fields.length === 0) return `\n${type};\n`;
  const lines = fields.map((f, i) => {
    const text = `    ${f.value}${i === fields.length - 1 ? ";" : ","}`;
    return f.note ? `${text.padEnd(30)}!- ${f.note}` : text;
  });
  return `\n${type},\n${lines.join("\n")}\n`;
}

function fieldIndex(object: ModelObject, note: RegExp, fallback: number): number {
  const i = object.fields.findIndex((f) => f.name !== null && note.test(f.name));
  return i >= 0 ? i : fallback;
}

function shortenedRunPeriod(object: ModelObject, days: number): string {
  const fields = object.fields.map((f) => ({ value: f.value, note: f.name }));
  const bm = fieldIndex(object, /^begin month$/i, 1);
  const bd = fieldIndex(object, /^begin day of month$/i, 2);
  const em = fieldIndex(object, /^end month$/i, 4);
  const ed = fieldIndex(object, /^end day of month$/i, 5);
  const end = endOfPeriod(Number(fields[bm]?.value) || 1, Number(fields[bd]?.value) || 1, days);
  while (fields.length <= Math.max(em, ed)) fields.push({ value: "", note: null });
  const endMonth = fields[em];
  const endDay = fields[ed];
  if (endMonth) endMonth.value = String(end.month);
  if (endDay) endDay.value = String(end.day);
  return idfObject(object.type, fields);
}

/**
 * Writes the copy of an IDF model that is simulated: every `Timestep` replaced by the requested
 * one, `Output:SQLite` set to `SimpleAndTabular`, `Output:Table:SummaryReports` made to include
 * `AllSummary` (keeping the reports the model asked for), and `RunPeriod`s shortened when
 * `runPeriodDays` is set. The rest of the text is copied unchanged as a stream.
 */
async function writeIdfCopy(
  model: ParsedModel,
  source: string,
  destination: string,
  edits: WorkingCopyEdits,
): Promise<void> {
  const replacements: { start: number; end: number; text: string }[] = [];
  const reports = new Set<string>();
  for (const object of model.objects) {
    if (!object.span) continue;
    const type = object.type.toLowerCase();
    if (type === "timestep" || type === "output:sqlite") {
      replacements.push({ ...object.span, text: "" });
    } else if (type === "output:table:summaryreports") {
      for (const f of object.fields) if (f.value !== "") reports.add(f.value);
      replacements.push({ ...object.span, text: "" });
    } else if (type === "runperiod" && edits.runPeriodDays !== null) {
      replacements.push({
        ...object.span,
        text: shortenedRunPeriod(object, edits.runPeriodDays).trim(),
      });
    }
  }
  replacements.sort((a, b) => a.start - b.start);
  if (![...reports].some((r) => r.toLowerCase().startsWith("allsummary")))
    reports.add(REQUIRED_SUMMARY_REPORT);
  const appended = [
    "\n\n! ---- added by the Validibot EnergyPlus validator ----",
    idfObject("Timestep", [
      { value: String(edits.timestepPerHour), note: "Number of Timesteps per Hour" },
    ]),
    idfObject("Output:SQLite", [{ value: "SimpleAndTabular", note: "Option Type" }]),
    idfObject(
      "Output:Table:SummaryReports",
      [...reports].map((r, i) => ({ value: r, note: `Report ${i + 1} Name` })),
    ),
  ].join("");

  const out = createWriteStream(destination);
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let offset = 0;
  let next = 0;
  const write = async (text: string) => {
    if (text !== "" && !out.write(text)) await once(out, "drain");
  };
  const emit = async (text: string) => {
    // `text` covers [offset, offset + text.length) of the decoded model.
    let pos = 0;
    while (pos < text.length) {
      const r = replacements[next];
      const abs = offset + pos;
      if (!r || abs + (text.length - pos) <= r.start) {
        await write(text.slice(pos));
        pos = text.length;
      } else if (abs < r.start) {
        await write(text.slice(pos, r.start - offset));
        pos = r.start - offset;
      } else if (abs < r.end) {
        if (abs === r.start) await write(r.text);
        pos = Math.min(text.length, r.end - offset);
        if (offset + pos >= r.end) next++;
      } else {
        next++;
      }
    }
    offset += text.length;
  };
  try {
    for await (const chunk of createReadStream(source) as AsyncIterable<Buffer>) {
      await emit(decoder.decode(chunk, { stream: true }));
    }
    await emit(decoder.decode());
    await write(appended);
  } finally {
    out.end();
    await once(out, "close");
  }
}

function setAll(doc: Record<string, unknown>, type: string, body: Record<string, unknown>): void {
  for (const key of Object.keys(doc)) if (key.toLowerCase() === type.toLowerCase()) delete doc[key];
  doc[type] = { [`${type} 1`]: body };
}

/** The same edits as `writeIdfCopy`, made in the epJSON document. */
async function writeEpJsonCopy(
  model: ParsedModel,
  destination: string,
  edits: WorkingCopyEdits,
): Promise<void> {
  const doc = structuredClone(model.document ?? {});
  setAll(doc, "Timestep", { number_of_timesteps_per_hour: edits.timestepPerHour });
  setAll(doc, "Output:SQLite", { option_type: "SimpleAndTabular" });
  const reports: string[] = [];
  for (const [key, group] of Object.entries(doc)) {
    if (key.toLowerCase() !== "output:table:summaryreports" || !group || typeof group !== "object")
      continue;
    for (const body of Object.values(group as Record<string, unknown>)) {
      const list = (body as { reports?: unknown }).reports;
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        const name = (item as { report_name?: unknown } | null)?.report_name;
        if (typeof name === "string" && name.trim() !== "") reports.push(name.trim());
      }
    }
  }
  if (!reports.some((r) => r.toLowerCase().startsWith("allsummary")))
    reports.push(REQUIRED_SUMMARY_REPORT);
  setAll(doc, "Output:Table:SummaryReports", {
    reports: reports.map((report_name) => ({ report_name })),
  });
  if (edits.runPeriodDays !== null) {
    for (const [key, group] of Object.entries(doc)) {
      if (key.toLowerCase() !== "runperiod" || !group || typeof group !== "object") continue;
      for (const body of Object.values(group as Record<string, Record<string, unknown>>)) {
        const end = endOfPeriod(
          Number(body.begin_month) || 1,
          Number(body.begin_day_of_month) || 1,
          edits.runPeriodDays,
        );
        body.end_month = end.month;
        body.end_day_of_month = end.day;
      }
    }
  }
  await writeFile(destination, `${JSON.stringify(doc, null, 2)}\n`);
}

/**
 * Writes the working copy of a model (never the original): see `WorkingCopyEdits`. The
 * destination's extension must match the model's format (`.idf` or `.epJSON`), since EnergyPlus
 * chooses its reader by extension.
 */
export async function writeWorkingCopy(
  model: ParsedModel,
  source: string,
  destination: string,
  edits: WorkingCopyEdits,
): Promise<void> {
  if (model.format === "epjson") await writeEpJsonCopy(model, destination, edits);
  else await writeIdfCopy(model, source, destination, edits);
}
