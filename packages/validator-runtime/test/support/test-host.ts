import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import {
  type AnyInputEnvelope,
  type AnyOutputEnvelope,
  envelopeSha256,
  nonceMatchesCommitment,
  outputIdentityMismatches,
  parseInputEnvelope,
  safeParseInputEnvelope,
  safeParseOutputEnvelope,
  ValidationCallback,
} from "@validibot/contracts";
import type { CallbackAuthenticator, RequestHeaders } from "@validibot/sdk";
import { type StorageLocation, storageForUri } from "@validibot/sdk/storage";

/** One callback request the host received, and what it made of it. */
export interface ReceivedCallback {
  authorization: string | undefined;
  body: unknown;
  /** The HTTP status the host answered. */
  status: number;
  /** Why the host refused it, or null when every check passed. */
  error: string | null;
  /** The output envelope read from `result_uri`, when every check passed. */
  output: AnyOutputEnvelope | null;
  /** The raw bytes of that `output.json`. */
  outputText: string | null;
}

/** Options of `startTestHost`. */
export interface TestHostOptions {
  /** The Worker-Key callbacks must carry (ignored when `authenticator` is given). Default: `test-worker-key-0123456789abcdef`. */
  workerKey?: string;
  /** Authenticates instead of the Worker-Key check, e.g. the SDK's `GoogleIdTokenAuthenticator`. */
  authenticator?: CallbackAuthenticator;
  /** Statuses to answer verified callbacks with, in order; afterwards 200. */
  statuses?: number[];
  /** How `result_uri` is read. Default: the SDK's `storageForUri`. */
  resolve?: (uri: string) => StorageLocation;
  /** Listen on this port. Default: 0 (any free port). */
  port?: number;
  /** Serve HTTPS with this key and certificate instead of HTTP. */
  tls?: { key: string; cert: string };
}

/** A loopback host that checks callbacks the way CONTRACT.md says a host does. */
export interface TestHost {
  /** The callback URL (`/api/v1/validation-callbacks/`). */
  url: string;
  origin: string;
  port: number;
  received: ReceivedCallback[];
  /** Registers an attempt's input envelope (as stored), so its callbacks can be checked. */
  expect(input: unknown): void;
  close(): Promise<void>;
}

/** The default Worker-Key of the test host. */
export const TEST_WORKER_KEY = "test-worker-key-0123456789abcdef";

/**
 * The input envelope parsed as the host hashed it: with its typed variant, defaults filled. An
 * envelope whose only fault is an unsafe file name (which a conforming host never writes, and
 * which tests write to see the runtime refuse it) is parsed with stand-in names that are then put
 * back, so its hash covers what was stored.
 */
function parseAsHost(raw: unknown): AnyInputEnvelope {
  const strict = safeParseInputEnvelope(raw);
  if (strict.success) return strict.data;
  const copy = structuredClone(raw) as {
    input_files?: { name: string }[];
    resource_files?: { name: string }[];
  };
  const names = [...(copy.input_files ?? []), ...(copy.resource_files ?? [])].map((f, i) => {
    const name = f.name;
    f.name = `placeholder-${i}`;
    return name;
  });
  const parsed = parseInputEnvelope(copy);
  [...parsed.input_files, ...parsed.resource_files].forEach((f, i) => {
    f.name = names[i] ?? f.name;
  });
  return parsed;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Starts the host on 127.0.0.1, port 0. For each callback: authenticate, parse the body strictly
 * (exactly the five fields), find the attempt by `callback_id`, check the nonce against the
 * commitment, check `result_uri` is the attempt's output, read and parse `output.json`, check
 * its identity including `input_envelope_sha256` (the input as parsed, hashed); then answer
 * the next planned status.
 */
export async function startTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const attempts = new Map<string, unknown>();
  const received: ReceivedCallback[] = [];
  const planned = [...(options.statuses ?? [])];
  const resolve = options.resolve ?? ((uri: string) => storageForUri(uri));
  const workerKey = options.workerKey ?? TEST_WORKER_KEY;

  const check = async (req: IncomingMessage, text: string) => {
    if (options.authenticator)
      await options.authenticator.authenticate(req.headers as RequestHeaders);
    else if (req.headers.authorization !== `Worker-Key ${workerKey}`)
      throw new Error("bad Worker-Key");
    const body = ValidationCallback.parse(JSON.parse(text));
    const raw = attempts.get(body.callback_id);
    if (raw === undefined) throw new Error(`unknown callback_id ${body.callback_id}`);
    const input = parseAsHost(raw);
    if (body.run_id !== input.run_id) throw new Error("run_id mismatch");
    const commitment = input.context.callback_nonce_commitment;
    if (commitment === null || !nonceMatchesCommitment(body.callback_nonce, commitment)) {
      throw new Error("nonce does not match the commitment");
    }
    if (body.result_uri !== input.context.expected_output_uri)
      throw new Error("result_uri is not the attempt's output");
    const { storage, key } = resolve(body.result_uri);
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.get(key, { maxBytes: 64 * 1024 * 1024 }))
      chunks.push(chunk as Buffer);
    const outputText = Buffer.concat(chunks).toString("utf8");
    const parsed = safeParseOutputEnvelope(JSON.parse(outputText));
    if (!parsed.success) throw new Error(`output.json does not parse: ${parsed.error.message}`);
    const expected = {
      run_id: input.run_id,
      step_run_id: input.context.step_run_id,
      execution_attempt_id: input.context.execution_attempt_id,
      attempt_contract_version: input.context.attempt_contract_version,
      input_envelope_sha256: envelopeSha256(input),
      output_uri: input.context.expected_output_uri,
      validator: { id: input.validator.id, type: input.validator.type },
    };
    const mismatches = outputIdentityMismatches(expected, parsed.data);
    if (mismatches.length > 0)
      throw new Error(`output identity mismatch: ${mismatches.join(", ")}`);
    if (parsed.data.status !== body.status) throw new Error("status differs from output.json");
    return { output: parsed.data, outputText };
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const text = await readBody(req);
      const record: ReceivedCallback = {
        authorization: req.headers.authorization,
        body: (() => {
          try {
            return JSON.parse(text);
          } catch {
            return text;
          }
        })(),
        status: 0,
        error: null,
        output: null,
        outputText: null,
      };
      received.push(record);
      try {
        const verified = await check(req, text);
        record.output = verified.output;
        record.outputText = verified.outputText;
        record.status = planned.shift() ?? 200;
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
        record.status = 400;
      }
      res.writeHead(record.status, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          record.error === null ? { ok: true } : { code: "invalid_request", message: record.error },
        ),
      );
    })();
  };

  const server: Server = options.tls
    ? createHttpsServer(options.tls, handler)
    : createHttpServer(handler);
  await new Promise<void>((done) => server.listen(options.port ?? 0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  const origin = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;
  return {
    url: `${origin}/api/v1/validation-callbacks/`,
    origin,
    port,
    received,
    expect: (input) => {
      const context = (input as { context: { callback_id: string } }).context;
      attempts.set(context.callback_id, input);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
