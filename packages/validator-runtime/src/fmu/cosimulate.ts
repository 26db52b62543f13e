import { performance } from "node:perf_hooks";
import { communicationPoint, stepCount } from "./communication-points";
import type { CsvWriter } from "./csv-writer";
import { type FmiSession, SimulationFailure } from "./fmi-session";
import { Recorder } from "./recorder";
import type {
  ApiType,
  SimulationOutcome,
  SimulationRequest,
  StartValue,
} from "./simulation-protocol";
import { valuesOf } from "./value-arrays";

/**
 * Runs one co-simulation on an open session: instantiate, set `approx` start values,
 * enter initialization, set inputs and `exact` values, exit initialization, then DoStep
 * from start to stop (the last step clipped to stop), reading and recording the outputs at
 * every communication point, and terminate. A failing call ends it with its code; the
 * instance is freed either way.
 */
export function cosimulate(
  session: FmiSession,
  request: SimulationRequest,
  csv: CsvWriter,
): SimulationOutcome {
  const { startTime, stopTime, stepSize } = request;
  const recorder = new Recorder(session, request.outputs);
  let steps = 0;
  let time = startTime;
  try {
    session.instantiate();
    setValues(session, request.startValues, "instantiated");
    session.enterInitialization();
    setValues(session, request.startValues, "initialization");
    session.exitInitialization();
    recorder.read(time);
    csv.line(recorder.line(time));

    const count = stepCount(startTime, stopTime, stepSize);
    let terminatedEarly = false;
    const loopStart = performance.now();
    for (let k = 1; k <= count; k++) {
      const next = communicationPoint(startTime, stopTime, stepSize, k, count);
      const step = next - time;
      const result = session.doStep(time, step);
      if (!session.ok(result.status)) {
        throw new SimulationFailure(
          "fmu.dostep_error",
          `DoStep from t=${time} over ${Number(step.toPrecision(12))} returned ${session.statusName(result.status)}`,
          time,
        );
      }
      if (result.terminate && result.lastTime !== null && result.lastTime <= time) {
        // The step did not advance (FMI 2 Discard): the last recorded row is where it ended.
        terminatedEarly = true;
        break;
      }
      steps = k;
      time = result.terminate && result.lastTime !== null ? result.lastTime : next;
      recorder.read(time);
      csv.line(recorder.line(time));
      if (result.terminate) {
        terminatedEarly = k < count;
        break;
      }
    }
    const loopSeconds = (performance.now() - loopStart) / 1000;
    session.terminate();
    return {
      kind: "completed",
      steps,
      timeReached: time,
      finalValues: recorder.values(),
      terminatedEarly,
      loopSeconds,
    };
  } catch (error) {
    if (!(error instanceof SimulationFailure)) throw error;
    return {
      kind: "failed",
      code: error.code,
      message: error.message,
      steps,
      timeReached: time,
      time: error.time,
    };
  } finally {
    csv.flush();
    session.free();
  }
}

function setValues(session: FmiSession, values: StartValue[], phase: StartValue["phase"]): void {
  const byApi = new Map<ApiType, StartValue[]>();
  for (const value of values) {
    if (value.phase !== phase) continue;
    const list = byApi.get(value.api);
    if (list) list.push(value);
    else byApi.set(value.api, [value]);
  }
  for (const [api, list] of byApi) {
    const refs = Uint32Array.from(list.map((value) => value.valueReference));
    const status = session.set(
      api,
      refs,
      valuesOf(
        session.version,
        api,
        list.map((value) => value.value),
      ),
    );
    if (!session.ok(status)) {
      throw new SimulationFailure(
        "fmu.set_failed",
        `Setting ${list.map((value) => value.name).join(", ")} returned ${session.statusName(status)}.`,
      );
    }
  }
}
