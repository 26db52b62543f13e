import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defineValidator,
  ExitCode,
  type RunValidatorOptions,
  runAttempt,
  silentLogger,
  type ValidatorContext,
} from "@validibot/validator-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBundle, type TestBundle } from "./support/bundle";
import { isAlive, until } from "./support/cli-process";
import { startTestHost, TEST_WORKER_KEY, type TestHost } from "./support/test-host";

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(async () => {
  await host.close();
});

function options(bundle: TestBundle, extra: RunValidatorOptions = {}): RunValidatorOptions {
  return {
    args: [bundle.inputUri],
    env: { WORKER_API_KEY: TEST_WORKER_KEY, PATH: process.env.PATH },
    handleSignals: false,
    callback: { attempts: 3, initialDelayMs: 10 },
    killGraceMs: 500,
    log: silentLogger,
    ...extra,
  };
}

/** Starts a Node child that writes its pid and loops; resolves with the result once it ends. */
function startLoop(ctx: ValidatorContext<unknown>, pidFile: string) {
  return ctx.runProcess(process.execPath, [
    "-e",
    "require('node:fs').writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1000);",
    pidFile,
  ]);
}

const readPid = (file: string) => {
  try {
    return Number(readFileSync(file, "utf8")) || null;
  } catch {
    return null;
  }
};

const callbackOf = (bundle: TestBundle) =>
  host.received.find((r) => r.output?.run_id === bundle.envelope.run_id);

describe("cancellation and the attempt deadline", () => {
  it("a cancel stops the child, and `cancelled` is written and posted even if run says otherwise", async () => {
    const bundle = await createTestBundle({ callbackUrl: host.url });
    host.expect(bundle.envelope);
    const pidFile = join(mkdtempSync(join(tmpdir(), "vr-cancel-")), "pid");
    const controller = new AbortController();
    const outcome = runAttempt(
      defineValidator({
        type: "CUSTOM_VALIDATOR",
        version: "1",
        async run(ctx) {
          ctx.finding({ severity: "INFO", text: "started" });
          await startLoop(ctx, pidFile);
          return { status: "success" };
        },
      }),
      options(bundle, { signal: controller.signal }),
    );
    await until(() => readPid(pidFile) !== null);
    const pid = readPid(pidFile) as number;
    controller.abort();
    const result = await outcome;
    expect(result).toMatchObject({
      exitCode: ExitCode.ok,
      status: "cancelled",
      callback: "delivered",
    });
    expect(isAlive(pid)).toBe(false);
    expect(result.output?.messages.map((m) => m.code)).toEqual([null, "attempt_cancelled"]);
    expect(callbackOf(bundle)).toMatchObject({ error: null, body: { status: "cancelled" } });
  });

  it("does not wait forever for a run that ignores the cancel", async () => {
    const bundle = await createTestBundle({ callbackUrl: host.url });
    host.expect(bundle.envelope);
    const controller = new AbortController();
    let entered = false;
    const outcome = runAttempt(
      defineValidator({
        type: "CUSTOM_VALIDATOR",
        version: "1",
        run: () => {
          entered = true;
          return new Promise(() => {});
        },
      }),
      options(bundle, { signal: controller.signal, cancelGraceMs: 100 }),
    );
    await until(() => entered);
    controller.abort();
    expect(await outcome).toMatchObject({ exitCode: ExitCode.ok, status: "cancelled" });
    expect(callbackOf(bundle)?.body).toMatchObject({ status: "cancelled" });
  });

  it("past context.timeout_seconds the child is stopped and the attempt ends failed_runtime", async () => {
    const bundle = await createTestBundle({ callbackUrl: host.url, timeoutSeconds: 1 });
    host.expect(bundle.envelope);
    const pidFile = join(mkdtempSync(join(tmpdir(), "vr-deadline-")), "pid");
    let deadline: Date | null = null;
    const result = await runAttempt(
      defineValidator({
        type: "CUSTOM_VALIDATOR",
        version: "1",
        async run(ctx) {
          deadline = ctx.deadline;
          const child = await startLoop(ctx, pidFile);
          return { status: child.timedOut ? "failed_runtime" : "success" };
        },
      }),
      options(bundle),
    );
    expect(deadline).toBeInstanceOf(Date);
    expect(result).toMatchObject({ exitCode: ExitCode.ok, status: "failed_runtime" });
    expect(result.output?.messages.at(-1)).toMatchObject({
      severity: "ERROR",
      code: "validator_timeout",
      text: "The validator did not finish within the attempt's 1 s timeout.",
    });
    expect(isAlive(readPid(pidFile) as number)).toBe(false);
    expect(callbackOf(bundle)).toMatchObject({ error: null, body: { status: "failed_runtime" } });
  });

  it("installs SIGTERM handling for the attempt only, so it can run in-process", async () => {
    const bundle = await createTestBundle({ callbackUrl: null });
    const before = process.listenerCount("SIGTERM");
    let during = -1;
    const result = await runAttempt(
      defineValidator({
        type: "CUSTOM_VALIDATOR",
        version: "1",
        async run(ctx) {
          during = process.listenerCount("SIGTERM");
          process.emit("SIGTERM", "SIGTERM");
          expect(ctx.signal.aborted).toBe(true);
          return undefined;
        },
      }),
      options(bundle, { handleSignals: true }),
    );
    expect(during).toBe(before + 1);
    expect(process.listenerCount("SIGTERM")).toBe(before);
    expect(result.status).toBe("cancelled");
  });
});
