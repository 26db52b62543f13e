import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { callbackNonceCommitment, ValidationInputEnvelope } from "@validibot/contracts";
import type { LaunchContext, LaunchRequest } from "@validibot/sdk/launchers";

/** A fixture script's absolute path. */
export function fixture(name: string): string {
  return new URL(`./fixtures/${name}`, import.meta.url).pathname;
}

/** Options of `writeAttempt`. */
export interface AttemptOptions {
  callbackUrl?: string | null;
  timeoutSeconds?: number;
  validatorId?: string;
  validatorType?: "ENERGYPLUS" | "FMU" | "CUSTOM_VALIDATOR";
}

/**
 * Writes a real attempt bundle (`<root>/runs/org-1/<run>/attempts/<attempt>/input.json`) and
 * returns the launch request a host would build for it.
 */
export async function writeAttempt(
  root: string,
  options: AttemptOptions = {},
): Promise<LaunchRequest> {
  const runId = `run-${randomUUID()}`;
  const attemptId = `att-${randomUUID()}`;
  const bundle = join(root, "runs", "org-1", runId, "attempts", attemptId);
  await mkdir(bundle, { recursive: true });
  const bundleUri = `${pathToFileURL(bundle).href}/`;
  const inputUri = `${bundleUri}input.json`;
  const outputUri = `${bundleUri}output.json`;
  const nonce = randomBytes(32).toString("base64url");
  const callbackUrl = options.callbackUrl === undefined ? null : options.callbackUrl;
  const timeoutSeconds = options.timeoutSeconds ?? 60;
  const validatorId = options.validatorId ?? "custom-1";
  const validatorType = options.validatorType ?? "CUSTOM_VALIDATOR";
  const envelope = ValidationInputEnvelope.parse({
    run_id: runId,
    validator: { id: validatorId, type: validatorType, version: "1.0.0" },
    org: { id: "org-1", name: "Org" },
    workflow: { id: "wf-1", step_id: "step-1" },
    context: {
      execution_attempt_id: attemptId,
      step_run_id: `step-run-${runId}`,
      attempt_contract_version: "validibot.attempt.v2",
      expected_output_uri: outputUri,
      callback_id: `execution-attempt-${attemptId}`,
      callback_nonce: nonce,
      callback_nonce_commitment: callbackNonceCommitment(nonce),
      callback_url: callbackUrl,
      execution_bundle_uri: bundleUri,
      timeout_seconds: timeoutSeconds,
    },
  });
  await writeFile(join(bundle, "input.json"), JSON.stringify(envelope));
  const now = new Date().toISOString();
  return {
    run: {
      id: runId,
      org_id: "org-1",
      org_name: "Org",
      workflow_id: "wf-1",
      step_id: "step-1",
      step_name: null,
      step_run_id: `step-run-${runId}`,
      validator_id: validatorId,
      validator_type: validatorType,
      validator_version: "1.0.0",
      status: "PENDING",
      error_category: null,
      error_message: null,
      result_status: null,
      inputs: {},
      files: [],
      tags: [],
      current_attempt_id: attemptId,
      attempt_count: 1,
      created_at: now,
      updated_at: now,
      started_at: null,
      finished_at: null,
      deadline_at: null,
      rulesets: [],
      ruleset_sha256: null,
      assertion_results: [],
    },
    attempt: {
      id: attemptId,
      run_id: runId,
      number: 1,
      status: "PENDING",
      callback_id: `execution-attempt-${attemptId}`,
      nonce_commitment: callbackNonceCommitment(nonce),
      bundle_uri: bundleUri,
      input_uri: inputUri,
      output_uri: outputUri,
      input_sha256: "0".repeat(64),
      timeout_seconds: timeoutSeconds,
      launcher: null,
      execution_ref: null,
      launch_error: null,
      stdout_tail: null,
      stderr_tail: null,
      created_at: now,
      launched_at: null,
      finished_at: null,
    },
    validator: { id: validatorId, type: validatorType, version: "1.0.0", file_ports: [] },
    envelope,
    inputUri,
    outputUri,
    bundleUri,
    timeoutSeconds,
  };
}

/**
 * The host services a launch gets. The launchers under test use none of them; each throws if one
 * ever did.
 */
export function unusedContext(): LaunchContext {
  const unused = () => {
    throw new Error("this launcher should not use the launch context");
  };
  return {
    storage: new Proxy({} as LaunchContext["storage"], { get: unused }),
    deliverCallback: async () => unused(),
    signal: new AbortController().signal,
  };
}

/** A callback as the test server received it. */
export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A real HTTP server on 127.0.0.1 that answers 200 to every POST and keeps what it got. */
export async function startCallbackServer(): Promise<{
  url: string;
  received: ReceivedCallback[];
  close(): Promise<void>;
}> {
  const received: ReceivedCallback[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
      });
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1/validation-callbacks/`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `probe` until it returns something other than undefined (the test's timeout bounds it). */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(20);
  }
}

/**
 * Whether a process with this pid runs. A zombie (dead, not yet reaped by an init that may never
 * reap it) counts as dead.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    // No /proc (macOS): the signal test above is all there is. ENOENT: it just went away.
    return (error as NodeJS.ErrnoException).code !== "ENOENT" || !existsSync("/proc/self");
  }
  // The state letter follows the parenthesised command name.
  return stat.charAt(stat.lastIndexOf(")") + 2) !== "Z";
}
