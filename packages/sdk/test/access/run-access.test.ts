import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunAccess } from "../../src/access/run-access";
import type { Principal } from "../../src/access/types";
import { WorkerKeyAuthenticator } from "../../src/auth/worker-key";
import { MockLauncher } from "../../src/launchers/mock-launcher";
import { createValidationService, type ValidationService } from "../../src/service";
import { MemoryStorage } from "../../src/storage/memory-storage";
import { MemoryRunStore } from "../../src/store/memory-store";
import { ENERGYPLUS, SAMPLE_IDF, WORKER_KEY } from "../service/harness";

const A: Principal = { token_id: "tok_a", org: { id: "org-a", name: "A" }, scopes: ["admin"] };
const B: Principal = { token_id: "tok_b", org: { id: "org-b", name: "B" }, scopes: ["admin"] };
const model = () => ({ port_key: "primary_model", name: "m.idf", body: SAMPLE_IDF });

let service: ValidationService;

beforeEach(async () => {
  service = await createValidationService({
    store: new MemoryRunStore(),
    storage: new MemoryStorage(),
    launcher: new MockLauncher({ delayMs: 5, failRate: 0 }),
    validators: [ENERGYPLUS],
    // In-process mock delivery: the URL is written into envelopes, never called.
    callbacks: {
      url: "http://127.0.0.1:9/api/v1/validation-callbacks/",
      authenticator: new WorkerKeyAuthenticator({ key: WORKER_KEY }),
    },
  });
});
afterEach(() => service.close());

describe("RunAccess", () => {
  it("puts a submission in the principal's organization whatever the request says", async () => {
    const a = new RunAccess(service, A);
    const run = await a.submit({
      validatorId: "energyplus",
      files: [model()],
      ...({ org: B.org } as object),
    });
    expect(run.org_id).toBe("org-a");
  });

  it("shows organization B's run to A as absent: null, run_not_found, not in lists", async () => {
    const a = new RunAccess(service, A);
    const b = new RunAccess(service, B);
    const mine = await a.submit({ validatorId: "energyplus", files: [model()] });
    const theirs = await b.submit({ validatorId: "energyplus", files: [model()] });
    await service.waitForRun(theirs.id, { timeoutMs: 10_000 });

    expect(await a.getRunView(theirs.id)).toBeNull();
    expect(await a.getRun(theirs.id)).toBeNull();
    for (const read of [
      () => a.listFindings(theirs.id),
      () => a.listMetrics(theirs.id),
      () => a.listArtifacts(theirs.id),
      () => a.openArtifact(theirs.id, "anything"),
      () => a.cancel(theirs.id),
    ]) {
      await expect(read()).rejects.toMatchObject({ code: "run_not_found", status: 404 });
    }
    expect((await a.listRuns()).items.map((run) => run.id)).toEqual([mine.id]);
    expect((await b.listRuns()).items.map((run) => run.id)).toEqual([theirs.id]);
    expect((await b.getRunView(theirs.id))?.id).toBe(theirs.id);
  });

  it("needs runs:read to read, runs:write to submit and runs:cancel to cancel", async () => {
    const reader = new RunAccess(service, { ...A, scopes: ["runs:read"] });
    const writer = new RunAccess(service, { ...A, scopes: ["runs:write"] });
    await expect(
      reader.submit({ validatorId: "energyplus", files: [model()] }),
    ).rejects.toMatchObject({
      code: "api_scope_insufficient",
    });
    expect((await service.listRuns()).items).toEqual([]);
    const run = await writer.submit({ validatorId: "energyplus", files: [model()] });
    await expect(writer.getRunView(run.id)).rejects.toMatchObject({
      code: "api_scope_insufficient",
    });
    await expect(writer.listRuns()).rejects.toMatchObject({ code: "api_scope_insufficient" });
    await expect(reader.cancel(run.id)).rejects.toMatchObject({ code: "api_scope_insufficient" });
    const canceller = new RunAccess(service, { ...A, scopes: ["runs:cancel"] });
    await expect(canceller.cancel(run.id)).resolves.toMatchObject({ status: "CANCELED" });
  });
});
