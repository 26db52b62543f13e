import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { readConfigFile, type ValidatorConfig } from "./config-file";
import { SettingsError } from "./settings-error";

/** Where validators run: real local processes or containers, nowhere (mock), or Google Cloud. */
export const ServerMode = z.enum(["local", "mock", "production"]);
/** Where validators run. */
export type ServerMode = z.infer<typeof ServerMode>;

/** The config file shipped with this example, used when neither `VALIDIBOT_CONFIG` nor `./validibot.config.json` exists. */
export const DEFAULT_CONFIG_PATH = fileURLToPath(
  new URL("../validibot.config.json", import.meta.url),
);

/** Google Cloud settings, required in production mode. */
export interface GoogleSettings {
  /** `GCS_BUCKET`: where bundles live. */
  bucket: string;
  /** `GCP_PROJECT`: the project of the Cloud Run Jobs. */
  project: string;
  /** `GCP_REGION`: the region of the Cloud Run Jobs. */
  region: string;
  /** `CALLBACK_SERVICE_ACCOUNTS`: the service accounts whose ID tokens may call back. */
  callbackServiceAccounts: string[];
}

/** Everything the server is configured with, resolved and checked. Made by `loadSettings`. */
export interface ServerSettings {
  /** `VALIDIBOT_MODE`. Default: `local`. */
  mode: ServerMode;
  /** `HOST`: the interface to listen on. Default: `127.0.0.1`, or `0.0.0.0` in production. */
  host: string;
  /** `PORT`. Default: 8000. 0 picks a free port. */
  port: number;
  /** `VALIDIBOT_DATA_DIR`, absolute: SQLite file, bundles, scratch, worker key. Default: `./.validibot`. */
  dataDir: string;
  /**
   * `VALIDIBOT_PUBLIC_URL`: the base URL validators reach this server at (callbacks go to
   * `<public URL>/api/v1/validation-callbacks/`), without a trailing slash. Required in
   * production. Null: `http://127.0.0.1:<port>`.
   */
  publicUrl: string | null;
  /** `WORKER_API_KEY`. Null: generated once and kept in `<dataDir>/worker-key` (mode 0600). */
  workerKey: string | null;
  /**
   * `VALIDIBOT_API_TOKEN`: an admin API token of the default organization, registered at start
   * (at least 32 characters). Null: in local and mock mode one is generated once and kept in
   * `<dataDir>/api-token` (mode 0600); in production there is none (make tokens with `tokens create`).
   */
  apiToken: string | null;
  /**
   * `VALIDIBOT_ALLOWED_HOSTS` (comma-separated): host names the server answers to besides the
   * loopback names and the public URL's host (`Host` of any other name is refused). Default: none.
   */
  allowedHosts: string[];
  /** `DATABASE_URL`: PostgreSQL instead of the SQLite file. Default: null. */
  databaseUrl: string | null;
  /** `VALIDIBOT_DATABASE_SCHEMA`: the PostgreSQL schema of the tables. Default: `validibot`. */
  databaseSchema: string;
  /** The config file read (absolute). */
  configPath: string;
  /** Its validators. */
  validators: ValidatorConfig[];
  /** Production's Google Cloud settings; null in other modes. */
  google: GoogleSettings | null;
  /** `RECONCILE_INTERVAL_SECONDS`: how often overdue runs are reconciled; 0 = never. Default: 30. */
  reconcileIntervalSeconds: number;
  /** `VALIDIBOT_MAX_UPLOAD_BYTES`: the largest uploaded file (413 above). Default: 1 GiB. */
  maxUploadBytes: number;
  /**
   * `VALIDIBOT_MAX_CONCURRENT_UPLOADS`: run uploads read at once; one more is refused with 503
   * `too_many_uploads` and `Retry-After`, so a burst of large uploads cannot exhaust the server.
   * Default: 8.
   */
  maxConcurrentUploads: number;
  /** Mock mode: `VALIDIBOT_MOCK_DELAY_MS` (default 2000) and `VALIDIBOT_MOCK_FAIL_RATE` (0-1, default 1/3). */
  mock: { delayMs: number; failRate: number };
  /** `LOG_LEVEL` of pino (`fatal` ... `trace`, `silent`). Default: `info`. */
  logLevel: string;
}

/** Options of `loadSettings`. */
export interface LoadSettingsOptions {
  /** The folder relative paths resolve against. Default: `process.cwd()`. */
  cwd?: string;
}

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);
const optionalText = z.preprocess(emptyToUndefined, z.string().optional());
const intFrom = (min: number, max: number, fallback: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ invalid_type_error: "must be a whole number" })
      .int("must be a whole number")
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  );
const httpUrl = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .url("must be an absolute URL such as https://validibot.example.com")
    .refine(
      (url) => !URL.canParse(url) || /^https?:$/.test(new URL(url).protocol),
      "must be http or https",
    )
    .optional(),
);

const Env = z.object({
  VALIDIBOT_MODE: z.preprocess(
    emptyToUndefined,
    z
      .enum(["local", "mock", "production"], { message: "must be local, mock or production" })
      .default("local"),
  ),
  HOST: optionalText,
  PORT: intFrom(0, 65535, 8000),
  VALIDIBOT_DATA_DIR: optionalText,
  VALIDIBOT_PUBLIC_URL: httpUrl,
  VALIDIBOT_CONFIG: optionalText,
  WORKER_API_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .min(16, "must be at least 16 characters")
      .refine((key) => key.trim() === key, "must not start or end with whitespace")
      .optional(),
  ),
  VALIDIBOT_API_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .min(32, "must be at least 32 characters")
      .refine((token) => token.trim() === token, "must not start or end with whitespace")
      .optional(),
  ),
  VALIDIBOT_ALLOWED_HOSTS: optionalText,
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection string")
      .optional(),
  ),
  VALIDIBOT_DATABASE_SCHEMA: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,47}$/, "letters, digits and _ only, 48 at most")
      .default("validibot"),
  ),
  GCS_BUCKET: optionalText,
  GCP_PROJECT: optionalText,
  GCP_REGION: optionalText,
  CALLBACK_SERVICE_ACCOUNTS: optionalText,
  RECONCILE_INTERVAL_SECONDS: intFrom(0, 86_400, 30),
  VALIDIBOT_MAX_UPLOAD_BYTES: intFrom(1, Number.MAX_SAFE_INTEGER, 1024 ** 3),
  VALIDIBOT_MAX_CONCURRENT_UPLOADS: intFrom(1, 10_000, 8),
  VALIDIBOT_MOCK_DELAY_MS: intFrom(0, 3_600_000, 2000),
  VALIDIBOT_MOCK_FAIL_RATE: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ invalid_type_error: "must be a number from 0 to 1" })
      .min(0, "must be from 0 to 1")
      .max(1, "must be from 0 to 1")
      .default(1 / 3),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
});

function configPathOf(env: z.infer<typeof Env>, cwd: string): string {
  if (env.VALIDIBOT_CONFIG) return resolve(cwd, env.VALIDIBOT_CONFIG);
  const local = resolve(cwd, "validibot.config.json");
  return existsSync(local) ? local : DEFAULT_CONFIG_PATH;
}

function googleSettings(env: z.infer<typeof Env>, problems: string[]): GoogleSettings | null {
  const required = {
    GCS_BUCKET: env.GCS_BUCKET,
    GCP_PROJECT: env.GCP_PROJECT,
    GCP_REGION: env.GCP_REGION,
    CALLBACK_SERVICE_ACCOUNTS: env.CALLBACK_SERVICE_ACCOUNTS,
    VALIDIBOT_PUBLIC_URL: env.VALIDIBOT_PUBLIC_URL,
  };
  for (const [name, value] of Object.entries(required)) {
    if (!value) problems.push(`${name}: required when VALIDIBOT_MODE=production`);
  }
  const accounts = (env.CALLBACK_SERVICE_ACCOUNTS ?? "")
    .split(",")
    .map((email) => email.trim())
    .filter((email) => email !== "");
  for (const email of accounts) {
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
      problems.push(`CALLBACK_SERVICE_ACCOUNTS: ${JSON.stringify(email)} is not an email address`);
    }
  }
  if (env.CALLBACK_SERVICE_ACCOUNTS && accounts.length === 0) {
    problems.push("CALLBACK_SERVICE_ACCOUNTS: list at least one service account email");
  }
  if (!env.GCS_BUCKET || !env.GCP_PROJECT || !env.GCP_REGION) return null;
  return {
    bucket: env.GCS_BUCKET,
    project: env.GCP_PROJECT,
    region: env.GCP_REGION,
    callbackServiceAccounts: accounts,
  };
}

function checkLaunches(
  mode: ServerMode,
  validators: ValidatorConfig[],
  configPath: string,
  problems: string[],
) {
  validators.forEach((validator, index) => {
    const where = `${configPath}: validators[${index}] (${validator.id}).launch`;
    if (mode === "production" && !validator.launch.cloudRun) {
      problems.push(
        `${where}: needs "cloudRun" (the Cloud Run job) when VALIDIBOT_MODE=production`,
      );
    }
    if (mode === "local" && !validator.launch.local && !validator.launch.docker) {
      problems.push(
        `${where}: needs "local" or "docker" when VALIDIBOT_MODE=local (or run with VALIDIBOT_MODE=mock)`,
      );
    }
  });
}

/**
 * The server's settings from environment variables (see `ServerSettings` for each one and its
 * default) and the validators' config file (`VALIDIBOT_CONFIG`, else `./validibot.config.json`,
 * else the one shipped with this example). Throws a `SettingsError` listing every missing or
 * wrong variable and config field by name.
 */
export function loadSettings(
  env: Record<string, string | undefined> = process.env,
  options: LoadSettingsOptions = {},
): ServerSettings {
  const cwd = options.cwd ?? process.cwd();
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new SettingsError(
      parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  const values = parsed.data;
  const mode = values.VALIDIBOT_MODE;
  const problems: string[] = [];
  const configPath = configPathOf(values, cwd);
  let validators: ValidatorConfig[] = [];
  try {
    validators = readConfigFile(configPath).validators;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    problems.push(...error.problems);
  }
  checkLaunches(mode, validators, configPath, problems);
  const google = mode === "production" ? googleSettings(values, problems) : null;
  if (problems.length > 0) throw new SettingsError(problems);
  return {
    mode,
    host: values.HOST ?? (mode === "production" ? "0.0.0.0" : "127.0.0.1"),
    port: values.PORT,
    dataDir: resolve(cwd, values.VALIDIBOT_DATA_DIR ?? ".validibot"),
    publicUrl: values.VALIDIBOT_PUBLIC_URL
      ? new URL(values.VALIDIBOT_PUBLIC_URL).href.replace(/\/+$/, "")
      : null,
    workerKey: values.WORKER_API_KEY ?? null,
    apiToken: values.VALIDIBOT_API_TOKEN ?? null,
    allowedHosts: (values.VALIDIBOT_ALLOWED_HOSTS ?? "")
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== ""),
    databaseUrl: values.DATABASE_URL ?? null,
    databaseSchema: values.VALIDIBOT_DATABASE_SCHEMA,
    configPath,
    validators,
    google,
    reconcileIntervalSeconds: values.RECONCILE_INTERVAL_SECONDS,
    maxUploadBytes: values.VALIDIBOT_MAX_UPLOAD_BYTES,
    maxConcurrentUploads: values.VALIDIBOT_MAX_CONCURRENT_UPLOADS,
    mock: { delayMs: values.VALIDIBOT_MOCK_DELAY_MS, failRate: values.VALIDIBOT_MOCK_FAIL_RATE },
    logLevel: values.LOG_LEVEL,
  };
}

/** The folder of the config file: where relative `cwd`s of local launches start. */
export function configDirOf(settings: ServerSettings): string {
  return dirname(settings.configPath);
}
