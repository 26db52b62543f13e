import { execFileSync } from "node:child_process";
import { mkdir, readFile, symlink } from "node:fs/promises";
import { connect } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LaunchRequest } from "../../src/launchers/types";
import type { RunRecord } from "../../src/model";
import { callbackFor, outputFor, writeOutput } from "./act-as-validator";
import { ENERGYPLUS, type Harness, SAMPLE_IDF, startHarness, WORKER_KEY } from "./harness";
import { RecordingLauncher } from "./recording-launcher";

// A bundle is written by the validator, i.e. by uploaded native code: what it leaves there
// (FIFOs, symlinks) must never block or mislead the host taking its callback.

const launcher = new RecordingLauncher();
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ launcher });
});
afterAll(async () => harness.close());

async function launched(): Promise<{ run: RunRecord; request: LaunchRequest }> {
  const run = await harness.service.submit({
    validatorId: ENERGYPLUS.id,
    files: [{ port_key: "primary_model", name: "model.idf", body: SAMPLE_IDF }],
  });
  expect(run.status).toBe("RUNNING");
  return { run, request: launcher.last };
}

/** The local path of a URI in the bundle. */
function pathOf(uri: string): string {
  return fileURLToPath(uri);
}

function bundleUriOf(request: LaunchRequest): string {
  return request.envelope.context.execution_bundle_uri as string;
}

async function expectUnchanged(run: RunRecord) {
  const now = await harness.service.getRun(run.id);
  expect(now?.status).toBe("RUNNING");
  expect(await harness.store.listFindings(run.id)).toEqual([]);
  expect(await harness.store.listArtifacts(run.id)).toEqual([]);
}

describe("output.json that is not a regular file", () => {
  it("a FIFO as result_uri is refused at once (output_malformed), even more of them than libuv has threads", async () => {
    // Eight at once: had each read blocked a libuv thread on open(), the four threads of the
    // pool would all be stuck and this test (and the read after it) would never finish.
    const cases = await Promise.all(Array.from({ length: 8 }, () => launched()));
    for (const { request } of cases) {
      const path = pathOf(request.outputUri);
      await mkdir(dirname(path), { recursive: true });
      execFileSync("mkfifo", [path]);
    }
    const answers = await Promise.all(
      cases.map(({ request }) => harness.post(callbackFor(request))),
    );
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 400, body: { code: "output_malformed" } });
      expect(String(answer.body.message)).toContain("FIFO");
    }
    for (const { run } of cases) await expectUnchanged(run);
    // The thread pool is free: an ordinary file read completes.
    expect(
      await readFile(pathOf(cases[0]?.request.envelope.input_files[0]?.uri as string), "utf8"),
    ).toBe(SAMPLE_IDF);
  });

  it("a FIFO elsewhere in the bundle named by result_uri is refused the same way", async () => {
    const { run, request } = await launched();
    const pipe = `${pathOf(bundleUriOf(request))}outputs/pipe.json`;
    await mkdir(dirname(pipe), { recursive: true });
    execFileSync("mkfifo", [pipe]);
    const callback = {
      ...callbackFor(request),
      result_uri: `${bundleUriOf(request)}outputs/pipe.json`,
    };
    const answer = await harness.post(callback);
    expect(answer).toMatchObject({ status: 400, body: { code: "output_malformed" } });
    await expectUnchanged(run);
  });

  it("output.json that is a symlink to another run's output (inside the storage root) is refused", async () => {
    const other = await launched();
    await writeOutput(harness.storage, other.request, outputFor(other.request, "success"));
    const { run, request } = await launched();
    await mkdir(dirname(pathOf(request.outputUri)), { recursive: true });
    await symlink(pathOf(other.request.outputUri), pathOf(request.outputUri));
    const answer = await harness.post(callbackFor(request));
    expect(answer).toMatchObject({ status: 400, body: { code: "output_malformed" } });
    expect(String(answer.body.message)).toContain("symbolic link");
    await expectUnchanged(run);
  });
});

describe("artifacts are checked when the callback is taken", () => {
  async function withArtifact(target: (request: LaunchRequest) => string) {
    const { run, request } = await launched();
    const bundle = bundleUriOf(request);
    const linkPath = `${pathOf(bundle)}outputs/leak.txt`;
    await mkdir(dirname(linkPath), { recursive: true });
    await symlink(target(request), linkPath);
    const artifact = {
      name: "leak.txt",
      type: "log",
      uri: `${bundle}outputs/leak.txt`,
      size_bytes: 5,
      sha256: "0".repeat(64),
      storage_version: `sha256:${"0".repeat(64)}`,
    };
    await writeOutput(
      harness.storage,
      request,
      outputFor(request, "success", { artifacts: [artifact] }),
    );
    return { run, answer: await harness.post(callbackFor(request, "success")) };
  }

  it("an artifact that is a symlink out of the storage root is refused (output_malformed)", async () => {
    const { run, answer } = await withArtifact(() => "/etc/hostname");
    expect(answer).toMatchObject({ status: 400, body: { code: "output_malformed" } });
    await expectUnchanged(run);
  });

  it("an artifact that is a symlink to another run's input (inside the root) is refused", async () => {
    const other = await launched();
    const { run, answer } = await withArtifact(() =>
      pathOf(other.request.envelope.input_files[0]?.uri as string),
    );
    expect(answer).toMatchObject({ status: 400, body: { code: "output_malformed" } });
    expect(String(answer.body.message)).toContain("leak.txt");
    await expectUnchanged(run);
  });

  it("an artifact that is a regular file in the bundle is accepted", async () => {
    const { run, request } = await launched();
    const bundleKey = harness.storage.keyFor(request.outputUri).replace(/output\.json$/, "");
    const stored = await harness.storage.put(`${bundleKey}outputs/report.txt`, "hello");
    const artifact = {
      name: "report.txt",
      type: "log",
      uri: stored.uri,
      size_bytes: stored.size_bytes,
      sha256: stored.sha256,
      storage_version: stored.storage_version,
    };
    await writeOutput(
      harness.storage,
      request,
      outputFor(request, "success", { artifacts: [artifact] }),
    );
    expect(await harness.post(callbackFor(request, "success"))).toMatchObject({ status: 200 });
    expect((await harness.store.listArtifacts(run.id)).map((a) => a.name)).toEqual(["report.txt"]);
  });
});

/** Sends one raw HTTP request over a socket and returns the status line and body. */
function rawRequest(
  url: string,
  lines: string[],
  body: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      text += chunk;
    });
    socket.on("error", reject);
    socket.on("end", () => {
      const [head = "", rest = ""] = text.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), body: rest });
    });
    socket.write(
      [
        `POST ${pathname} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        "Content-Type: application/json",
        `Content-Length: ${Buffer.byteLength(body)}`,
        "Connection: close",
        ...lines,
        "",
        body,
      ].join("\r\n"),
    );
  });
}

describe("two Authorization headers", () => {
  it("are refused with 401 auth_malformed, even when the first carries the right key", async () => {
    const { run, request } = await launched();
    await writeOutput(harness.storage, request, outputFor(request, "failed_validation"));
    const answer = await rawRequest(
      harness.callbackUrl,
      [
        `Authorization: Worker-Key ${WORKER_KEY}`,
        "Authorization: Worker-Key someone-else-entirely",
      ],
      JSON.stringify(callbackFor(request)),
    );
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ code: "auth_malformed" });
    await expectUnchanged(run);
    // The same callback with one header is taken.
    const single = await rawRequest(
      harness.callbackUrl,
      [`Authorization: Worker-Key ${WORKER_KEY}`],
      JSON.stringify(callbackFor(request)),
    );
    expect(single.status).toBe(200);
  });
});
