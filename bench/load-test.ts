// `npm run load-test`: the reference server's runs API and callback endpoint in mock mode on
// 127.0.0.1, with the load test playing every validator. 1,000 runs are submitted at once through
// the typed client; then each launch's output.json is written and its callback posted with the
// Worker-Key, 10% of callbacks sent twice (half at once, half after the first was answered) and
// 5% preceded by a forged one. Every run is then checked through the HTTP API. Bounded in count
// (--runs, at most 20,000) and time (--time-limit, default 300 s); exits non-zero on any run
// ended wrong, lost or doubled, or any forged callback accepted. See docs/load-test.md.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type Finding,
  isTerminalRunStatus,
  isValidibotError,
  type Run,
} from "@validibot/contracts";
import { SeededRandom } from "@validibot/sdk";
import { Agent } from "undici";
import { quietSqliteWarning } from "../examples/express-server/src/quiet-sqlite-warning";
import { createValidibotClient } from "../packages/sdk/src/client";
import { drive } from "./lib/load";
import { type CallbackAnswer, isRetryable, postCallback } from "./load-test/callbacks";
import { FORGERIES, type Forgery } from "./load-test/forgeries";
import { type LoadTestOptions, parseOptions } from "./load-test/options";
import { startLoadServer } from "./load-test/server";
import { bump, failures, newTally, note, type Tally, toJson, toMarkdown } from "./load-test/tally";
import {
  type PlannedResult,
  type PlayedAttempt,
  planResult,
  playValidator,
  validatorStorage,
} from "./load-test/validator-double";

type Role =
  | { kind: "plain" }
  | { kind: "duplicate"; concurrent: boolean }
  | { kind: "forged"; forgery: Forgery };

const MODEL = "Version,24.1;\nBuilding,Load,0,Suburbs,0.04,0.4,FullExterior,25,6;\n";
/** Most tries of one callback (the runtime's own sender tries 3 times; a 409 is retried until the first is done). */
const MAX_TRIES = 40;

/** Which runs get a duplicated or a forged callback: a seeded shuffle, duplicates first. */
function assignRoles(options: LoadTestOptions, random: SeededRandom): Role[] {
  const order = Array.from({ length: options.runs }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const duplicates = Math.round(options.runs * options.duplicateRate);
  const forged = Math.round(options.runs * options.forgeRate);
  const roles: Role[] = order.map(() => ({ kind: "plain" }));
  order.forEach((run, position) => {
    if (position < duplicates) roles[run] = { kind: "duplicate", concurrent: position % 2 === 0 };
    else if (position < duplicates + forged) {
      const forgery = FORGERIES[(position - duplicates) % FORGERIES.length] as Forgery;
      roles[run] = { kind: "forged", forgery };
    }
  });
  return roles;
}

async function main(options: LoadTestOptions, tally: Tally, dataDir: string): Promise<void> {
  const random = new SeededRandom(options.seed);
  const roles = assignRoles(options, random);
  const results: PlannedResult[] = roles.map((_, i) => planResult(random, i));
  const server = await startLoadServer(dataDir);
  const agent = new Agent({ keepAliveTimeout: 60_000, connect: { timeout: 60_000 } });
  try {
    const client = createValidibotClient({
      baseUrl: server.url,
      timeoutMs: 120_000,
      retries: 0,
      dispatcher: agent,
    });

    // 1. submissions, `concurrency` at once
    const runIds: (string | null)[] = new Array(options.runs).fill(null);
    let t0 = performance.now();
    const submitted = await drive(options.runs, options.concurrency, async (i) => {
      try {
        const run = await client.submitRun({
          validator: i % 2 ? "energyplus" : "fmu",
          inputs: {},
          files: [
            i % 2
              ? { port_key: "primary_model", name: "model.idf", data: MODEL }
              : { port_key: "fmu", name: "unit.fmu", data: MODEL },
          ],
        });
        runIds[i] = run.id;
        tally.submitted += 1;
      } catch (error) {
        const code = isValidibotError(error) ? error.code : String(error);
        bump(tally.submitRefused, code);
        note(tally, `submission #${i}: ${code}`);
      }
    });
    tally.submitLatencies = submitted.latencies.filter((_, i) => runIds[i] !== null);
    tally.phases["1. submit (multipart POSTs)"] = {
      ms: performance.now() - t0,
      items: options.runs,
    };

    // 2. each launch played: input.json read, output.json written
    const launchesByRun = new Map<string, number>();
    const inputByRun = new Map<string, string>();
    for (const launch of server.launcher.launches) {
      launchesByRun.set(launch.run.id, (launchesByRun.get(launch.run.id) ?? 0) + 1);
      if (!inputByRun.has(launch.run.id)) inputByRun.set(launch.run.id, launch.inputUri);
    }
    const storage = validatorStorage(server.bundlesRoot);
    const played: (PlayedAttempt | null)[] = new Array(options.runs).fill(null);
    t0 = performance.now();
    await drive(options.runs, options.concurrency, async (i) => {
      const inputUri = runIds[i] ? inputByRun.get(runIds[i] as string) : undefined;
      if (!inputUri) return;
      try {
        played[i] = await playValidator(storage, inputUri, results[i] as PlannedResult);
      } catch (error) {
        note(tally, `validator of run #${i}: ${(error as Error).message}`);
      }
    });
    tally.phases["2. read input.json, write output.json"] = {
      ms: performance.now() - t0,
      items: played.filter(Boolean).length,
    };

    // 3. callbacks: genuine, duplicated, or forged then genuine
    const post = async (attempt: PlayedAttempt, body = attempt.body, key = server.workerKey) => {
      const answer = await postCallback(agent, attempt.callbackUrl, body, key);
      tally.callbacksPosted += 1;
      tally.callbackLatencies.push(answer.ms);
      return answer;
    };
    /** Sends like a validator: again after no answer, a 5xx or a 409. Returns the last answer and whether a 409 came. */
    const send = async (attempt: PlayedAttempt) => {
      let conflict = false;
      for (let tries = 1; ; tries += 1) {
        const answer = await post(attempt);
        if (!isRetryable(answer) || tries >= MAX_TRIES) return { answer, conflict };
        if (answer.status === 409) conflict = true;
        else tally.transientRetries += 1;
        await sleep(answer.status === 409 ? 20 * tries : 200 * tries);
      }
    };
    const describe = (a: CallbackAnswer) => `${a.status} ${a.outcome ?? a.code ?? ""}`.trim();
    const genuine = (i: number, answer: CallbackAnswer) => {
      if (answer.status === 200 && answer.outcome === "accepted") tally.genuineAccepted += 1;
      else {
        tally.genuineWrong += 1;
        note(tally, `run #${i}: genuine callback answered ${describe(answer)}`);
      }
    };
    const duplicate = (i: number, answer: CallbackAnswer, conflict: boolean) => {
      const label = `${conflict ? "409 then " : ""}${describe(answer)}`;
      bump(tally.duplicateAnswers, label);
      const idempotent =
        answer.status === 200 &&
        (answer.outcome === "idempotent_replayed" ||
          (!conflict && answer.outcome === "late_callback_ignored"));
      if (!idempotent) {
        tally.duplicatesWrong += 1;
        note(tally, `run #${i}: duplicate callback answered ${label}`);
      }
    };

    t0 = performance.now();
    await drive(options.runs, options.concurrency, async (i) => {
      const attempt = played[i];
      const role = roles[i] as Role;
      if (!attempt) return;
      if (role.kind === "plain") {
        genuine(i, (await send(attempt)).answer);
      } else if (role.kind === "duplicate") {
        tally.duplicatesSent += 1;
        const [a, b] = role.concurrent
          ? await Promise.all([send(attempt), send(attempt)])
          : [await send(attempt), await send(attempt)];
        // Sent at once, either may be the one processed; the other is the duplicate.
        const firstIsGenuine = !role.concurrent || a.answer.outcome === "accepted";
        const [first, second] = firstIsGenuine ? [a, b] : [b, a];
        genuine(i, first.answer);
        duplicate(i, second.answer, second.conflict);
      } else {
        tally.forgedSent += 1;
        const other = played[(i + 1) % options.runs] ?? played.find((p, j) => p && j !== i);
        const forged = role.forgery.forge(attempt, other ?? attempt, server.workerKey);
        const answer = await post(attempt, forged.body, forged.workerKey);
        const codes = tally.forgedByKind[role.forgery.kind] ?? {};
        tally.forgedByKind[role.forgery.kind] = codes;
        bump(codes, `${answer.code ?? answer.outcome ?? "no answer"} (${answer.status})`);
        if (answer.status >= 200 && answer.status < 300) {
          tally.forgedAccepted += 1;
          note(tally, `run #${i}: forged callback (${role.forgery.kind}) accepted`);
        } else if (answer.status >= 400 && answer.status < 500 && answer.status !== 409) {
          tally.forgedRefused += 1;
        }
        if (answer.code !== role.forgery.expectedCode) {
          tally.forgedUnexpected += 1;
          note(tally, `run #${i}: forged (${role.forgery.kind}) answered ${describe(answer)}`);
        }
        genuine(i, (await send(attempt)).answer);
      }
    });
    tally.phases["3. callbacks (every POST)"] = {
      ms: performance.now() - t0,
      items: tally.callbacksPosted,
    };

    // 4. every run checked through the API: ended as posted, findings as in output.json, once
    t0 = performance.now();
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
    const known = new Set(runIds.filter((id): id is string => id !== null));
    for (const id of listed.keys()) {
      if (!known.has(id)) {
        tally.doubled += 1;
        note(tally, `run ${id} exists but no submission made it`);
      }
    }
    await drive(options.runs, Math.min(options.concurrency, 64), async (i) => {
      const id = runIds[i];
      if (!id) return;
      const run = listed.get(id);
      const expected = results[i] as PlannedResult;
      if (!run || !isTerminalRunStatus(run.status) || !played[i]) {
        tally.lost += 1;
        note(tally, `run #${i} (${id}) lost: ${run ? run.status : "not listed"}`);
        return;
      }
      if ((launchesByRun.get(id) ?? 0) !== 1 || run.attempt_count !== 1) {
        tally.doubled += 1;
        note(tally, `run #${i} launched ${launchesByRun.get(id)} times`);
      }
      const findings: Finding[] = await client.listFindings(id);
      const codes = findings.map((f) => f.code).join(",");
      const wanted = expected.messages.map((m) => m.code).join(",");
      if (findings.length > expected.messages.length) {
        tally.doubled += 1;
        note(
          tally,
          `run #${i}: ${findings.length} findings for ${expected.messages.length} messages`,
        );
      }
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
    tally.phases["4. check every run (GET run, findings)"] = {
      ms: performance.now() - t0,
      items: known.size,
    };
    tally.internalErrors = server.internalErrors.length;
  } finally {
    await server.close();
    await agent.close();
  }
}

function report(tally: Tally, options: LoadTestOptions): void {
  process.stdout.write(toMarkdown(tally, options));
  if (options.jsonPath) {
    writeFileSync(options.jsonPath, `${JSON.stringify(toJson(tally, options), null, 2)}\n`);
  }
  const reasons = failures(tally, options);
  if (reasons.length) process.stderr.write(`\nload test FAILED: ${reasons.join("; ")}\n`);
}

quietSqliteWarning();
let options: LoadTestOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
const tally = newTally();
const dataDir = mkdtempSync(join(tmpdir(), "validibot-load-test-"));
const limit = setTimeout(() => {
  tally.timedOut = true;
  report(tally, options);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
}, options.timeLimitSeconds * 1000);
try {
  await main(options, tally, dataDir);
  clearTimeout(limit);
  report(tally, options);
  process.exitCode = failures(tally, options).length ? 1 : 0;
} catch (error) {
  clearTimeout(limit);
  report(tally, options);
  process.stderr.write(`load test crashed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
