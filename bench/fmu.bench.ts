// Run from the repository root:  node --import tsx bench/fmu.bench.ts [steps]
//
// Co-simulation steps per second of the FMU validator against a small C driver that dlopens
// the same shared library and does the same work per step (DoStep, read x, steps and
// halfway, write one CSV row). Three numbers, side by side:
//   - the C driver's stepping loop (bench/fmu-driver.c, compiled here with cc -O2);
//   - the validator worker's stepping loop (koffi calls inside the child process);
//   - the validator end to end (validateFmu: unpack, parse, check, spawn, simulate, report).
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import {
  collectReports,
  runSimulation,
  validateFmu,
} from "../packages/validator-runtime/src/fmu/index";
import { buildTestFmu } from "../packages/validator-runtime/test/fmu/build-test-fmu";
import { type BenchResult, benchMain, compare } from "./lib/report";

const exec = promisify(execFile);
const stepsArg = process.argv[2] && /^\d+$/.test(process.argv[2]) ? process.argv[2] : undefined;
const steps = Number(stepsArg ?? process.env.FMU_BENCH_STEPS ?? 200_000);
const stepSize = 1e-4;
const stopTime = Number((steps * stepSize).toPrecision(15));

/** The benchmark as `npm run bench` runs it. */
export async function run(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), "fmu-bench-"));
  try {
    const fmu = await buildTestFmu({ fmiVersion: 2, dir });
    const resources = `${pathToFileURL(join(dir, "resources")).href}/`;

    const driver = join(dir, "fmu-driver");
    const source = fileURLToPath(new URL("./fmu-driver.c", import.meta.url));
    await exec("cc", ["-O2", "-o", driver, source, "-ldl"]);
    const { stdout } = await exec(driver, [
      fmu.sharedLibrary,
      fmu.guid,
      resources,
      String(steps),
      String(stepSize),
      join(dir, "driver.csv"),
    ]);
    const c = JSON.parse(stdout) as { loopSeconds: number; x: number };

    const worker = await runSimulation({
      fmiVersion: "2.0",
      libraryPath: fmu.sharedLibrary,
      instanceName: "FirstOrder",
      token: fmu.guid,
      resourceLocation: resources,
      startTime: 0,
      stopTime,
      stepSize,
      tolerance: null,
      startValues: [],
      outputs: [
        { name: "x", valueReference: 4, api: "Real" },
        { name: "steps", valueReference: 5, api: "Integer" },
        { name: "halfway", valueReference: 6, api: "Boolean" },
      ],
      csvPath: join(dir, "worker.csv"),
      logPath: join(dir, "worker.log"),
      logLimitBytes: 64 * 1024,
    });
    if (worker.outcome?.kind !== "completed") {
      throw new Error(
        `the worker did not complete: ${JSON.stringify(worker.outcome)} ${worker.stderrTail}`,
      );
    }
    if (worker.outcome.steps !== steps)
      throw new Error(`the worker took ${worker.outcome.steps} steps`);
    const xWorker = worker.outcome.finalValues.x as number;
    if (Math.abs(xWorker - c.x) > 1e-9)
      throw new Error(`results differ: C ${c.x}, worker ${xWorker}`);

    const started = performance.now();
    const endToEnd = await validateFmu(
      fmu.path,
      {
        input_values: {},
        simulation: { start_time: 0, stop_time: stopTime, step_size: stepSize, tolerance: null },
        output_variables: [],
      },
      collectReports(),
      { scratchDir: join(dir, "scratch"), outputsDir: join(dir, "outputs") },
    );
    const endToEndSeconds = (performance.now() - started) / 1000;
    if (endToEnd.status !== "success") throw new Error(`validateFmu ended ${endToEnd.status}`);

    const rows: [string, number][] = [
      ["C driver (dlopen, direct calls)", c.loopSeconds],
      ["validator worker loop (koffi, child process)", worker.outcome.loopSeconds],
      ["validator end to end (validateFmu)", endToEndSeconds],
    ];
    const rate = (seconds: number) => Math.round(steps / seconds);
    console.log(
      `FMU co-simulation: ${steps} steps of the FMI 2 first-order unit (DoStep + 3 gets + 1 CSV row each)\n`,
    );
    console.log(`${"".padEnd(46)}${"seconds".padStart(10)}${"steps/s".padStart(14)}`);
    for (const [label, seconds] of rows) {
      console.log(
        `${label.padEnd(46)}${seconds.toFixed(3).padStart(10)}${rate(seconds).toLocaleString("en-US").padStart(14)}`,
      );
    }
    const ratio = worker.outcome.loopSeconds / c.loopSeconds;
    console.log(`\nworker loop / C driver: ${ratio.toFixed(1)}x the time per step`);
    console.log(
      JSON.stringify({
        benchmark: "fmu",
        steps,
        c_steps_per_second: rate(c.loopSeconds),
        worker_steps_per_second: rate(worker.outcome.loopSeconds),
        end_to_end_steps_per_second: rate(endToEndSeconds),
        worker_over_c: Number(ratio.toFixed(2)),
      }),
    );
    return {
      name: "fmu",
      description: `Co-simulation of the FMI 2 first-order unit for ${steps} steps (DoStep, 3 reads and one CSV row per step): the validator's koffi worker loop and the whole validateFmu (unpack, parse, check, spawn, simulate, report) against a C driver that dlopens the same .so and does the same work, side by side.`,
      figures: [
        compare(
          "worker loop, steps per second",
          rate(worker.outcome.loopSeconds),
          rate(c.loopSeconds),
          "1/s",
          "C driver",
        ),
        compare(
          "validateFmu end to end, steps per second",
          rate(endToEndSeconds),
          rate(c.loopSeconds),
          "1/s",
          "C driver",
        ),
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMain(run);
