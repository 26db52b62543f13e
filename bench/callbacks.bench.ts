// The `callbacks` benchmark: callbacks per second and latency through the whole host path
// (ID-token check, nonce, bundle, output.json read, identity, one SQLite transaction), against a
// bare Express route that only parses the same JSON body, run side by side.
// Run alone: npx tsx bench/callbacks.bench.ts   (part of `npm run bench`)
import type { AddressInfo } from "node:net";
import express from "express";
import pg from "pg";
import { callbackAudienceFor } from "../packages/sdk/src/auth/audience";
import { GoogleIdTokenAuthenticator } from "../packages/sdk/src/auth/google-id-token";
import { PostgresRunStore } from "../packages/sdk/src/store/postgres-store";
import type { RunStore } from "../packages/sdk/src/store/types";
import { callbackFor, outputFor, writeOutput } from "../packages/sdk/test/service/act-as-validator";
import { ENERGYPLUS, SAMPLE_IDF, startHarness } from "../packages/sdk/test/service/harness";
import { RecordingLauncher } from "../packages/sdk/test/service/recording-launcher";
import { startFakeGoogleIdentity } from "../test-support/google-identity";
import { drive } from "./lib/load";
import { type BenchResult, benchMain, compare, type Figure, percentile } from "./lib/report";

const COUNT = Number(process.env.BENCH_CALLBACKS ?? 400);
const CONCURRENCY = 8;
const SERVICE_ACCOUNT = "validator@fake-project.iam.gserviceaccount.com";

async function bareRoute() {
  const app = express();
  app.post("/api/v1/validation-callbacks/", express.json(), (req, res) => {
    res.json({ status: req.body?.callback_id ? "accepted" : "bad" });
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/validation-callbacks/`;
  return {
    url,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function post(url: string, body: string, token: string) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body,
  });
  const answer = (await response.json()) as { status?: string };
  if (response.status !== 200 || answer.status !== "accepted") {
    throw new Error(`callback answered ${response.status} ${JSON.stringify(answer)}`);
  }
}

/** Measures one store behind the full host path, with the bare route measured right after. */
export async function measureCallbacks(label: string, store?: RunStore): Promise<Figure[]> {
  const identity = await startFakeGoogleIdentity({ serviceAccountEmail: SERVICE_ACCOUNT });
  const launcher = new RecordingLauncher();
  const harness = await startHarness({
    launcher,
    ...(store ? { store } : {}),
    authenticator: (url) =>
      new GoogleIdTokenAuthenticator({
        audience: callbackAudienceFor(url),
        allowedServiceAccounts: [SERVICE_ACCOUNT],
        certsUrl: identity.certsUrl,
      }),
  });
  const bare = await bareRoute();
  try {
    const bodies: string[] = [];
    for (let i = 0; i < COUNT; i += 1) {
      await harness.service.submit({
        validatorId: ENERGYPLUS.id,
        files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
      });
      const request = launcher.last;
      await writeOutput(harness.storage, request, outputFor(request, "failed_validation"));
      bodies.push(JSON.stringify(callbackFor(request)));
    }
    const token = identity.mintIdToken({ aud: callbackAudienceFor(harness.callbackUrl) });
    // warm both paths (certs fetch, JIT) on the bare route and on a spare run
    await drive(50, CONCURRENCY, () => post(bare.url, bodies[0] as string, token));
    const base = await drive(COUNT, CONCURRENCY, (i) => post(bare.url, bodies[i] as string, token));
    const full = await drive(COUNT, CONCURRENCY, (i) =>
      post(harness.callbackUrl, bodies[i] as string, token),
    );
    const rate = (r: { wallMs: number }) => (COUNT / r.wallMs) * 1000;
    return [
      compare(
        `${label}: callbacks per second`,
        rate(full),
        rate(base),
        "1/s",
        "bare Express route",
      ),
      compare(
        `${label}: p50 latency`,
        percentile(full.latencies, 50),
        percentile(base.latencies, 50),
        "ms",
        "bare Express route",
      ),
      compare(
        `${label}: p99 latency`,
        percentile(full.latencies, 99),
        percentile(base.latencies, 99),
        "ms",
        "bare Express route",
      ),
    ];
  } finally {
    await bare.close();
    await harness.close();
    await identity.close();
  }
}

const DATABASE_URL =
  process.env.VALIDIBOT_BENCH_DATABASE_URL ??
  process.env.VALIDIBOT_TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";

/** The PostgreSQL row, in a schema of its own dropped afterwards; null when no database answers. */
async function measurePostgres(): Promise<Figure[] | null> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch {
    return null;
  }
  const schema = `vbbench_${process.pid}`;
  try {
    return await measureCallbacks(
      "PostgreSQL",
      new PostgresRunStore({ connectionString: DATABASE_URL, schema }),
    );
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}

/** The benchmark as `npm run bench` runs it. */
export async function run(): Promise<BenchResult> {
  const figures = await measureCallbacks("SQLite");
  const postgres = await measurePostgres();
  if (postgres) figures.push(...postgres);
  return {
    name: "callbacks",
    description: `${COUNT} callbacks, ${CONCURRENCY} at a time, each with a Google ID token (RS256 verified), a nonce check, output.json read from FilesystemStorage (3 findings, 1 metric) and one SQLite transaction; the baseline is a bare Express route parsing the same JSON body, run right before on the same machine.`,
    figures,
    notes: postgres
      ? [
          `PostgreSQL at ${DATABASE_URL.replace(/\/\/[^@]*@/, "//")} (a local server, same machine).`,
        ]
      : [`No PostgreSQL answered at ${DATABASE_URL}: its row is missing.`],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMain(run);
