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
import { isValidibotError } from "@validibot/contracts";
import { SeededRandom } from "@validibot/sdk";
import { Agent } from "undici";
import { quietSqliteWarning } from "../examples/express-server/src/quiet-sqlite-warning";
import { createValidibotClient } from "../packages/sdk/src/client";
import { drive } from "./lib/load";
import { alternatingSubmission } from "./lib/submissions";
import { checkRuns } from "./load-test/check";
import { deliverCallbacks } from "./load-test/deliver";
import { type LoadTestOptions, parseOptions } from "./load-test/options";
import { assignRoles } from "./load-test/roles";
import { startLoadServer } from "./load-test/server";
import { bump, failures, newTally, note, type Tally, toJson, toMarkdown } from "./load-test/tally";
import {
  type PlannedResult,
  type PlayedAttempt,
  planResult,
  playValidator,
  validatorStorage,
} from "./load-test/validator-double";

/** Runs `phase`, then records its wall time and how many items it handled. */
async function timed(tally: Tally, name: string, phase: () => Promise<number>): Promise<void> {
  const t0 = performance.now();
  const items = await phase();
  tally.phases[name] = { ms: performance.now() - t0, items };
}

async function main(options: LoadTestOptions, tally: Tally, dataDir: string): Promise<void> {
  const random = new SeededRandom(options.seed);
  const roles = assignRoles(options.runs, options.duplicateRate, options.forgeRate, random);
  const results: PlannedResult[] = roles.map((_, i) => planResult(random, i));
  const server = await startLoadServer(dataDir);
  const agent = new Agent({ keepAliveTimeout: 60_000, connect: { timeout: 60_000 } });
  try {
    const client = createValidibotClient({
      baseUrl: server.url,
      token: server.token,
      timeoutMs: 120_000,
      retries: 0,
      dispatcher: agent,
    });

    const runIds: (string | null)[] = new Array(options.runs).fill(null);
    await timed(tally, "1. submit (multipart POSTs)", async () => {
      const submitted = await drive(options.runs, options.concurrency, async (i) => {
        try {
          const run = await client.submitRun(alternatingSubmission(i));
          runIds[i] = run.id;
          tally.submitted += 1;
        } catch (error) {
          const code = isValidibotError(error) ? error.code : String(error);
          bump(tally.submitRefused, code);
          note(tally, `submission #${i}: ${code}`);
        }
      });
      tally.submitLatencies = submitted.latencies.filter((_, i) => runIds[i] !== null);
      return options.runs;
    });

    const launches = new Map<string, number>();
    const inputByRun = new Map<string, string>();
    for (const launch of server.launcher.launches) {
      launches.set(launch.run.id, (launches.get(launch.run.id) ?? 0) + 1);
      if (!inputByRun.has(launch.run.id)) inputByRun.set(launch.run.id, launch.inputUri);
    }
    const storage = validatorStorage(server.bundlesRoot);
    const played: (PlayedAttempt | null)[] = new Array(options.runs).fill(null);
    await timed(tally, "2. read input.json, write output.json", async () => {
      await drive(options.runs, options.concurrency, async (i) => {
        const inputUri = runIds[i] ? inputByRun.get(runIds[i] as string) : undefined;
        if (!inputUri) return;
        try {
          played[i] = await playValidator(storage, inputUri, results[i] as PlannedResult);
        } catch (error) {
          note(tally, `validator of run #${i}: ${(error as Error).message}`);
        }
      });
      return played.filter(Boolean).length;
    });

    await timed(tally, "3. callbacks (every POST)", async () => {
      await deliverCallbacks({
        dispatcher: agent,
        workerKey: server.workerKey,
        played,
        roles,
        concurrency: options.concurrency,
        tally,
      });
      return tally.callbacksPosted;
    });

    await timed(tally, "4. check every run (GET run, findings)", async () => {
      await checkRuns({
        client,
        runIds,
        results: results.map((result, i) => (played[i] ? result : null)),
        launches,
        concurrency: Math.min(options.concurrency, 64),
        tally,
      });
      return tally.submitted;
    });
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
