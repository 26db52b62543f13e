// The `e2e-mock` benchmark: the reference server in mock mode, driven through its HTTP API by
// the typed client: 1,000 and then 10,000 runs submitted (multipart), each completed by a real
// HTTP callback from MockLauncher, then every run checked from the store: none lost, none with
// findings doubled. The cost per run at 10,000 should stay within 1.2 times the cost at 1,000.
// Run alone: npx tsx bench/e2e-mock.bench.ts [sizes, default 1000,10000]   (part of `npm run bench`)
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "../examples/express-server/src/create-server";
import { loadSettings } from "../examples/express-server/src/settings";
import { createValidibotClient } from "../packages/sdk/src/client";
import { drive } from "./lib/load";
import { type BenchResult, benchMain, compare, type Figure, percentile } from "./lib/report";
import { alternatingSubmission } from "./lib/submissions";

const CONCURRENCY = 16;

interface SizeResult {
  runs: number;
  wallMs: number;
  submitLatencies: number[];
  lost: number;
  duplicated: number;
  failedOther: number;
}

async function measure(count: number): Promise<SizeResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "validibot-bench-e2e-"));
  const settings = loadSettings({
    VALIDIBOT_MODE: "mock",
    VALIDIBOT_DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "silent",
    VALIDIBOT_MOCK_DELAY_MS: "0",
    RECONCILE_INTERVAL_SECONDS: "0",
  });
  const server = await createServer(settings);
  const running = await server.start();
  try {
    const client = createValidibotClient({
      baseUrl: running.url,
      token: server.apiToken ?? undefined,
      timeoutMs: 60_000,
    });
    const ids: string[] = new Array(count);
    const t0 = performance.now();
    const submitted = await drive(count, CONCURRENCY, async (i) => {
      const run = await client.submitRun(alternatingSubmission(i));
      ids[i] = run.id;
    });
    // every run ends through its callback; wait until none is open
    for (;;) {
      const [pending, running_] = await Promise.all([
        server.store.listRuns({ status: "PENDING", limit: 1 }),
        server.store.listRuns({ status: "RUNNING", limit: 1 }),
      ]);
      if (pending.items.length === 0 && running_.items.length === 0) break;
      if (performance.now() - t0 > 600_000)
        throw new Error("runs did not finish within 10 minutes");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const wallMs = performance.now() - t0;

    let lost = 0;
    let duplicated = 0;
    let failedOther = 0;
    let stored = 0;
    let cursor: string | undefined;
    do {
      const page = await server.store.listRuns({ limit: 500, ...(cursor ? { cursor } : {}) });
      stored += page.items.length;
      for (const run of page.items) {
        if (run.result_status === null) lost += 1;
        if (run.status === "FAILED" && run.error_category !== "VALIDATION_FAILED") failedOther += 1;
        const attempt = await server.store.getAttempt(run.current_attempt_id as string);
        const output = JSON.parse(
          readFileSync(fileURLToPath(attempt?.output_uri as string), "utf8"),
        );
        const findings = await server.store.listFindings(run.id);
        if (findings.length !== output.messages.length) duplicated += 1;
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    lost += Math.max(0, count - stored) + ids.filter((id) => !id).length;
    return {
      runs: count,
      wallMs,
      submitLatencies: submitted.latencies,
      lost,
      duplicated,
      failedOther,
    };
  } finally {
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The benchmark as `npm run bench` runs it. */
export async function run(): Promise<BenchResult> {
  const arg = process.argv[2] && /^[\d,]+$/.test(process.argv[2]) ? process.argv[2] : "1000,10000";
  const sizes = arg.split(",").map(Number);
  const results: SizeResult[] = [];
  for (const size of sizes) results.push(await measure(size));
  const figures: Figure[] = [];
  const small = results[0] as SizeResult;
  for (const r of results) {
    figures.push({
      label: `${r.runs} runs: runs per second`,
      value: (r.runs / r.wallMs) * 1000,
      unit: "1/s",
    });
    figures.push({
      label: `${r.runs} runs: submit p50 latency`,
      value: percentile(r.submitLatencies, 50),
      unit: "ms",
    });
    figures.push({
      label: `${r.runs} runs: submit p99 latency`,
      value: percentile(r.submitLatencies, 99),
      unit: "ms",
    });
    figures.push({ label: `${r.runs} runs: lost`, value: r.lost, unit: "runs" });
    figures.push({
      label: `${r.runs} runs: findings duplicated`,
      value: r.duplicated,
      unit: "runs",
    });
    figures.push({
      label: `${r.runs} runs: failed other than by validation`,
      value: r.failedOther,
      unit: "runs",
    });
  }
  const large = results.at(-1) as SizeResult;
  if (large !== small) {
    figures.push(
      compare(
        `cost per run at ${large.runs}`,
        large.wallMs / large.runs,
        small.wallMs / small.runs,
        "ms",
        `cost per run at ${small.runs}`,
      ),
    );
  }
  return {
    name: "e2e-mock",
    description: `The reference server in mock mode (SQLite, FilesystemStorage, MockLauncher posting real HTTP callbacks with a Worker-Key), driven by the typed client over HTTP, ${CONCURRENCY} submissions at a time; the wall time runs from the first submission to the last run ending. Afterwards every run is checked from the store: a result recorded (none lost) and exactly as many findings as its output.json holds (none duplicated).`,
    figures,
    notes: [`Target: cost per run at the largest size within 1.2x the smallest.`],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMain(run);
