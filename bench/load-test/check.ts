import { type Finding, isTerminalRunStatus, type Run } from "@validibot/contracts";
import type { ValidibotClient } from "../../packages/sdk/src/client";
import { drive } from "../lib/load";
import { note, type Tally } from "./tally";
import type { PlannedResult } from "./validator-double";

/** What `checkRuns` compares. */
export interface RunsToCheck {
  client: ValidibotClient;
  /** The id each submission was answered with (null: refused). */
  runIds: (string | null)[];
  /** The result played for each run (null: its validator never ran). */
  results: (PlannedResult | null)[];
  /** How many times the launcher was asked to launch each run. */
  launches: Map<string, number>;
  concurrency: number;
  tally: Tally;
}

/** Every run, through the API, page by page. Counts a run listed twice as doubled. */
async function listAll(client: ValidibotClient, tally: Tally): Promise<Map<string, Run>> {
  const listed = new Map<string, Run>();
  let cursor: string | undefined;
  do {
    const page = await client.listRuns({ limit: 200, ...(cursor ? { cursor } : {}) });
    for (const run of page.items) {
      if (listed.has(run.id)) {
        tally.doubled += 1;
        note(tally, `run ${run.id} listed twice`);
      }
      listed.set(run.id, run);
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return listed;
}

/**
 * Checks every run through the HTTP API: each submitted run is listed, launched once and ended as
 * its result says (status, error category, result status), with exactly its output's messages as
 * findings (count and codes, in order); no run exists that no submission made. Counts runs ended
 * correctly or wrong, lost and doubled in `tally`.
 */
export async function checkRuns(check: RunsToCheck): Promise<void> {
  const { client, runIds, results, launches, tally } = check;
  const listed = await listAll(client, tally);
  const known = new Set(runIds.filter((id): id is string => id !== null));
  for (const id of listed.keys()) {
    if (!known.has(id)) {
      tally.doubled += 1;
      note(tally, `run ${id} exists but no submission made it`);
    }
  }
  await drive(runIds.length, check.concurrency, async (i) => {
    const id = runIds[i];
    if (!id) return;
    const run = listed.get(id);
    const expected = results[i];
    if (!run || !isTerminalRunStatus(run.status) || !expected) {
      tally.lost += 1;
      note(tally, `run #${i} (${id}) lost: ${run ? run.status : "not listed"}`);
      return;
    }
    if ((launches.get(id) ?? 0) !== 1 || run.attempt_count !== 1) {
      tally.doubled += 1;
      note(tally, `run #${i} launched ${launches.get(id) ?? 0} times`);
    }
    const findings: Finding[] = await client.listFindings(id);
    if (findings.length > expected.messages.length) {
      tally.doubled += 1;
      note(
        tally,
        `run #${i}: ${findings.length} findings for ${expected.messages.length} messages`,
      );
    }
    const codes = findings.map((f) => f.code).join(",");
    const wanted = expected.messages.map((m) => m.code).join(",");
    if (
      run.status === expected.runStatus &&
      run.error_category === expected.errorCategory &&
      run.result_status === expected.status &&
      findings.length === expected.messages.length &&
      codes === wanted
    ) {
      tally.endedCorrectly += 1;
    } else {
      tally.endedWrong += 1;
      note(
        tally,
        `run #${i}: ${run.status}/${run.error_category}/${run.result_status} with ${findings.length} findings; posted ${expected.status} with ${expected.messages.length}`,
      );
    }
  });
}
