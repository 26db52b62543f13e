import { readFile } from "node:fs/promises";

/** What `eplusout.end` says: EnergyPlus writes it as its very last act, so its absence means a crash. */
export interface EndFile {
  exists: boolean;
  /** `completed` or `terminated` (fatal error), null when absent or unrecognised. */
  outcome: "completed" | "terminated" | null;
  warnings: number | null;
  severe: number | null;
  text: string | null;
}

/**
 * Reads `eplusout.end` (one line: `EnergyPlus Completed Successfully-- 3 Warning; 0 Severe
 * Errors; Elapsed Time=...` or `EnergyPlus Terminated--Fatal Error Detected. ...`). Reads at
 * most 4 KiB.
 */
export async function readEndFile(path: string): Promise<EndFile> {
  let text: string;
  try {
    const buf = await readFile(path);
    text = buf.subarray(0, 4096).toString("utf8").trim();
  } catch {
    return { exists: false, outcome: null, warnings: null, severe: null, text: null };
  }
  const outcome = text.includes("Completed Successfully")
    ? "completed"
    : text.includes("Terminated")
      ? "terminated"
      : null;
  const m = /(\d+)\s+Warning;\s*(\d+)\s+Severe/.exec(text);
  return {
    exists: true,
    outcome,
    warnings: m ? Number(m[1]) : null,
    severe: m ? Number(m[2]) : null,
    text,
  };
}
