import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { isValidibotError, type ValidibotError } from "@validibot/contracts";
import { DockerLauncher, type DockerLauncherOptions } from "@validibot/sdk/launchers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually, fixture, startCallbackServer, unusedContext, writeAttempt } from "./helpers";

const WORKER_KEY = "docker-worker-key-s3cr3t-value";
const EXTRA_SECRET = "extra-secret-value-42";
const VALIDATOR_IMAGE = "validibot/test-validator";
const SLEEPER_IMAGE = "validibot/test-sleeper";

let root: string;
let state: string;
let savedPath: string | undefined;
let callbacks: Awaited<ReturnType<typeof startCallbackServer>>;
const launchers: DockerLauncher[] = [];

/**
 * Puts a stand-in `docker` on PATH: a Node script (this very Node, by absolute path) that points
 * the fake at this test's state folder and runs fixtures/fake-docker.mjs.
 */
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "validibot-docker-launcher-"));
  state = join(root, "docker-state");
  const bin = join(root, "bin");
  await mkdir(state, { recursive: true });
  await mkdir(bin, { recursive: true });
  await writeFile(
    join(bin, "docker"),
    `#!${process.execPath}\nprocess.env.FAKE_DOCKER_STATE = ${JSON.stringify(state)};\nawait import(${JSON.stringify(pathToFileURL(fixture("fake-docker.mjs")).href)});\n`,
  );
  await chmod(join(bin, "docker"), 0o755);
  await writeFile(
    join(state, "images.json"),
    JSON.stringify({
      [VALIDATOR_IMAGE]: { command: [process.execPath, fixture("callback-validator.mjs")] },
      [SLEEPER_IMAGE]: { command: [process.execPath, fixture("sleeper.mjs")] },
    }),
  );
  savedPath = process.env.PATH;
  process.env.PATH = `${bin}${delimiter}${savedPath ?? ""}`;
  callbacks = await startCallbackServer();
});

afterEach(async () => {
  await Promise.all(launchers.splice(0).map((launcher) => launcher.close()));
});

afterAll(async () => {
  const sweeper = new DockerLauncher({ image: SLEEPER_IMAGE, workerKey: WORKER_KEY });
  await sweeper.cleanup();
  process.env.PATH = savedPath;
  await callbacks.close();
  await rm(root, { recursive: true, force: true });
});

function launcher(options: Partial<DockerLauncherOptions> = {}): DockerLauncher {
  const created = new DockerLauncher({ image: VALIDATOR_IMAGE, workerKey: WORKER_KEY, ...options });
  launchers.push(created);
  return created;
}

async function dockerCalls(): Promise<string[][]> {
  const text = await readFile(join(state, "calls.jsonl"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
}

async function runCallFor(name: string): Promise<string[] | undefined> {
  return (await dockerCalls()).find((argv) => argv[0] === "run" && argv.includes(name));
}

describe("DockerLauncher", () => {
  it("runs the image with the bundle mounted at its path, contract env, secrets by name, network, labels; the validator calls back", async () => {
    const request = await writeAttempt(root, { callbackUrl: callbacks.url });
    const docker = launcher({
      network: "validibot_default",
      labels: { team: "qa" },
      env: { VALIDATOR_EXTRA: EXTRA_SECRET },
      extraArgs: ["--memory", "2g"],
      allowLoopbackCallback: true,
    });
    const { executionRef } = await docker.launch(request, unusedContext());
    const name = `validibot-${request.attempt.id}`;
    expect(executionRef).toBe(name);

    const bundle = request.bundleUri.replace("file://", "").replace(/\/$/, "");
    expect(await runCallFor(name)).toEqual([
      "run",
      "--rm",
      "-d",
      "--name",
      name,
      "--label",
      "team=qa",
      "--label",
      "validibot.managed=true",
      "--label",
      `validibot.run_id=${request.run.id}`,
      "--label",
      `validibot.attempt_id=${request.attempt.id}`,
      "--label",
      "validibot.launcher=docker",
      "--network",
      "validibot_default",
      "--add-host",
      "host.docker.internal:host-gateway",
      "-v",
      `${bundle}:${bundle}`,
      "-e",
      `VALIDIBOT_INPUT_URI=${request.inputUri}`,
      "-e",
      `VALIDIBOT_OUTPUT_URI=${request.outputUri}`,
      "-e",
      "DEPLOYMENT_TARGET=self_hosted",
      "-e",
      "WORKER_API_KEY",
      "-e",
      "VALIDATOR_EXTRA",
      "--memory",
      "2g",
      VALIDATOR_IMAGE,
    ]);
    const everyArg = (await dockerCalls()).flat().join(" ");
    expect(everyArg).not.toContain(WORKER_KEY);
    expect(everyArg).not.toContain(EXTRA_SECRET);

    const callback = await eventually(() =>
      callbacks.received.find((c) => c.body.run_id === request.run.id),
    );
    expect(callback.headers.authorization).toBe(`Worker-Key ${WORKER_KEY}`);
    expect(callback.body).toMatchObject({
      callback_id: request.envelope.context.callback_id,
      status: "success",
      result_uri: request.outputUri,
    });
    const status = await eventually(async () => {
      const s = await docker.status(executionRef);
      return s.state === "running" ? undefined : s;
    });
    expect(status).toMatchObject({ state: "succeeded", exitCode: 0 });

    const seen = JSON.parse(await readFile(join(state, `${name}.stdout`), "utf8")) as Record<
      string,
      unknown
    >;
    expect(seen).toMatchObject({
      inputUri: request.inputUri,
      deploymentTarget: "self_hosted",
      scratchRoot: null,
      hasWorkerKey: true,
      extra: EXTRA_SECRET,
    });
  });

  it("mounts input files kept outside the bundle read-only at their own paths", async () => {
    const request = await writeAttempt(root);
    const uploads = join(root, "uploads");
    await mkdir(uploads, { recursive: true });
    const model = join(uploads, "model.idf");
    await writeFile(model, "Version,24.1;");
    request.envelope.input_files.push({
      name: "model.idf",
      mime_type: "application/vnd.energyplus.idf",
      role: "primary-model",
      port_key: "primary_model",
      uri: pathToFileURL(model).href,
      size_bytes: 13,
      sha256: "0".repeat(64),
      storage_version: `sha256:${"0".repeat(64)}`,
    });
    const docker = launcher({ image: SLEEPER_IMAGE, hostGateway: false });
    const { executionRef } = await docker.launch(request, unusedContext());
    const argv = (await runCallFor(executionRef)) ?? [];
    const mounts = argv.flatMap((arg, i) => (argv[i - 1] === "-v" ? [arg] : []));
    const bundle = request.bundleUri.replace("file://", "").replace(/\/$/, "");
    expect(mounts).toEqual([`${bundle}:${bundle}`, `${model}:${model}:ro`]);
    expect(argv).not.toContain("--add-host");
    await docker.cancel(executionRef);
  });

  it("cancel() kills the container with docker kill and reports it cancelled", async () => {
    const docker = launcher({ image: SLEEPER_IMAGE });
    const { executionRef } = await docker.launch(await writeAttempt(root), unusedContext());
    expect((await docker.status(executionRef)).state).toBe("running");
    await docker.cancel(executionRef);
    expect(await dockerCalls()).toContainEqual(["kill", executionRef]);
    expect((await docker.status(executionRef)).state).toBe("cancelled");
    const exitCode = await eventually(() =>
      readFile(join(state, "exits", executionRef), "utf8").catch(() => undefined),
    );
    expect(exitCode).toBe("137");
  });

  it("kills a container that outlives the attempt's timeout and reports it failed", async () => {
    const docker = launcher({ image: SLEEPER_IMAGE });
    const request = await writeAttempt(root, { timeoutSeconds: 1 });
    const { executionRef } = await docker.launch(request, unusedContext());
    const status = await eventually(async () => {
      const s = await docker.status(executionRef);
      return s.state === "running" ? undefined : s;
    });
    expect(status.state).toBe("failed");
    expect(status.detail).toMatch(/^timed out after 1 s/);
    const exitCode = await eventually(() =>
      readFile(join(state, "exits", executionRef), "utf8").catch(() => undefined),
    );
    expect(exitCode).toBe("137");
    expect(await dockerCalls()).toContainEqual(["kill", executionRef]);
  });

  it("answers from docker inspect for containers it did not start, unknown once they are gone", async () => {
    const starter = launcher({ image: SLEEPER_IMAGE });
    const { executionRef } = await starter.launch(await writeAttempt(root), unusedContext());
    const other = launcher({ image: SLEEPER_IMAGE });
    expect(await other.status(executionRef)).toMatchObject({ state: "running" });
    expect(await dockerCalls()).toContainEqual([
      "inspect",
      "--format",
      "{{json .State}}",
      executionRef,
    ]);
    await other.cancel(executionRef);
    await eventually(async () =>
      (await other.status(executionRef)).state === "unknown" ? true : undefined,
    );
  });

  it("refuses a loopback callback URL unless allowed, before running anything", async () => {
    const request = await writeAttempt(root, { callbackUrl: callbacks.url });
    const error = (await launcher()
      .launch(request, unusedContext())
      .catch((e: unknown) => e)) as ValidibotError;
    expect(isValidibotError(error) && error.code).toBe("launch_failed");
    expect(error.message).toContain("host.docker.internal");
    expect(await runCallFor(request.attempt.id)).toBeUndefined();
  });

  it("fails launcher_job_not_found for an image Docker cannot find, leaving no container", async () => {
    const request = await writeAttempt(root);
    const error = (await launcher({ image: "validibot/missing" })
      .launch(request, unusedContext())
      .catch((e: unknown) => e)) as ValidibotError;
    expect(isValidibotError(error) && error.code).toBe("launcher_job_not_found");
    expect(error.message).toContain("validibot/missing");
    expect(await dockerCalls()).toContainEqual(["rm", "-f", `validibot-${request.attempt.id}`]);
  });

  it("fails launch_failed when the same attempt is launched twice (the name is taken)", async () => {
    const docker = launcher({ image: SLEEPER_IMAGE });
    const request = await writeAttempt(root);
    await docker.launch(request, unusedContext());
    const error = (await docker
      .launch(request, unusedContext())
      .catch((e: unknown) => e)) as ValidibotError;
    expect(isValidibotError(error) && error.code).toBe("launch_failed");
    expect(error.message).toContain("already in use");
    expect(await dockerCalls()).not.toContainEqual(["rm", "-f", `validibot-${request.attempt.id}`]);
    expect((await docker.status(`validibot-${request.attempt.id}`)).state).toBe("running");
  });

  it("fails launch_failed when the docker executable is missing", async () => {
    const error = (await launcher({ docker: join(root, "no-docker-here") })
      .launch(await writeAttempt(root), unusedContext())
      .catch((e: unknown) => e)) as ValidibotError;
    expect(isValidibotError(error) && error.code).toBe("launch_failed");
    expect(error.message).toContain("no-docker-here");
  });

  it("cleanup() removes every container labelled validibot.managed=true", async () => {
    const docker = launcher({ image: SLEEPER_IMAGE });
    const a = await docker.launch(await writeAttempt(root), unusedContext());
    const b = await docker.launch(await writeAttempt(root), unusedContext());
    const removed = await docker.cleanup();
    expect(removed.length).toBeGreaterThanOrEqual(2);
    expect(await dockerCalls()).toContainEqual([
      "ps",
      "-aq",
      "--filter",
      "label=validibot.managed=true",
    ]);
    expect((await docker.status(a.executionRef)).state).not.toBe("running");
    expect((await docker.status(b.executionRef)).state).not.toBe("running");
    expect(await docker.cleanup()).toEqual([]);
  });
});
