import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG_PATH, loadSettings, SettingsError } from "../src/index";
import { loadOrCreateWorkerKey, WORKER_KEY_FILE } from "../src/wiring/worker-key";

const dir = mkdtempSync(join(tmpdir(), "validibot-settings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(env: Record<string, string>, cwd = dir): string[] {
  try {
    loadSettings(env, { cwd });
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as SettingsError).problems;
  }
  throw new Error("expected a SettingsError");
}

function writeConfig(name: string, config: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof config === "string" ? config : JSON.stringify(config));
  return path;
}

const GOOD_VALIDATOR = {
  id: "py",
  type: "CUSTOM_VALIDATOR",
  version: "1",
  file_ports: [{ port_key: "document", mime_types: ["application/json"] }],
  launch: { local: { command: "python3", args: ["v.py"] } },
};

describe("loadSettings", () => {
  it("with no settings at all: local mode, port 8000, ./.validibot, the shipped config, SQLite", () => {
    const settings = loadSettings({}, { cwd: dir });
    expect(settings).toMatchObject({
      mode: "local",
      host: "127.0.0.1",
      port: 8000,
      dataDir: join(dir, ".validibot"),
      publicUrl: null,
      workerKey: null,
      databaseUrl: null,
      databaseSchema: "validibot",
      configPath: DEFAULT_CONFIG_PATH,
      google: null,
      reconcileIntervalSeconds: 30,
      maxUploadBytes: 1024 ** 3,
      maxConcurrentUploads: 8,
      logLevel: "info",
    });
    expect(settings.validators.map((v) => [v.id, v.type, v.launch.local?.runtime])).toEqual([
      ["energyplus", "ENERGYPLUS", "energyplus"],
      ["fmu", "FMU", "fmu"],
    ]);
    const energyplus = settings.validators[0];
    expect(
      energyplus?.file_ports.map((p) => [
        p.port_key,
        p.required,
        p.resource,
        p.resource_type ?? null,
      ]),
    ).toEqual([
      ["primary_model", true, false, null],
      ["weather_file", false, true, "energyplus_weather"],
    ]);
  });

  it("reads every variable", () => {
    const config = writeConfig("custom.json", { validators: [GOOD_VALIDATOR] });
    const settings = loadSettings(
      {
        VALIDIBOT_MODE: "mock",
        HOST: "0.0.0.0",
        PORT: "9001",
        VALIDIBOT_DATA_DIR: "state",
        VALIDIBOT_PUBLIC_URL: "https://validibot.example.com/base/",
        VALIDIBOT_CONFIG: "custom.json",
        WORKER_API_KEY: "a-worker-key-of-enough-length",
        DATABASE_URL: "postgres://user:pw@db:5432/validibot",
        VALIDIBOT_DATABASE_SCHEMA: "tenant_a",
        RECONCILE_INTERVAL_SECONDS: "0",
        VALIDIBOT_MAX_UPLOAD_BYTES: "1048576",
        VALIDIBOT_MOCK_DELAY_MS: "10",
        VALIDIBOT_MOCK_FAIL_RATE: "0.5",
        LOG_LEVEL: "debug",
      },
      { cwd: dir },
    );
    expect(settings).toMatchObject({
      mode: "mock",
      host: "0.0.0.0",
      port: 9001,
      dataDir: join(dir, "state"),
      publicUrl: "https://validibot.example.com/base",
      configPath: config,
      workerKey: "a-worker-key-of-enough-length",
      databaseUrl: "postgres://user:pw@db:5432/validibot",
      databaseSchema: "tenant_a",
      reconcileIntervalSeconds: 0,
      maxUploadBytes: 1048576,
      mock: { delayMs: 10, failRate: 0.5 },
      logLevel: "debug",
    });
  });

  it("prefers ./validibot.config.json in the working folder over the shipped one", () => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    writeFileSync(
      join(cwd, "validibot.config.json"),
      JSON.stringify({ validators: [GOOD_VALIDATOR] }),
    );
    expect(loadSettings({}, { cwd }).validators.map((v) => v.id)).toEqual(["py"]);
  });

  it("names every wrong variable at once", () => {
    const problems = problemsOf({
      VALIDIBOT_MODE: "cloud",
      PORT: "http",
      WORKER_API_KEY: "short",
      DATABASE_URL: "mysql://db",
      VALIDIBOT_PUBLIC_URL: "not a url",
      VALIDIBOT_MOCK_FAIL_RATE: "2",
      RECONCILE_INTERVAL_SECONDS: "-1",
    });
    for (const name of [
      "VALIDIBOT_MODE",
      "PORT",
      "WORKER_API_KEY",
      "DATABASE_URL",
      "VALIDIBOT_PUBLIC_URL",
      "VALIDIBOT_MOCK_FAIL_RATE",
      "RECONCILE_INTERVAL_SECONDS",
    ]) {
      expect(
        problems.some((p) => p.startsWith(`${name}:`)),
        name,
      ).toBe(true);
    }
  });

  it("in production, names each missing Google setting and the public URL", () => {
    const problems = problemsOf({ VALIDIBOT_MODE: "production" });
    for (const name of [
      "GCS_BUCKET",
      "GCP_PROJECT",
      "GCP_REGION",
      "CALLBACK_SERVICE_ACCOUNTS",
      "VALIDIBOT_PUBLIC_URL",
    ]) {
      expect(problems).toContain(`${name}: required when VALIDIBOT_MODE=production`);
    }
  });

  it("in production, reads the Google settings and listens on every interface", () => {
    const settings = loadSettings(
      {
        VALIDIBOT_MODE: "production",
        GCS_BUCKET: "bundles",
        GCP_PROJECT: "proj",
        GCP_REGION: "europe-west1",
        CALLBACK_SERVICE_ACCOUNTS: "a@proj.iam.gserviceaccount.com, b@proj.iam.gserviceaccount.com",
        VALIDIBOT_PUBLIC_URL: "https://validibot.example.com",
      },
      { cwd: dir },
    );
    expect(settings.host).toBe("0.0.0.0");
    expect(settings.google).toEqual({
      bucket: "bundles",
      project: "proj",
      region: "europe-west1",
      callbackServiceAccounts: ["a@proj.iam.gserviceaccount.com", "b@proj.iam.gserviceaccount.com"],
    });
  });

  it("in production, refuses a validator without a Cloud Run job, naming it", () => {
    const config = writeConfig("local-only.json", { validators: [GOOD_VALIDATOR] });
    const problems = problemsOf({
      VALIDIBOT_MODE: "production",
      VALIDIBOT_CONFIG: config,
      GCS_BUCKET: "b",
      GCP_PROJECT: "p",
      GCP_REGION: "r",
      CALLBACK_SERVICE_ACCOUNTS: "not-an-email",
      VALIDIBOT_PUBLIC_URL: "https://x.example.com",
    });
    expect(problems).toEqual([
      `${config}: validators[0] (py).launch: needs "cloudRun" (the Cloud Run job) when VALIDIBOT_MODE=production`,
      'CALLBACK_SERVICE_ACCOUNTS: "not-an-email" is not an email address',
    ]);
  });

  it("names the bad field of the config file", () => {
    const cases: [unknown, string][] = [
      [{ validators: [{ ...GOOD_VALIDATOR, type: "WORD" }] }, "validators[0].type"],
      [
        { validators: [{ ...GOOD_VALIDATOR, launch: { docker: {} } }] },
        "validators[0].launch.docker.image",
      ],
      [{ validators: [{ ...GOOD_VALIDATOR, launch: {} }] }, "validators[0].launch"],
      [
        {
          validators: [{ ...GOOD_VALIDATOR, launch: { local: { command: "x", runtime: "fmu" } } }],
        },
        "validators[0].launch.local",
      ],
      [
        { validators: [{ ...GOOD_VALIDATOR, file_ports: [{ port_key: "a b", mime_types: [] }] }] },
        "validators[0].file_ports[0].port_key",
      ],
      [{ validators: [GOOD_VALIDATOR, GOOD_VALIDATOR] }, "validators[1].id"],
      [{ validators: [{ ...GOOD_VALIDATOR, colour: "red" }] }, "validators[0]"],
      [{ validators: [] }, "validators"],
    ];
    cases.forEach(([config, field], index) => {
      const path = writeConfig(`bad-${index}.json`, config);
      const problems = problemsOf({ VALIDIBOT_MODE: "mock", VALIDIBOT_CONFIG: path });
      expect(
        problems.some((p) => p.startsWith(`${path}: ${field}:`)),
        `${field} in ${JSON.stringify(problems)}`,
      ).toBe(true);
    });
  });

  it("says when the config file is missing or not JSON", () => {
    expect(problemsOf({ VALIDIBOT_CONFIG: "absent.json" })[0]).toContain(
      `cannot read the config file ${join(dir, "absent.json")}`,
    );
    const path = writeConfig("broken.json", "{ validators: ");
    expect(problemsOf({ VALIDIBOT_CONFIG: path })[0]).toContain(`${path} is not valid JSON`);
  });
});

describe("the generated worker key", () => {
  it("is made once with mode 0600 and kept across restarts", async () => {
    const data = join(dir, "key-data");
    const first = await loadOrCreateWorkerKey(data);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(data, WORKER_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateWorkerKey(data)).toBe(first);
    expect(readFileSync(join(data, WORKER_KEY_FILE), "utf8").trim()).toBe(first);
  });

  it("is the same for servers starting together on one folder", async () => {
    const data = join(dir, "race-data");
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateWorkerKey(data)));
    expect(new Set(keys).size).toBe(1);
  });

  it("refuses a key file that holds no usable key", async () => {
    const data = join(dir, "bad-key");
    await loadOrCreateWorkerKey(data);
    writeFileSync(join(data, WORKER_KEY_FILE), "short\n");
    await expect(loadOrCreateWorkerKey(data)).rejects.toBeInstanceOf(SettingsError);
  });
});
