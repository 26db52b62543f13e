import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { callbackFor, outputFor, writeOutput } from "./act-as-validator";
import { ENERGYPLUS, type Harness, SAMPLE_IDF, startHarness } from "./harness";
import { RecordingLauncher } from "./recording-launcher";

const open: Harness[] = [];
let dir: string;
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("several service instances on one SQLite file", () => {
  it("a new instance takes the callback of a run launched by the first; waitForRun settles on both", async () => {
    dir = mkdtempSync(join(tmpdir(), "validibot-instances-"));
    const launcher = new RecordingLauncher();
    const a = await startHarness({ launcher, dir });
    open.push(a);
    const run = await a.service.submit({
      validatorId: ENERGYPLUS.id,
      files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
    });
    const request = launcher.last;
    const b = await startHarness({ launcher: new RecordingLauncher(), dir });
    open.push(b);
    const waitingA = a.service.waitForRun(run.id, { timeoutMs: 10_000 });
    const waitingB = b.service.waitForRun(run.id, { timeoutMs: 10_000 });
    await writeOutput(b.storage, request, outputFor(request, "success"));
    expect((await b.post(callbackFor(request, "success"))).body).toEqual({ status: "accepted" });
    const [onA, onB] = await Promise.all([waitingA, waitingB]);
    expect(onA.status).toBe("SUCCEEDED");
    expect(onB.status).toBe("SUCCEEDED");
    // the duplicate sent to the first instance is recognised there too
    expect((await a.post(callbackFor(request, "success"))).body).toEqual({
      status: "idempotent_replayed",
    });
  });

  it("identical callbacks split across two instances: exactly one processes", async () => {
    dir = mkdtempSync(join(tmpdir(), "validibot-instances-"));
    const launcher = new RecordingLauncher();
    const a = await startHarness({ launcher, dir });
    const b = await startHarness({ launcher: new RecordingLauncher(), dir });
    open.push(a, b);
    const run = await a.service.submit({
      validatorId: ENERGYPLUS.id,
      files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
    });
    const request = launcher.last;
    await writeOutput(a.storage, request, outputFor(request, "failed_validation"));
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).post(callbackFor(request))),
    );
    expect(answers.filter((x) => x.body.status === "accepted")).toHaveLength(1);
    expect(await a.service.listFindings(run.id)).toHaveLength(3);
  });
});
