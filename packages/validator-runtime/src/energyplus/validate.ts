import { copyFile, mkdir } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import type {
  EnergyPlusInputs,
  EnergyPlusOutputs,
  EnergyPlusSimulationMetrics,
  ValidationStatus,
} from "@validibot/contracts";
import type { FindingInput, ProcessResult } from "../types";
import { isFile, presentArtifacts } from "./artifacts";
import { type EnergyPlusBinary, findEnergyPlusBinary, probeBinary } from "./binary";
import { epCode } from "./codes";
import { readEndFile } from "./end-file";
import { errFindings } from "./err-findings";
import { type ErrReport, parseErrFile } from "./err-parser";
import type { ParsedModel } from "./model";
import { readModel } from "./model-reader";
import { runPreflight } from "./preflight";
import type { ProcessRunner } from "./process-runner";
import type { EnergyPlusReporter } from "./reporter";
import { runEnergyPlus } from "./simulate";
import { emptyMetrics, metricsList, readSqlMetrics } from "./sql-metrics";
import { versionsMatch } from "./version";
import { writeWorkingCopy } from "./working-copy";

/** Everything one validation needs. */
export interface ValidateEnergyPlusOptions {
  /** The verified model (IDF or epJSON). */
  modelPath: string;
  /** The EPW weather file, or null. Needed only when `run_simulation` is true. */
  weatherPath: string | null;
  inputs: EnergyPlusInputs;
  /** A private folder for the working copy. */
  scratchDir: string;
  /** Where EnergyPlus writes its outputs (the whole folder is kept). */
  outputsDir: string;
  runner: ProcessRunner;
  reporter: EnergyPlusReporter;
  /** When the attempt's time is up; the simulation gets what remains, less a reserve for reading results. */
  deadline?: Date;
  /** Environment for finding the binary (`ENERGYPLUS_BIN`, `PATH`). Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The outcome: the verdict, the typed outputs, and the model as read. */
export interface ValidateEnergyPlusResult {
  status: ValidationStatus;
  outputs: EnergyPlusOutputs;
  model: ParsedModel;
}

/** `energyplus_returncode` when EnergyPlus did not run (or did not exit on its own). */
export const NOT_RUN_RETURNCODE = -1;

/** Time kept back from the simulation for reading its results: 10% of what remains, at most 30 s. */
function simulationBudget(deadline: Date | undefined): number | undefined {
  if (!deadline) return undefined;
  const remaining = deadline.getTime() - Date.now();
  return Math.max(1_000, remaining - Math.min(30_000, remaining * 0.1));
}

function workingCopyName(modelPath: string, format: ParsedModel["format"]): string {
  const base = basename(modelPath, extname(modelPath)).replace(/[^A-Za-z0-9._-]/g, "_") || "model";
  return `validibot-run-${base}${format === "epjson" ? ".epJSON" : ".idf"}`;
}

/**
 * Writes the model EnergyPlus runs beside the original (so files a `Schedule:File` names
 * relative to the model are found), or in the scratch folder when that folder is not writable.
 */
async function placeModel(
  options: ValidateEnergyPlusOptions,
  model: ParsedModel,
  write: (target: string) => Promise<void>,
): Promise<string> {
  const name = workingCopyName(options.modelPath, model.format);
  let failure: unknown;
  for (const dir of [dirname(options.modelPath), join(options.scratchDir, "energyplus-input")]) {
    try {
      await mkdir(dir, { recursive: true });
      await write(join(dir, name));
      return join(dir, name);
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

function nonEmpty(text: string | null | undefined): string | null {
  return text && text.trim() !== "" ? text : null;
}

/**
 * Validates an EnergyPlus model: reads it, runs the preflight checks, and (when asked and
 * allowed) simulates a working copy and turns `eplusout.err`, `eplusout.end` and `eplusout.sql`
 * into findings, metrics and typed outputs. Everything is reported through `reporter`; the
 * result carries the status and the typed `EnergyPlusOutputs`.
 *
 * Status: `success` only when nothing blocked, EnergyPlus (if run) exited 0 with no fatal error
 * and no `ERROR` finding was reported; `failed_runtime` when the binary is missing, crashed or
 * ran out of time; `cancelled` when the attempt was cancelled; else `failed_validation`.
 */
export async function validateEnergyPlusModel(
  options: ValidateEnergyPlusOptions,
): Promise<ValidateEnergyPlusResult> {
  const { inputs, reporter } = options;
  let errors = 0;
  const report = (f: FindingInput) => {
    if (f.severity === "ERROR") errors++;
    reporter.finding(f);
  };
  const sink = { finding: report };
  const log = (message: string) => reporter.log?.(message);

  const read = await readModel(options.modelPath);
  for (const f of read.findings) report(f);
  const model = read.model;

  const binaryPath = findEnergyPlusBinary(options.env ?? process.env);
  let binary: EnergyPlusBinary | null = null;
  if (binaryPath) {
    binary = await probeBinary(options.runner, binaryPath);
    log(`EnergyPlus binary ${binaryPath}: ${binary.version ?? "version unknown"}`);
    if (binary.version === null) {
      report({
        severity: "WARNING",
        code: epCode("binary_version_unknown"),
        text: `Could not read the version of ${binaryPath} from "--version" (it printed: ${binary.versionOutput.slice(0, 200) || "nothing"}); the model's version was not compared.`,
        tags: ["energyplus"],
      });
    }
  }

  if (inputs.invocation_mode === "python_api") {
    report({
      severity: "INFO",
      code: epCode("invocation_mode_unsupported"),
      text: "invocation_mode python_api is not available in this validator; the EnergyPlus command line was used.",
      tags: ["energyplus"],
    });
  }

  const preflight = runPreflight(
    model,
    {
      inputs,
      binaryVersion: binary?.version ?? null,
      hasWeather: options.weatherPath !== null,
    },
    sink,
  );

  const outputs = baseOutputs(model, binary, preflight.reviewIssues);
  outputs.version_match = binary ? versionsMatch(model.version, binary.version) : null;

  if (inputs.run_simulation && options.weatherPath === null) {
    report({
      severity: "ERROR",
      code: epCode("weather_missing"),
      text: "run_simulation is true but no weather file was given: add an EPW as the weather_file resource, or set run_simulation to false.",
      location: { file_role: "weather_file", line: null, column: null, path: null },
      tags: ["energyplus"],
    });
  }
  if (inputs.run_simulation && !binary) {
    const explicit = (options.env ?? process.env).ENERGYPLUS_BIN;
    report({
      severity: "ERROR",
      code: epCode("binary_missing"),
      text: explicit
        ? `ENERGYPLUS_BIN is "${explicit}", which is not an executable file; the model cannot be simulated.`
        : "No energyplus binary was found on PATH (or in ENERGYPLUS_BIN); the model cannot be simulated.",
      tags: ["energyplus"],
    });
    return { status: "failed_runtime", outputs, model };
  }

  const blocked =
    !model.complete ||
    preflight.refusedObjects > 0 ||
    preflight.versionMatch === false ||
    (inputs.run_simulation && options.weatherPath === null);
  if (blocked || !binary) {
    if (blocked) log("EnergyPlus was not run: preflight found blocking problems.");
    return { status: errors > 0 ? "failed_validation" : "success", outputs, model };
  }

  await mkdir(options.outputsDir, { recursive: true });
  const convertOnly = !inputs.run_simulation;
  let modelToRun = options.modelPath;
  if (!convertOnly) {
    modelToRun = await placeModel(options, model, (target) =>
      writeWorkingCopy(model, options.modelPath, target, {
        timestepPerHour: inputs.timestep_per_hour,
        runPeriodDays: inputs.run_period_days,
      }),
    );
  } else if (extname(options.modelPath) === "") {
    // EnergyPlus picks its reader by extension; give the model one.
    modelToRun = await placeModel(options, model, (target) => copyFile(options.modelPath, target));
  }

  let result: ProcessResult;
  try {
    log(`Running EnergyPlus${convertOnly ? " (--convert-only)" : ""} on ${basename(modelToRun)}`);
    result = await runEnergyPlus(options.runner, {
      binary: binary.path,
      model: modelToRun,
      outputDir: options.outputsDir,
      weather: convertOnly ? null : options.weatherPath,
      convertOnly,
      readVars: true,
      ...(options.deadline ? { timeoutMs: simulationBudget(options.deadline) } : {}),
    });
  } catch (error) {
    report({
      severity: "ERROR",
      code: epCode("crashed"),
      text: `EnergyPlus could not be started: ${error instanceof Error ? error.message : String(error)}`,
      tags: ["energyplus"],
    });
    return { status: "failed_runtime", outputs, model };
  }
  outputs.energyplus_returncode = result.exitCode ?? NOT_RUN_RETURNCODE;
  outputs.execution_seconds = Math.max(0, result.durationMs / 1000);
  outputs.logs = {
    stdout_tail: nonEmpty(result.stdoutTail),
    stderr_tail: nonEmpty(result.stderrTail),
    err_tail: null,
  };

  const dir = options.outputsDir;
  let err: ErrReport | null = null;
  if (await isFile(dir, "eplusout.err")) {
    err = await parseErrFile(join(dir, "eplusout.err"));
    for (const f of errFindings(err, model)) report(f);
    outputs.logs.err_tail = nonEmpty(err.tail);
  } else if (!convertOnly) {
    report({
      severity: "WARNING",
      code: epCode("err_missing"),
      text: "EnergyPlus left no eplusout.err, so its messages cannot be shown.",
      tags: ["energyplus"],
    });
  }
  const end = await readEndFile(join(dir, "eplusout.end"));
  outputs.warning_count = err?.summary.warnings ?? end.warnings ?? err?.markerCounts.warning ?? 0;
  outputs.severe_count = err?.summary.severe ?? end.severe ?? err?.markerCounts.severe ?? 0;
  outputs.fatal_count = err?.markerCounts.fatal ?? 0;
  if (
    outputs.fatal_count === 0 &&
    (end.outcome === "terminated" || err?.summary.outcome === "terminated")
  ) {
    outputs.fatal_count = 1;
  }

  let status: ValidationStatus | null = null;
  if (result.cancelled) {
    status = "cancelled";
  } else if (result.timedOut) {
    report({
      severity: "ERROR",
      code: epCode("timeout"),
      text: `EnergyPlus was stopped after ${Math.round(result.durationMs / 1000)} s: it ran past the attempt's time limit.`,
      tags: ["energyplus"],
    });
    status = "failed_runtime";
  } else if (result.signal !== null || (!end.exists && (!convertOnly || result.exitCode !== 0))) {
    report({
      severity: "ERROR",
      code: epCode("crashed"),
      text: `EnergyPlus stopped without writing eplusout.end (${result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`}): it crashed before finishing.`,
      location: { file_role: "eplusout.err", line: null, column: null, path: null },
      tags: ["energyplus"],
    });
    status = "failed_runtime";
  } else if (result.exitCode !== 0 && outputs.fatal_count === 0) {
    report({
      severity: "ERROR",
      code: epCode(convertOnly ? "conversion_failed" : "exit_nonzero"),
      text: convertOnly
        ? `EnergyPlus could not convert the model (exit code ${result.exitCode}).`
        : `EnergyPlus exited with code ${result.exitCode} without reporting a fatal error.`,
      tags: ["energyplus"],
    });
    status = convertOnly ? "failed_validation" : "failed_runtime";
  }
  outputs.completed_successfully =
    !result.timedOut &&
    !result.cancelled &&
    result.exitCode === 0 &&
    outputs.fatal_count === 0 &&
    (convertOnly || end.outcome === "completed");

  if (!convertOnly && status !== "cancelled") {
    outputs.metrics = await readMetrics(dir, end.outcome === "completed", report);
    for (const metric of metricsList(outputs.metrics)) reporter.metric(metric);
  }
  outputs.outputs = {
    eplusout_sql: (await isFile(dir, "eplusout.sql")) ? "eplusout.sql" : null,
    eplusout_err: (await isFile(dir, "eplusout.err")) ? "eplusout.err" : null,
    eplusout_csv: (await isFile(dir, "eplusout.csv")) ? "eplusout.csv" : null,
    eplusout_eso: (await isFile(dir, "eplusout.eso")) ? "eplusout.eso" : null,
  };
  outputs.has_sql_output = outputs.outputs.eplusout_sql !== null;
  outputs.has_err_output = outputs.outputs.eplusout_err !== null;
  outputs.has_csv_output = outputs.outputs.eplusout_csv !== null;
  outputs.has_eso_output = outputs.outputs.eplusout_eso !== null;
  for (const spec of await presentArtifacts(dir)) {
    reporter.artifact({
      path: join(dir, spec.file),
      name: spec.file,
      type: spec.type,
      mime_type: spec.mime_type,
    });
  }

  if (status === null) {
    const ok = result.exitCode === 0 && outputs.fatal_count === 0 && errors === 0;
    status = ok ? "success" : "failed_validation";
  }
  return { status, outputs, model };
}

async function readMetrics(
  dir: string,
  completed: boolean,
  report: (f: FindingInput) => void,
): Promise<EnergyPlusSimulationMetrics> {
  if (!(await isFile(dir, "eplusout.sql"))) {
    if (completed) {
      report({
        severity: "WARNING",
        code: epCode("sql_missing"),
        text: "EnergyPlus left no eplusout.sql, so no energy metrics could be read.",
        tags: ["energyplus"],
      });
    }
    return emptyMetrics();
  }
  try {
    return await readSqlMetrics(join(dir, "eplusout.sql"));
  } catch (error) {
    report({
      severity: "WARNING",
      code: epCode("sql_unreadable"),
      text: `eplusout.sql could not be read: ${error instanceof Error ? error.message : String(error)}`,
      tags: ["energyplus"],
    });
    return emptyMetrics();
  }
}

function baseOutputs(
  model: ParsedModel,
  binary: EnergyPlusBinary | null,
  reviewIssues: number,
): EnergyPlusOutputs {
  return {
    outputs: { eplusout_sql: null, eplusout_err: null, eplusout_csv: null, eplusout_eso: null },
    logs: null,
    metrics: emptyMetrics(),
    energyplus_returncode: NOT_RUN_RETURNCODE,
    execution_seconds: 0,
    invocation_mode: "cli",
    completed_successfully: false,
    severe_count: 0,
    warning_count: 0,
    fatal_count: 0,
    review_issue_count: reviewIssues,
    idf_version: model.version,
    energyplus_binary_version: binary?.version ?? null,
    energyplus_binary_build: binary?.build ?? null,
    idd_version: binary?.iddVersion ?? null,
    idd_build: binary?.iddBuild ?? null,
    idd_path: binary?.iddPath ?? null,
    version_match: null,
    has_sql_output: false,
    has_err_output: false,
    has_csv_output: false,
    has_eso_output: false,
  };
}
