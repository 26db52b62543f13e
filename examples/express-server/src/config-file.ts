import { readFileSync } from "node:fs";
import { ValidatorType } from "@validibot/contracts";
import { z } from "zod";
import { describeIssues, SettingsError } from "./settings-error";

/**
 * Run the validator as a local child process: either any `command` with `args` (e.g. `python3
 * my_validator.py`), or a `runtime` validator of `@validibot/validator-runtime`'s CLI
 * (`energyplus`, `fmu`, or a module path), run with the current Node executable.
 */
export const LocalLaunchConfig = z
  .object({
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    runtime: z.string().min(1).optional(),
    /** Extra environment variables of the process. */
    env: z.record(z.string(), z.string()).default({}),
    /** Working directory; relative to the config file's folder. Default: that folder. */
    cwd: z.string().min(1).optional(),
    /** How many of this validator's processes run at once. Default: the number of CPUs. */
    max_concurrent: z.number().int().positive().optional(),
  })
  .strict()
  .refine((local) => (local.command === undefined) !== (local.runtime === undefined), {
    message:
      'give exactly one of "command" (any executable) and "runtime" (a validator of the runtime CLI)',
  });
/** A local-process launch. */
export type LocalLaunchConfig = z.infer<typeof LocalLaunchConfig>;

/** Run the validator as a Docker container of `image`. */
export const DockerLaunchConfig = z
  .object({
    image: z.string().min(1),
    /** `--network` of the container. Default: Docker's bridge (reaching the host as host.docker.internal). */
    network: z.string().min(1).optional(),
    /** Arguments before the image, e.g. `["--memory", "4g"]`. */
    extra_args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
  })
  .strict();
/** A Docker launch. */
export type DockerLaunchConfig = z.infer<typeof DockerLaunchConfig>;

/** Run the validator as an execution of a Cloud Run Job (an id, or `projects/P/locations/R/jobs/J`). */
export const CloudRunLaunchConfig = z.object({ job: z.string().min(1) }).strict();
/** A Cloud Run Job launch. */
export type CloudRunLaunchConfig = z.infer<typeof CloudRunLaunchConfig>;

/**
 * How a validator is launched; at least one. `local` mode uses `local`, else `docker`;
 * `production` uses `cloudRun`; `mock` uses none.
 */
export const LaunchConfig = z
  .object({
    local: LocalLaunchConfig.optional(),
    docker: DockerLaunchConfig.optional(),
    cloudRun: CloudRunLaunchConfig.optional(),
  })
  .strict()
  .refine((launch) => launch.local || launch.docker || launch.cloudRun, {
    message: 'give at least one of "local", "docker" and "cloudRun"',
  });
/** How a validator is launched. */
export type LaunchConfig = z.infer<typeof LaunchConfig>;

/** A file port of a validator in the config file (see the SDK's `FilePortDefinition`). */
export const FilePortConfig = z
  .object({
    port_key: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only"),
    required: z.boolean().default(true),
    mime_types: z.array(z.string().min(1)).min(1),
    extensions: z
      .array(z.string().regex(/^\.[^./\\]+$/, 'a file ending such as ".idf"'))
      .optional(),
    role: z.string().min(1).nullable().default(null),
    resource: z.boolean().default(false),
    resource_type: z.string().min(1).optional(),
    max_bytes: z.number().int().positive().optional(),
  })
  .strict();
/** A file port in the config file. */
export type FilePortConfig = z.infer<typeof FilePortConfig>;

/**
 * Which schema a validator's `inputs` are checked against: `typed` (the contract's typed inputs
 * for ENERGYPLUS and FMU, any JSON object for other types), `any` (any JSON object), `none`
 * (only `{}`).
 */
export const InputsChoice = z.enum(["typed", "any", "none"]);
/** Which schema a validator's `inputs` are checked against. */
export type InputsChoice = z.infer<typeof InputsChoice>;

/** One validator of the config file. */
export const ValidatorConfig = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]*$/,
        "lowercase letters, digits, _ and -, starting with a letter or digit",
      ),
    type: ValidatorType,
    version: z.string().min(1),
    title: z.string().min(1).optional(),
    file_ports: z.array(FilePortConfig),
    inputs: InputsChoice.default("typed"),
    timeout_seconds: z.number().int().positive().optional(),
    launch: LaunchConfig,
  })
  .strict()
  .superRefine((validator, ctx) => {
    const keys = new Set<string>();
    validator.file_ports.forEach((port, index) => {
      if (keys.has(port.port_key)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["file_ports", index, "port_key"],
          message: `port ${port.port_key} is declared twice`,
        });
      }
      keys.add(port.port_key);
    });
  });
/** One validator of the config file. */
export type ValidatorConfig = z.infer<typeof ValidatorConfig>;

/** The config file: `{ "validators": [ ... ] }`. */
export const ConfigFile = z
  .object({ $schema: z.string().optional(), validators: z.array(ValidatorConfig).min(1) })
  .strict()
  .superRefine((config, ctx) => {
    const ids = new Set<string>();
    config.validators.forEach((validator, index) => {
      if (ids.has(validator.id)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["validators", index, "id"],
          message: `the id ${validator.id} is used twice`,
        });
      }
      ids.add(validator.id);
    });
  });
/** The config file. */
export type ConfigFile = z.infer<typeof ConfigFile>;

/** Reads and checks a config file; a `SettingsError` names the file and every bad field. */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SettingsError([`cannot read the config file ${path}: ${(error as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SettingsError([`${path} is not valid JSON: ${(error as Error).message}`]);
  }
  const parsed = ConfigFile.safeParse(raw);
  if (!parsed.success) {
    throw new SettingsError(
      describeIssues(parsed.error.issues, (field) => `${path}: ${field || "(top)"}`),
    );
  }
  return parsed.data;
}
