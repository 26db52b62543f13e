import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isValidibotError } from "@validibot/contracts";
import { attemptCallbackCredential } from "@validibot/sdk/auth";
import {
  type ExecutionStatus,
  LocalProcessLauncher,
  type LocalProcessLauncherOptions,
} from "@validibot/sdk/launchers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  fixture,
  isAlive,
  startCallbackServer,
  unusedContext,
  writeAttempt,
} from "./helpers";

const WORKER_KEY = "local-worker-key-0123456789";
const node = process.execPath;

let root: string;
let callbacks: Awaited<ReturnType<typeof startCallbackServer>>;
const launchers: LocalProcessLauncher[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "validibot-local-launcher-"));
  callbacks = await startCallbackServer();
});

afterEach(async () => {
  await Promise.all(launchers.splice(0).map((launcher) => launcher.close()));
});

afterAll(async () => {
  await callbacks.close();
  await rm(root, { recursive: true, force: true });
});

function launcher(options: Partial<LocalProcessLauncherOptions> = {}): LocalProcessLauncher {
  const created = new LocalProcessLauncher({
    command: node,
    workerKey: WORKER_KEY,
    scratchRoot: join(root, "scratch"),
    ...options,
  });
  launchers.push(created);
  return created;
}

async function finalStatus(
  local: LocalProcessLauncher,
  executionRef: string,
): Promise<ExecutionStatus> {
  return eventually(async () => {
    const status = await local.status(executionRef);
    return status.state === "running" ? undefined : status;
  });
}

describe("LocalProcessLauncher", () => {
  it("runs a real validator that finds its input through the contract's env and posts its callback", async () => {
    const request = await writeAttempt(root, { callbackUrl: callbacks.url });
    const local = launcher({
      args: [fixture("callback-validator.mjs")],
      env: { VALIDATOR_EXTRA: "extra-value" },
    });
    const { executionRef } = await local.launch(request, unusedContext());
    expect(local.name).toBe("local-process");

    const status = await finalStatus(local, executionRef);
    expect(status).toMatchObject({ state: "succeeded", exitCode: 0 });

    const callback = callbacks.received.find((c) => c.body.run_id === request.run.id);
    // The credential of this attempt alone, not the worker key.
    expect(callback?.headers.authorization).toBe(
      `Worker-Key ${attemptCallbackCredential(WORKER_KEY, request.attempt.callback_id)}`,
    );
    expect(callback?.body).toEqual({
      run_id: request.run.id,
      callback_id: request.envelope.context.callback_id,
      callback_nonce: request.envelope.context.callback_nonce,
      status: "success",
      result_uri: request.outputUri,
    });
    const seen = JSON.parse(status.stdoutTail ?? "") as Record<string, unknown>;
    // In the sandbox each attempt has a scratch folder of its own under the scratch root.
    expect(
      String(seen.scratchRoot).startsWith(join(root, "scratch", `${request.attempt.id}.`)),
    ).toBe(true);
    expect({ ...seen, scratchRoot: null }).toEqual({
      inputUri: request.inputUri,
      outputUri: request.outputUri,
      deploymentTarget: "self_hosted",
      scratchRoot: null,
      hasWorkerKey: true,
      extra: "extra-value",
      argv: [],
    });
  });

  it("chooses command and arguments per request", async () => {
    const request = await writeAttempt(root, {
      callbackUrl: callbacks.url,
      validatorId: "chosen",
    });
    const local = launcher({
      command: (r) => (r.validator.id === "chosen" ? node : "/nonexistent"),
      args: (r) => [fixture("callback-validator.mjs"), r.attempt.id],
    });
    const { executionRef } = await local.launch(request, unusedContext());
    const status = await finalStatus(local, executionRef);
    expect(status.state).toBe("succeeded");
    expect(JSON.parse(status.stdoutTail ?? "").argv).toEqual([request.attempt.id]);
  });

  it("maps exit codes and signals to states and keeps the output tails", async () => {
    const cases: [string, Partial<ExecutionStatus>][] = [
      ["0", { state: "succeeded", exitCode: 0, detail: "exited with code 0" }],
      ["3", { state: "failed", exitCode: 3, detail: "exited with code 3" }],
      ["SIGSEGV", { state: "failed", exitCode: null, detail: "killed by SIGSEGV" }],
    ];
    const results = await Promise.all(
      cases.map(async ([how, expected]) => {
        const one = launcher({ args: [fixture("exit-with.mjs"), how, "5", "7"] });
        const { executionRef } = await one.launch(await writeAttempt(root), unusedContext());
        return [await finalStatus(one, executionRef), expected] as const;
      }),
    );
    for (const [status, expected] of results) {
      expect(status).toMatchObject(expected);
      expect(status.stdoutTail).toBe("ooooo");
      expect(status.stderrTail).toBe("eeeeeee");
    }
  });

  it("keeps only the last tailBytes of a large output", async () => {
    const local = launcher({
      args: [fixture("exit-with.mjs"), "0", "300000", "10"],
      tailBytes: 1024,
    });
    const { executionRef } = await local.launch(await writeAttempt(root), unusedContext());
    const status = await finalStatus(local, executionRef);
    expect(status.stdoutTail).toBe("o".repeat(1024));
    expect(status.stderrTail).toBe("e".repeat(10));
  });

  it("kills a validator that ignores SIGTERM, and its grandchild, once the timeout and grace pass", async () => {
    const pidFile = join(root, `stubborn-${Date.now()}.json`);
    // Unsandboxed, so the pids it reports are the host's (the sandboxed case is in sandbox.test.ts).
    const local = launcher({
      args: [fixture("stubborn.mjs"), pidFile],
      killGraceMs: 300,
      sandbox: "none",
    });
    const request = await writeAttempt(root, { timeoutSeconds: 1 });
    const { executionRef } = await local.launch(request, unusedContext());
    const pids = await eventually(async () => {
      const text = await readFile(pidFile, "utf8").catch(() => "");
      return text ? (JSON.parse(text) as { child: number; grandchild: number }) : undefined;
    });
    expect(isAlive(pids.grandchild)).toBe(true);

    const status = await finalStatus(local, executionRef);
    expect(status.state).toBe("failed");
    expect(status.detail).toMatch(/^timed out after 1 s; killed by SIGKILL/);
    expect(status.stdoutTail).toContain("ignoring SIGTERM");
    expect(isAlive(pids.child)).toBe(false);
    await eventually(() => (isAlive(pids.grandchild) ? undefined : true));
  });

  it("cancel() stops a running validator and reports it cancelled", async () => {
    const local = launcher({ args: [fixture("sleeper.mjs")] });
    const { executionRef } = await local.launch(await writeAttempt(root), unusedContext());
    await eventually(async () =>
      (await local.status(executionRef)).stdoutTail ? true : undefined,
    );
    expect((await local.status(executionRef)).state).toBe("running");

    await local.cancel(executionRef);
    const status = await local.status(executionRef);
    expect(status).toMatchObject({ state: "cancelled", detail: "cancelled; killed by SIGTERM" });
    await local.cancel(executionRef);
    expect(local.runningCount).toBe(0);
  });

  it("holds the concurrency limit under load and completes every launch", async () => {
    const dir = await mkdtemp(join(root, "occupancy-"));
    // The validators count each other through a shared folder, which a sandbox would not show them.
    const local = launcher({
      args: [fixture("occupancy.mjs"), dir, "150"],
      maxConcurrent: 2,
      sandbox: "none",
    });
    const refs: string[] = [];
    for (let i = 0; i < 10; i++) {
      const { executionRef } = await local.launch(await writeAttempt(root), unusedContext());
      refs.push(executionRef);
    }
    expect(local.runningCount).toBe(2);
    expect(local.queuedCount).toBe(8);
    const queued = await local.status(refs[9] ?? "");
    expect(queued).toMatchObject({ state: "running", detail: "queued: waiting for a free slot" });

    const statuses = await Promise.all(refs.map((ref) => finalStatus(local, ref)));
    expect(statuses.map((s) => s.state)).toEqual(Array(10).fill("succeeded"));
    const counts = (await readFile(join(dir, "counts.log"), "utf8")).trim().split("\n").map(Number);
    expect(counts).toHaveLength(10);
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
  });

  it("starts queued launches in the order they came (FIFO)", async () => {
    const started: string[] = [];
    const local = launcher({
      args: [fixture("exit-with.mjs"), "0"],
      maxConcurrent: 1,
      onExit: (ref) => {
        started.push(ref);
      },
    });
    const refs: string[] = [];
    for (let i = 0; i < 5; i++) {
      refs.push((await local.launch(await writeAttempt(root), unusedContext())).executionRef);
    }
    await eventually(() => (started.length === 5 ? true : undefined));
    expect(started).toEqual(refs);
  });

  it("cancel() drops a queued launch before it ever starts", async () => {
    const local = launcher({ args: [fixture("sleeper.mjs")], maxConcurrent: 1 });
    const first = await local.launch(await writeAttempt(root), unusedContext());
    const second = await local.launch(await writeAttempt(root), unusedContext());
    expect(local.queuedCount).toBe(1);
    await local.cancel(second.executionRef);
    expect(local.queuedCount).toBe(0);
    expect(await local.status(second.executionRef)).toMatchObject({
      state: "cancelled",
      stdoutTail: "",
    });
    expect((await local.status(first.executionRef)).state).toBe("running");
  });

  it("fails launch() with launch_failed when the command cannot start, and frees its slot", async () => {
    const local = launcher({ command: join(root, "no-such-validator"), maxConcurrent: 1 });
    const error = await local.launch(await writeAttempt(root), unusedContext()).catch((e) => e);
    expect(isValidibotError(error) && error.code).toBe("launch_failed");
    expect((error as Error).message).toContain("no-such-validator");
    expect(local.runningCount).toBe(0);
  });

  it("reports a queued launch that cannot start as failed", async () => {
    const local = launcher({
      command: (r) => (r.validator.id === "ok" ? node : join(root, "missing-binary")),
      args: [fixture("exit-with.mjs"), "0"],
      maxConcurrent: 1,
    });
    const first = await local.launch(
      await writeAttempt(root, { validatorId: "ok" }),
      unusedContext(),
    );
    const second = await local.launch(await writeAttempt(root), unusedContext());
    expect((await finalStatus(local, first.executionRef)).state).toBe("succeeded");
    const status = await finalStatus(local, second.executionRef);
    expect(status.state).toBe("failed");
    expect(status.detail).toMatch(/^could not start .*missing-binary: .*ENOENT/);
  });

  it("calls onExit once per execution with its final status", async () => {
    const exits: [string, ExecutionStatus][] = [];
    const local = launcher({
      args: [fixture("exit-with.mjs"), "4", "2", "0"],
      onExit: (ref, status) => {
        exits.push([ref, status]);
      },
    });
    const { executionRef } = await local.launch(await writeAttempt(root), unusedContext());
    await eventually(() => (exits.length > 0 ? true : undefined));
    expect(exits).toEqual([
      [executionRef, expect.objectContaining({ state: "failed", exitCode: 4, stdoutTail: "oo" })],
    ]);
  });

  it("close() stops everything still running or queued and refuses new launches", async () => {
    const local = launcher({ args: [fixture("sleeper.mjs")], maxConcurrent: 1 });
    const running = await local.launch(await writeAttempt(root), unusedContext());
    const queued = await local.launch(await writeAttempt(root), unusedContext());
    await local.close();
    expect((await local.status(running.executionRef)).state).toBe("cancelled");
    expect((await local.status(queued.executionRef)).state).toBe("cancelled");
    expect(local.runningCount).toBe(0);
    const error = await local.launch(await writeAttempt(root), unusedContext()).catch((e) => e);
    expect(isValidibotError(error) && error.code).toBe("launch_failed");
  });

  it("answers unknown for an execution it never started", async () => {
    const local = launcher();
    expect((await local.status("local:att-x:nothing")).state).toBe("unknown");
    await expect(local.cancel("local:att-x:nothing")).resolves.toBeUndefined();
  });
});
