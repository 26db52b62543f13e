import { stat } from "node:fs/promises";
import { join } from "node:path";

/** An output file EnergyPlus writes that is worth keeping as an artifact. */
export interface OutputFileSpec {
  file: string;
  type: string;
  mime_type: string;
}

/** The outputs kept as artifacts, when present: the SQLite results, the error log, the tables, the time series. */
export const ARTIFACT_FILES: readonly OutputFileSpec[] = [
  { file: "eplusout.sql", type: "energyplus-sql", mime_type: "application/vnd.sqlite3" },
  { file: "eplusout.err", type: "energyplus-err", mime_type: "text/plain" },
  { file: "eplustbl.htm", type: "energyplus-tables-html", mime_type: "text/html" },
  { file: "eplustbl.csv", type: "energyplus-tables-csv", mime_type: "text/csv" },
  { file: "eplusout.csv", type: "timeseries-csv", mime_type: "text/csv" },
];

/** Whether `dir/file` is a file. */
export async function isFile(dir: string, file: string): Promise<boolean> {
  try {
    return (await stat(join(dir, file))).isFile();
  } catch {
    return false;
  }
}

/** The artifact files present in an output folder. */
export async function presentArtifacts(dir: string): Promise<OutputFileSpec[]> {
  const present: OutputFileSpec[] = [];
  for (const spec of ARTIFACT_FILES) if (await isFile(dir, spec.file)) present.push(spec);
  return present;
}
