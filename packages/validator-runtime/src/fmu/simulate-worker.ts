import { cosimulate } from "./cosimulate";
import { CsvWriter } from "./csv-writer";
import { type FmiSession, type Koffi, SimulationFailure } from "./fmi-session";
import { openFmi2Session } from "./fmi2-session";
import { openFmi3Session } from "./fmi3-session";
import { BoundedLog } from "./fmu-log";
import type { SimulationOutcome, SimulationRequest, WorkerReply } from "./simulation-protocol";

/**
 * The entry point of the simulation worker process: receives one `SimulationRequest` over
 * the IPC channel, co-simulates, sends one `WorkerReply` back and lets the process end.
 * It runs in a child process so that an FMU that crashes (SIGSEGV) or hangs takes only the
 * child down; see `runSimulation` for the parent side.
 */
export async function runSimulationWorker(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error("The FMU simulation worker needs an IPC channel to its parent.");
  const request = await new Promise<SimulationRequest>((resolve) => {
    process.once("message", (message) => resolve(message as SimulationRequest));
  });
  const outcome = await simulateHere(request);
  const reply: WorkerReply = { type: "outcome", outcome };
  await new Promise<void>((resolve) => {
    send(reply, undefined, {}, () => resolve());
  });
  process.disconnect();
}

/**
 * Co-simulates in the current process. Only the worker calls this: a crashing FMU would
 * take the calling process with it.
 */
export async function simulateHere(request: SimulationRequest): Promise<SimulationOutcome> {
  const koffi = ((await import("koffi")) as unknown as { default: Koffi }).default;
  const log = new BoundedLog(request.logPath, request.logLimitBytes);
  const csv = new CsvWriter(request.csvPath, [
    "time",
    ...request.outputs.map((output) => output.name),
  ]);
  let session: FmiSession | undefined;
  try {
    session =
      request.fmiVersion === "2.0"
        ? openFmi2Session(koffi, request, log)
        : openFmi3Session(koffi, request, log);
    return cosimulate(session, request, csv);
  } catch (error) {
    const failure =
      error instanceof SimulationFailure
        ? error
        : new SimulationFailure(
            "fmu.crashed",
            `The simulation worker failed: ${error instanceof Error ? error.message : String(error)}`,
          );
    return {
      kind: "failed",
      code: failure.code,
      message: failure.message,
      steps: 0,
      timeReached: request.startTime,
      time: failure.time,
    };
  } finally {
    session?.close();
    csv.close();
    log.close();
  }
}
