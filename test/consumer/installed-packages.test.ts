// The three packages as a user gets them: packed, installed from the tarballs into a project of
// their own (no workspace links, none of the optional peers), then imported, required, run and
// type-checked there.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PACKAGES,
  type PackedPackage,
  packPackages,
  ROOT,
  type ScratchProject,
  scratchProject,
} from "./support/scratch-project";

let packed: PackedPackage[] = [];
let project: ScratchProject;

beforeAll(async () => {
  ({ packed } = await packPackages());
  project = await scratchProject(
    packed.map((p) => p.path),
    [
      // express is the peer of @validibot/sdk/express; it ships no types, so the type checks below
      // still see none of the optional peers.
      "express@5.1.0",
      "@types/node@24.10.1",
      "typescript@5.9.3",
    ],
  );
}, 180_000);

afterAll(async () => {
  await project?.remove();
});

/** The names each entry must export: the ones README.md and docs/ use. */
const EXPECTED: Record<string, string[]> = {
  "@validibot/contracts": [
    "ValidationInputEnvelope",
    "ValidationOutputEnvelope",
    "ValidationCallback",
    "envelopeSha256",
    "canonicalJson",
    "callbackNonceCommitment",
    "runsContract",
    "callbackContract",
    "ErrorCode",
    "ValidibotError",
  ],
  "@validibot/sdk": [
    "createValidationService",
    "FilesystemStorage",
    "GcsStorage",
    "MemoryStorage",
    "SqliteRunStore",
    "PostgresRunStore",
    "MemoryRunStore",
    "LocalProcessLauncher",
    "DockerLauncher",
    "CloudRunJobLauncher",
    "MockLauncher",
    "LauncherRegistry",
    "WorkerKeyAuthenticator",
    "GoogleIdTokenAuthenticator",
  ],
  "@validibot/sdk/storage": ["FilesystemStorage", "GcsStorage", "MemoryStorage", "storageForUri"],
  "@validibot/sdk/express": ["callbackRouter", "sendError"],
  "@validibot/sdk/client": ["createValidibotClient"],
  "@validibot/sdk/store": ["SqliteRunStore", "PostgresRunStore", "MemoryRunStore"],
  "@validibot/sdk/launchers": [
    "LocalProcessLauncher",
    "DockerLauncher",
    "CloudRunJobLauncher",
    "LauncherRegistry",
  ],
  "@validibot/sdk/auth": ["WorkerKeyAuthenticator", "GoogleIdTokenAuthenticator"],
  "@validibot/validator-runtime": ["runValidator", "defineValidator", "ExitCode"],
  "@validibot/validator-runtime/energyplus": ["energyplusValidator"],
  "@validibot/validator-runtime/fmu": ["fmuValidator", "runSimulationWorker"],
  "@validibot/validator-runtime/command": ["validatorCommand", "validatorBinPath"],
};

/** Every entry of every package's `exports` map, as `<name><subpath>`. */
async function entries(): Promise<string[]> {
  const found: string[] = [];
  for (const name of PACKAGES) {
    const manifest = JSON.parse(
      await readFile(join(ROOT, "packages", name, "package.json"), "utf8"),
    );
    for (const subpath of Object.keys(manifest.exports)) {
      if (subpath === "./package.json" || subpath.includes("*")) continue;
      found.push(subpath === "." ? manifest.name : `${manifest.name}${subpath.slice(1)}`);
    }
  }
  return found;
}

describe("the packed tarballs", () => {
  it("hold dist, README, LICENSE (and the schemas, the bin) and nothing else", () => {
    const expectedTop: Record<string, string[]> = {
      "@validibot/contracts": ["LICENSE", "README.md", "dist", "package.json", "schemas"],
      "@validibot/sdk": ["LICENSE", "README.md", "dist", "package.json"],
      "@validibot/validator-runtime": ["LICENSE", "README.md", "bin", "dist", "package.json"],
    };
    for (const pkg of packed) {
      const top = [...new Set(pkg.files.map((file) => file.split("/")[0]))].sort();
      expect(top, pkg.name).toEqual(expectedTop[pkg.name]);
      const strays = pkg.files.filter((file) =>
        /\.map$|\.tgz$|\.test\.|(^|\/)(src|test)\//.test(file),
      );
      expect(strays, pkg.name).toEqual([]);
    }
    const schemas = packed
      .find((p) => p.name === "@validibot/contracts")
      ?.files.filter((f) => f.startsWith("schemas/"));
    expect(schemas?.length).toBeGreaterThanOrEqual(7);
  });

  it("import every exports entry as ES modules, with the names the docs use", async () => {
    const all = await entries();
    expect(all.sort()).toEqual(Object.keys(EXPECTED).sort());
    const script = `const expected = ${JSON.stringify(EXPECTED)};
const missing = [];
for (const [entry, names] of Object.entries(expected)) {
  const module = await import(entry);
  for (const name of names) if (!(name in module)) missing.push(entry + ": " + name);
}
console.log(JSON.stringify(missing));`;
    await writeFile(join(project.dir, "esm-check.mjs"), script);
    const { stdout } = await project.exec("node", ["esm-check.mjs"]);
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it("require() every exports entry from CommonJS, with the same names", async () => {
    const script = `const expected = ${JSON.stringify(EXPECTED)};
const missing = [];
for (const [entry, names] of Object.entries(expected)) {
  const module = require(entry);
  for (const name of names) if (!(name in module)) missing.push(entry + ": " + name);
}
console.log(JSON.stringify(missing));`;
    await writeFile(join(project.dir, "cjs-check.cjs"), script);
    const { stdout } = await project.exec("node", ["cjs-check.cjs"]);
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it("open the embedded SQLite store as installed (node:sqlite, not an npm package 'sqlite')", async () => {
    const script = `import { SqliteRunStore } from "@validibot/sdk";
const store = new SqliteRunStore({ path: "runs.sqlite" });
await store.init();
const page = await store.listRuns({ limit: 1 });
console.log(JSON.stringify({ runs: page.items.length }));
await store.close();`;
    await writeFile(join(project.dir, "sqlite-check.mjs"), script);
    const { stdout } = await project.exec("node", ["sqlite-check.mjs"]);
    expect(JSON.parse(stdout)).toEqual({ runs: 0 });
  });

  it("link the validibot-validator bin, which prints its help", async () => {
    const { stdout } = await project.exec("validibot-validator", ["--help"]);
    expect(stdout).toMatch(/validibot-validator/);
    expect(stdout).toMatch(/\btry\b/);
    expect(stdout).toMatch(/\brun\b/);
  });

  for (const resolution of ["node16", "bundler"] as const) {
    it(`type-check a consumer under moduleResolution ${resolution}, skipLibCheck false, no optional peers`, async () => {
      const tsconfig = {
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          target: "es2022",
          module: resolution === "node16" ? "node16" : "esnext",
          moduleResolution: resolution,
          types: ["node"],
        },
        files: ["consumer.ts"],
      };
      await writeFile(join(project.dir, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig));
      await writeFile(join(project.dir, "consumer.ts"), CONSUMER_TS);
      const result = await project
        .exec("tsc", ["-p", `tsconfig.${resolution}.json`])
        .then((r) => ({ code: 0, out: r.stdout }))
        .catch((error: { code: number; stdout: string }) => ({
          code: error.code,
          out: error.stdout,
        }));
      expect(result.out).toBe("");
      expect(result.code).toBe(0);
    }, 120_000);
  }
});

/** A consumer file built from the README's host snippet, the typed client and a validator. */
const CONSUMER_TS = `import {
  createValidationService, FilesystemStorage, SqliteRunStore, LocalProcessLauncher,
  WorkerKeyAuthenticator,
} from "@validibot/sdk";
import type { Run } from "@validibot/contracts";
import { createValidibotClient } from "@validibot/sdk/client";
import { validatorCommand } from "@validibot/validator-runtime/command";
import { defineValidator } from "@validibot/validator-runtime";
import { ValidationInputEnvelope } from "@validibot/contracts";
import { z } from "zod";

export async function host(workerKey: string): Promise<Run["status"]> {
  const service = await createValidationService({
    store: new SqliteRunStore({ path: "runs.sqlite" }),
    storage: new FilesystemStorage({ root: "bundles" }),
    launcher: new LocalProcessLauncher({ ...validatorCommand("run", "fmu"), workerKey }),
    validators: [{ id: "fmu", type: "FMU", version: "1", file_ports: [{ port_key: "fmu", mime_types: ["application/vnd.fmi.fmu"] }] }],
    callbacks: { url: "http://127.0.0.1:8000/api/v1/validation-callbacks/", authenticator: new WorkerKeyAuthenticator({ key: workerKey }) },
  });
  const run = await service.submit({ validatorId: "fmu", files: [{ port_key: "fmu", name: "model.fmu", body: Buffer.from("") }] });
  const done = await service.waitForRun(run.id);
  return done.status;
}

export async function client(): Promise<string> {
  const c = createValidibotClient({ baseUrl: "http://127.0.0.1:8000" });
  // @ts-expect-error: the client's routes are typed, so an unknown route does not compile
  c.api.noSuchRoute;
  const page = await c.listRuns({ limit: 1 });
  return page.items.length > 0 ? "some" : "none";
}

export const validator = defineValidator({
  type: "CUSTOM_VALIDATOR",
  version: "1.0.0",
  inputs: z.object({ min_zones: z.number().int().min(1).default(1) }).strict(),
  async run(ctx) {
    const model = ctx.file("model");
    ctx.finding({ severity: "INFO", code: "zones.checked", text: String(ctx.inputs.min_zones), location: { file_role: model.role, path: "zones" } });
    ctx.metric({ name: "zone_count", value: 1, unit: "zones" });
    return { outputs: { zones: 1 } };
  },
});

export const parsed: boolean = ValidationInputEnvelope.safeParse({}).success;
`;
