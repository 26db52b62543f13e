// A real host built only from the installed tarballs, as a user would write it: SqliteRunStore +
// FilesystemStorage + LocalProcessLauncher running the installed `validibot-validator` bin (found
// by validatorCommand, no PATH lookup) + WorkerKeyAuthenticator + the Express callback router on
// loopback. It validates an FMU compiled from C and an IDF through the EnergyPlus stand-in.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, tempDir } from "../../packages/validator-runtime/test/energyplus/helpers";
import { installStandIn } from "../../packages/validator-runtime/test/energyplus/stand-in";
import { buildTestFmu } from "../../packages/validator-runtime/test/fmu/build-test-fmu";
import { packPackages, type ScratchProject, scratchProject } from "./support/scratch-project";

let project: ScratchProject;
let work: Awaited<ReturnType<typeof tempDir>>;
let standIn: Awaited<ReturnType<typeof installStandIn>>;

beforeAll(async () => {
  const { packed } = await packPackages();
  project = await scratchProject(
    packed.map((p) => p.path),
    ["express@5.1.0"],
  );
  work = await tempDir("consumer-host-");
  standIn = await installStandIn();
}, 180_000);

afterAll(async () => {
  await project?.remove();
  await work?.remove();
  await standIn?.remove();
});

const HOST = `import { createReadStream } from "node:fs";
import express from "express";
import {
  createValidationService, FilesystemStorage, LauncherRegistry, LocalProcessLauncher,
  SqliteRunStore, WorkerKeyAuthenticator,
} from "@validibot/sdk";
import { callbackRouter } from "@validibot/sdk/express";
import { validatorCommand } from "@validibot/validator-runtime/command";

const env = JSON.parse(process.env.HOST_INPUT);
const workerKey = "a-worker-key-for-this-host-only-0123456789";
const app = express();
const server = app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const url = "http://127.0.0.1:" + server.address().port + "/api/v1/validation-callbacks/";
const local = (type, extra = {}) =>
  new LocalProcessLauncher({ name: "local-" + type, ...validatorCommand("run", type), workerKey, ...extra });
const service = await createValidationService({
  store: new SqliteRunStore({ path: "runs.sqlite" }),
  storage: new FilesystemStorage({ root: env.bundles }),
  launcher: new LauncherRegistry({
    byValidatorType: {
      FMU: local("fmu"),
      ENERGYPLUS: local("energyplus", { env: { PATH: env.path }, readOnlyPaths: env.readOnlyPaths }),
    },
  }),
  validators: [
    { id: "fmu", type: "FMU", version: "1", file_ports: [{ port_key: "fmu", role: "fmu", mime_types: ["application/vnd.fmi.fmu"] }] },
    { id: "energyplus", type: "ENERGYPLUS", version: "1", file_ports: [
      { port_key: "primary_model", role: "primary-model", mime_types: ["application/vnd.energyplus.idf"] },
      { port_key: "weather_file", resource: true, resource_type: "energyplus_weather", mime_types: ["application/vnd.energyplus.epw"] },
    ] },
  ],
  callbacks: { url, authenticator: new WorkerKeyAuthenticator({ key: workerKey }) },
});
app.use(callbackRouter(service));

async function validate(validatorId, files, inputs) {
  const run = await service.submit({ validatorId, inputs, files: files.map((f) => ({ ...f, body: createReadStream(f.path) })) });
  const done = await service.waitForRun(run.id, { timeoutMs: 120000 });
  return {
    status: done.status,
    error: done.error_message ?? null,
    metrics: Object.fromEntries((await service.listMetrics(run.id)).map((m) => [m.name, m.value])),
    artifacts: (await service.listArtifacts(run.id)).map((a) => a.name).sort(),
  };
}
const fmu = await validate("fmu", [{ port_key: "fmu", name: "model.fmu", path: env.fmu }]);
const energyplus = await validate("energyplus", [
  { port_key: "primary_model", name: "model.idf", path: env.idf },
  { port_key: "weather_file", name: "chicago.epw", path: env.epw, resource: true, resource_type: "energyplus_weather" },
], { run_simulation: true });
console.log(JSON.stringify({ fmu, energyplus }));
await service.close();
server.close();
`;

describe("a host made of the installed packages", () => {
  it("runs an FMU and an EnergyPlus model to SUCCEEDED with their metrics and artifacts", async () => {
    const fmu = await buildTestFmu({ fmiVersion: 2, dir: work.dir });
    const epw = join(work.dir, "chicago.epw");
    await writeFile(
      epw,
      "LOCATION,Chicago Ohare Intl Ap,IL,USA,TMY3,725300,41.98,-87.92,-6.0,201.0\n",
    );
    await writeFile(join(project.dir, "host.mjs"), HOST);
    const input = {
      bundles: join(work.dir, "bundles"),
      fmu: fmu.path,
      idf: fixture("clean-office.idf"),
      epw,
      path: standIn.env.PATH,
      readOnlyPaths: [standIn.binDir, fixture("stand-in")],
    };
    const { stdout } = await project.exec("node", ["host.mjs"], {
      HOST_INPUT: JSON.stringify(input),
    });
    const result = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
    expect(result.fmu.error).toBeNull();
    expect(result.fmu.status).toBe("SUCCEEDED");
    expect(result.fmu.artifacts).toContain("timeseries.csv");
    expect(Object.keys(result.fmu.metrics).length).toBeGreaterThan(0);
    expect(result.energyplus.error).toBeNull();
    expect(result.energyplus.status).toBe("SUCCEEDED");
    // From eplusout.sql, read through node:sqlite: absent when the build breaks that import.
    expect(result.energyplus.metrics.site_electricity_kwh).toBeCloseTo(15055.556, 2);
    expect(result.energyplus.artifacts).toContain("eplusout.sql");
  }, 240_000);
});
