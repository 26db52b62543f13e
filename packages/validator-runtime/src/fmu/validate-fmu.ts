import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { FMUInputs, FMUOutputs, ValidationStatus } from "@validibot/contracts";
import { checkBinary } from "./check-binary";
import { checkDefaultExperiment } from "./check-experiment";
import { checkModelStructure } from "./check-model-structure";
import { checkVariables } from "./check-variables";
import { readLog } from "./fmu-log";
import { DEFAULT_UNPACK_LIMITS, type UnpackLimits } from "./limits";
import type { ModelDescription } from "./model-description";
import { parseModelDescription } from "./parse-model-description";
import { FmuReporter, type FmuReportSink } from "./report";
import { fmuOutputs, reportMetrics, type SimulationSummary } from "./results";
import { type RunSimulationOptions, runSimulation, type SimulationRun } from "./simulate";
import { planSimulation, type SimulationPlan } from "./simulation-plan";
import { unpackFmu } from "./unpack";

/** Where the validator works and how far it may go. */
export interface ValidateFmuOptions {
  /** A private folder to unpack into and keep the log in. */
  scratchDir: string;
  /** Where `timeseries.csv` is written (the runtime uploads this folder). */
  outputsDir: string;
  /** Cancels unpacking and kills the co-simulation. */
  signal?: AbortSignal;
  /** The attempt's deadline; the co-simulation is killed shortly before it. */
  deadline?: Date;
  /** A timeout for the co-simulation alone. Default: none besides `deadline`. */
  timeoutMs?: number;
  /** Unpack limits. Default: `DEFAULT_UNPACK_LIMITS`. */
  limits?: Partial<UnpackLimits>;
  /** Most communication steps a run may ask for. Default: 1,000,000. */
  maxSteps?: number;
  /** Most bytes of the FMU's log kept in `fmu_log`. Default: 64 KiB. */
  logLimitBytes?: number;
}

/** The verdict of one FMU validation. */
export interface FmuValidationResult {
  status: ValidationStatus;
  /** The typed outputs; null when the model description could not be read. */
  outputs: FMUOutputs | null;
}

/** The name of the time-series artifact. */
export const TIMESERIES_FILE = "timeseries.csv";

/**
 * Validates one FMU: unpacks it safely, parses and checks `modelDescription.xml`, checks the
 * binary for this platform, and, when nothing so far is an error, co-simulates it in a
 * child process from `inputs.simulation.start_time` to `stop_time`, recording the outputs
 * at every communication point into `timeseries.csv`. Findings, metrics and the artifact go
 * to `sink` (the runtime's `ctx`, or `collectReports()`).
 *
 * Status: `failed_validation` for errors in the archive, the model description or the
 * inputs; `failed_runtime` when the co-simulation failed, crashed or timed out; `cancelled`
 * when `signal` aborted; `success` otherwise.
 */
export async function validateFmu(
  fmuPath: string,
  inputs: FMUInputs,
  sink: FmuReportSink,
  options: ValidateFmuOptions,
): Promise<FmuValidationResult> {
  const reporter = new FmuReporter(sink);
  const limits = { ...DEFAULT_UNPACK_LIMITS, ...options.limits };
  await mkdir(options.scratchDir, { recursive: true });
  const unpackDir = await mkdtemp(join(options.scratchDir, "fmu-"));
  const cancelled = (): FmuValidationResult => {
    reporter.info("fmu.cancelled", "The attempt was cancelled.");
    return { status: "cancelled", outputs: null };
  };

  const unpacked = await unpackFmu(fmuPath, unpackDir, reporter, limits, options.signal);
  if (options.signal?.aborted) return cancelled();
  if (!unpacked.complete) return { status: "failed_validation", outputs: null };

  const descriptionPath = join(unpackDir, "modelDescription.xml");
  if (!unpacked.files.has("modelDescription.xml")) {
    reporter.error(
      "fmu.model_description_missing",
      "The FMU has no modelDescription.xml at its root.",
    );
    return { status: "failed_validation", outputs: null };
  }
  const size = (await stat(descriptionPath)).size;
  if (size > limits.maxModelDescriptionBytes) {
    reporter.error(
      "fmu.model_description_too_large",
      `modelDescription.xml has ${size} bytes; at most ${limits.maxModelDescriptionBytes} are read.`,
    );
    return { status: "failed_validation", outputs: null };
  }
  const description = parseModelDescription(await readFile(descriptionPath, "utf8"), reporter);
  if (!description) return { status: "failed_validation", outputs: null };

  checkVariables(description, reporter);
  checkModelStructure(description, reporter);
  checkDefaultExperiment(description, reporter);
  const library = checkBinary(description, unpacked.files, reporter);
  const plan = planSimulation(description, inputs, reporter, options.maxSteps ?? 1_000_000);
  const startTime = inputs.simulation.start_time;
  if (reporter.errorCount > 0 || !library || !plan) {
    reporter.info(
      "fmu.simulation_skipped",
      "The co-simulation did not run: the FMU or the run's inputs have errors (see the findings above).",
    );
    return { status: "failed_validation", outputs: fmuOutputs(description, null, startTime) };
  }

  const logLimitBytes = options.logLimitBytes ?? 64 * 1024;
  await mkdir(options.outputsDir, { recursive: true });
  const csvPath = join(options.outputsDir, TIMESERIES_FILE);
  const logPath = join(
    options.scratchDir,
    `${unpackDir.slice(unpackDir.lastIndexOf(sep) + 1)}.log`,
  );
  const run = await runSimulation(
    {
      fmiVersion: description.fmiVersion,
      libraryPath: join(unpackDir, library),
      instanceName: description.coSimulation?.modelIdentifier ?? "fmu",
      token: description.token ?? "",
      resourceLocation: resourceLocation(description, unpackDir),
      startTime: plan.startTime,
      stopTime: plan.stopTime,
      stepSize: plan.stepSize,
      tolerance: plan.tolerance,
      startValues: plan.startValues,
      outputs: plan.outputs.map(({ name, valueReference, api }) => ({ name, valueReference, api })),
      csvPath,
      logPath,
      logLimitBytes,
    },
    simulationOptions(options, unpackDir),
  );
  const log = await readLog(logPath, logLimitBytes);
  if (existsSync(csvPath) && (await stat(csvPath)).size > 0) {
    sink.artifact({
      path: csvPath,
      name: TIMESERIES_FILE,
      type: "timeseries-csv",
      mime_type: "text/csv",
    });
  }
  return interpret(run, plan, description, log, reporter);
}

function interpret(
  run: SimulationRun,
  plan: SimulationPlan,
  description: ModelDescription,
  log: string | null,
  reporter: FmuReporter,
): FmuValidationResult {
  const outcome = run.outcome;
  const summary: SimulationSummary = {
    finalValues: outcome?.kind === "completed" ? outcome.finalValues : {},
    steps: outcome?.steps ?? 0,
    timeReached: outcome?.timeReached ?? plan.startTime,
    executionSeconds: run.wallSeconds,
    log,
  };
  const outputs = fmuOutputs(description, summary, plan.startTime);
  if (run.cancelled) {
    reporter.info("fmu.cancelled", "The attempt was cancelled; the co-simulation was stopped.");
    return { status: "cancelled", outputs };
  }
  if (run.timedOut) {
    reporter.error(
      "fmu.timeout",
      `The co-simulation ran out of time after ${run.wallSeconds.toFixed(1)} s and was killed.`,
    );
    return { status: "failed_runtime", outputs };
  }
  if (!outcome) {
    const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`;
    const stderr = run.stderrTail.trim();
    reporter.error(
      "fmu.crashed",
      `The FMU's process ${how} during the co-simulation; the runtime is unaffected.${stderr ? ` Last output: ${stderr.slice(-2000)}` : ""}`,
    );
    return { status: "failed_runtime", outputs };
  }
  if (outcome.kind === "failed") {
    reporter.error(
      outcome.code,
      `${outcome.message}${outcome.time !== null ? ` (after ${outcome.steps} steps).` : ""}`,
    );
    return { status: "failed_runtime", outputs };
  }
  reportMetrics(reporter.sink, plan, summary);
  if (outcome.terminatedEarly) {
    reporter.warning(
      "fmu.terminated_early",
      `The FMU asked to end the simulation at t=${outcome.timeReached}, before the stop time ${plan.stopTime}.`,
    );
  } else {
    reporter.info(
      "fmu.simulation_completed",
      `Co-simulated from ${plan.startTime} to ${outcome.timeReached} in ${outcome.steps} steps.`,
    );
  }
  return { status: "success", outputs };
}

function resourceLocation(description: ModelDescription, unpackDir: string): string | null {
  const resources = join(unpackDir, "resources");
  if (description.fmiVersion === "2.0") return `${pathToFileURL(resources).href}/`;
  return existsSync(resources) ? `${resources}${sep}` : null;
}

function simulationOptions(options: ValidateFmuOptions, cwd: string): RunSimulationOptions {
  return { timeoutMs: options.timeoutMs, deadline: options.deadline, signal: options.signal, cwd };
}
