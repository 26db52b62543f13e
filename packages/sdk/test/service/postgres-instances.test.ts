import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  dropSchema,
  skipWithoutPostgres,
  TEST_DATABASE_URL,
} from "../../../../test-support/postgres";
import { PostgresRunStore } from "../../src/store/postgres-store";
import { callbackFor, outputFor, writeOutput } from "./act-as-validator";
import { ENERGYPLUS, type Harness, SAMPLE_IDF, startHarness } from "./harness";
import { RecordingLauncher } from "./recording-launcher";

const url = TEST_DATABASE_URL;
const skip = await skipWithoutPostgres("The PostgreSQL service tests");

const schema = `vbsvc_${process.pid}_${randomUUID().slice(0, 8)}`;
let dir: string;
const open: Harness[] = [];

/** Two service instances on one PostgreSQL schema and one bundle folder, like two Cloud Run instances. */
async function twoInstances(clock?: { now: number }) {
  const launcher = new RecordingLauncher();
  const service = clock ? { now: () => new Date(clock.now), deadlineGraceSeconds: 0 } : {};
  const a = await startHarness({
    launcher,
    dir,
    store: new PostgresRunStore({ connectionString: url, schema }),
    service,
  });
  const b = await startHarness({
    launcher,
    dir,
    store: new PostgresRunStore({ connectionString: url, schema }),
    service,
  });
  open.push(a, b);
  return { a, b, launcher };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "validibot-pg-service-"));
});
afterEach(async () => {
  for (const h of open.splice(0)) await h.close({ keepDir: true });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!skip) await dropSchema(schema);
});

describe.skipIf(skip)("two service instances sharing PostgreSQL", () => {
  it("identical callbacks split between them: exactly one processes, findings not doubled", async () => {
    const { a, b, launcher } = await twoInstances();
    const run = await a.service.submit({
      validatorId: ENERGYPLUS.id,
      files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
    });
    const request = launcher.last;
    await writeOutput(a.storage, request, outputFor(request, "failed_validation"));
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).post(callbackFor(request))),
    );
    expect(answers.filter((x) => x.body.status === "accepted")).toHaveLength(1);
    expect(answers.every((x) => x.status === 200 || x.body.code === "callback_in_progress")).toBe(
      true,
    );
    expect(await b.service.listFindings(run.id)).toHaveLength(3);
    expect((await a.service.getRun(run.id))?.status).toBe("FAILED");
  });

  it("a run completed on instance B settles waitForRun on instance A", async () => {
    const { a, b, launcher } = await twoInstances();
    // A polls rarely: only the database's change feed can settle it quickly.
    await a.close({ keepDir: true });
    open.splice(open.indexOf(a), 1);
    const slowPoller = await startHarness({
      launcher,
      dir,
      store: new PostgresRunStore({ connectionString: url, schema }),
      service: { pollIntervalMs: 60_000 },
    });
    open.push(slowPoller);
    const run = await slowPoller.service.submit({
      validatorId: ENERGYPLUS.id,
      files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
    });
    const waiting = slowPoller.service.waitForRun(run.id, { timeoutMs: 20_000 });
    const request = launcher.last;
    await writeOutput(b.storage, request, outputFor(request, "success"));
    expect((await b.post(callbackFor(request, "success"))).body).toEqual({ status: "accepted" });
    expect((await waiting).status).toBe("SUCCEEDED");
  });

  it("reconcile() on both at once never handles one overdue run twice", async () => {
    const clock = { now: Date.parse("2026-05-01T00:00:00Z") };
    const { a, b, launcher } = await twoInstances(clock);
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      ids.push(
        (
          await a.service.submit({
            validatorId: ENERGYPLUS.id,
            files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
          })
        ).id,
      );
    }
    clock.now += ((ENERGYPLUS.timeout_seconds as number) + 1) * 1000;
    const [ra, rb] = await Promise.all([a.service.reconcile(), b.service.reconcile()]);
    expect(ra.examined + rb.examined).toBe(20);
    expect(ra.timedOut + rb.timedOut).toBe(20);
    // each execution was cancelled exactly once, by one of the two
    const expected: string[] = [];
    for (const id of ids) {
      const run = await a.service.getRun(id);
      expect(run?.status).toBe("TIMED_OUT");
      expected.push(`exec-${run?.current_attempt_id}`);
    }
    expect([...launcher.cancelled].sort()).toEqual(expected.sort());
  });
});
