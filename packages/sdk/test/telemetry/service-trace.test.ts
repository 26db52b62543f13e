import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MockLauncher } from "../../src/launchers/mock-launcher";
import { SAMPLE_IDF, startHarness, WORKER_KEY } from "../service/harness";

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});

describe("one trace from submit to the callback (mock launcher over HTTP)", () => {
  it("parents launch under submit and handle callback under launch, and keeps the trace id", async () => {
    exporter.reset();
    const harness = await startHarness({
      launcher: new MockLauncher({ delayMs: 10, delivery: { http: { workerKey: WORKER_KEY } } }),
    });
    try {
      const run = await harness.service.submit({
        validatorId: "energyplus",
        files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
      });
      const ended = await harness.service.waitForRun(run.id);
      expect(ended.status === "SUCCEEDED" || ended.status === "FAILED").toBe(true);
      // The callback span ends once the answer is sent, a moment after the run is recorded.
      for (let i = 0; i < 100; i++) {
        if (exporter.getFinishedSpans().some((s) => s.name === "handle callback")) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const spans = exporter.getFinishedSpans();
      const byName = (name: string) => spans.find((s) => s.name === name);
      const submit = byName("submit");
      const launch = byName("launch");
      const handle = byName("handle callback");
      expect(submit && launch && handle).toBeTruthy();
      const traceId = submit?.spanContext().traceId;
      expect(run.trace_id).toBe(traceId);
      expect((await harness.service.getRun(run.id))?.trace_id).toBe(traceId);
      expect(launch?.parentSpanContext?.spanId).toBe(submit?.spanContext().spanId);
      expect(handle?.spanContext().traceId).toBe(traceId);
      expect(handle?.parentSpanContext?.spanId).toBe(launch?.spanContext().spanId);
      expect(handle?.attributes["validibot.run_id"]).toBe(run.id);
      expect(handle?.attributes["validibot.callback.outcome"]).toBe("accepted");
    } finally {
      await harness.close();
    }
  });

  it("takes a callback without traceparent as the root of a new trace, linked by run id", async () => {
    exporter.reset();
    const harness = await startHarness({
      launcher: new MockLauncher({ delayMs: 10, delivery: { http: { workerKey: WORKER_KEY } } }),
    });
    try {
      const response = await harness.post({
        run_id: "run-unknown",
        callback_id: "execution-attempt-unknown",
        callback_nonce: "n".repeat(43),
        status: "success",
        result_uri: "file:///nowhere/output.json",
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      const handle = exporter.getFinishedSpans().find((s) => s.name === "handle callback");
      expect(handle?.parentSpanContext).toBeUndefined();
      expect(handle?.attributes["validibot.trace.orphan"]).toBe(true);
      expect(handle?.attributes["validibot.run_id"]).toBe("run-unknown");
    } finally {
      await harness.close();
    }
  });
});
