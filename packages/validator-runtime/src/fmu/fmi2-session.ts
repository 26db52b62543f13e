import {
  bind,
  type FmiSession,
  type Koffi,
  loadLibrary,
  SimulationFailure,
  STATUS_NAMES,
} from "./fmi-session";
import type { BoundedLog } from "./fmu-log";
import { libcSymbol } from "./libc";
import type { ApiType, SimulationRequest } from "./simulation-protocol";
import { cType } from "./value-arrays";

const FMI2_CO_SIMULATION = 1;
const FMI2_OK = 0;
const FMI2_WARNING = 1;
const FMI2_DISCARD = 2;
const FMI2_FATAL = 4;
/** `fmi2StatusKind` values: `fmi2Terminated` (boolean) and `fmi2LastSuccessfulTime` (real). */
const FMI2_TERMINATED = 2;
const FMI2_LAST_SUCCESSFUL_TIME = 2;

/**
 * An FMI 2.0 co-simulation instance through koffi: the logger is a registered JS callback
 * (its variadic arguments are not formatted: the message is logged as the FMU passed it),
 * memory comes from libc's `calloc`/`free` so the FMU never calls back into JS to allocate,
 * and `stepFinished` is NULL (no asynchronous steps).
 */
export function openFmi2Session(
  koffi: Koffi,
  request: SimulationRequest,
  log: BoundedLog,
): FmiSession {
  const library = loadLibrary(koffi, request.libraryPath);
  const f = (name: string, result: string, parameters: unknown[]) =>
    bind(library, name, result, parameters);
  const instantiate = f("fmi2Instantiate", "void *", [
    "str",
    "int",
    "str",
    "str",
    "void *",
    "int",
    "int",
  ]);
  const freeInstance = f("fmi2FreeInstance", "void", ["void *"]);
  const setupExperiment = f("fmi2SetupExperiment", "int", [
    "void *",
    "int",
    "double",
    "double",
    "int",
    "double",
  ]);
  const enterInit = f("fmi2EnterInitializationMode", "int", ["void *"]);
  const exitInit = f("fmi2ExitInitializationMode", "int", ["void *"]);
  const terminate = f("fmi2Terminate", "int", ["void *"]);
  const doStep = f("fmi2DoStep", "int", ["void *", "double", "double", "int"]);
  // Optional in practice: asked only after a Discard, so a unit without them still loads.
  let statusCalls:
    | { boolean: (...a: unknown[]) => unknown; real: (...a: unknown[]) => unknown }
    | null
    | undefined;
  const terminatedStatus = (): { terminated: boolean; lastTime: number | null } => {
    if (statusCalls === undefined) {
      try {
        statusCalls = {
          boolean: library.func("fmi2GetBooleanStatus", "int", ["void *", "int", "_Out_ int *"]),
          real: library.func("fmi2GetRealStatus", "int", ["void *", "int", "_Out_ double *"]),
        };
      } catch {
        statusCalls = null;
      }
    }
    if (!statusCalls) return { terminated: false, lastTime: null };
    const flag = [0];
    if (statusCalls.boolean(component, FMI2_TERMINATED, flag) !== FMI2_OK || flag[0] !== 1) {
      return { terminated: false, lastTime: null };
    }
    const last = [Number.NaN];
    const ok = statusCalls.real(component, FMI2_LAST_SUCCESSFUL_TIME, last) === FMI2_OK;
    const time = last[0] ?? Number.NaN;
    return { terminated: true, lastTime: ok && Number.isFinite(time) ? time : null };
  };
  const accessors = new Map<string, (...args: unknown[]) => unknown>();
  const accessor = (kind: "Get" | "Set", api: ApiType) => {
    const key = `${kind}${api}`;
    let fn = accessors.get(key);
    if (!fn) {
      const element = cType("2.0", api);
      const values =
        api === "String"
          ? kind === "Get"
            ? "void *"
            : "const char **"
          : `${kind === "Set" ? "const " : ""}${element} *`;
      fn = f(`fmi2${kind}${api}`, "int", ["void *", "const uint32_t *", "size_t", values]);
      accessors.set(key, fn);
    }
    return fn;
  };

  const loggerType = koffi.pointer(koffi.proto("void", ["void *", "str", "int", "str", "str"]));
  const logger = koffi.register(
    (
      _env: unknown,
      _instance: string | null,
      status: number,
      category: string | null,
      message: string | null,
    ) => {
      log.line(`[${STATUS_NAMES[status] ?? status}] ${category ?? ""}: ${message ?? ""}`);
    },
    loggerType,
  );
  const callbackTable = koffi.struct({
    logger: loggerType,
    allocateMemory: "void *",
    freeMemory: "void *",
    stepFinished: "void *",
    componentEnvironment: "void *",
  });
  const callbacks = koffi.alloc(callbackTable, 1);
  koffi.encode(callbacks, callbackTable, {
    logger,
    allocateMemory: libcSymbol(koffi, "calloc"),
    freeMemory: libcSymbol(koffi, "free"),
    stepFinished: null,
    componentEnvironment: null,
  });

  let component: unknown = null;
  let fatal = false;
  const check = (status: number, code: "fmu.initialization_failed", what: string) => {
    if (status === FMI2_FATAL) fatal = true;
    if (status !== FMI2_OK && status !== FMI2_WARNING) {
      throw new SimulationFailure(code, `${what} returned ${STATUS_NAMES[status] ?? status}.`);
    }
  };

  return {
    version: "2.0",
    instantiate() {
      component = instantiate(
        request.instanceName,
        FMI2_CO_SIMULATION,
        request.token,
        request.resourceLocation,
        callbacks,
        0,
        1,
      );
      if (!component) {
        throw new SimulationFailure("fmu.instantiate_failed", "fmi2Instantiate returned NULL.");
      }
    },
    enterInitialization() {
      const tolerance = request.tolerance;
      check(
        setupExperiment(
          component,
          tolerance === null ? 0 : 1,
          tolerance ?? 0,
          request.startTime,
          1,
          request.stopTime,
        ) as number,
        "fmu.initialization_failed",
        "fmi2SetupExperiment",
      );
      check(
        enterInit(component) as number,
        "fmu.initialization_failed",
        "fmi2EnterInitializationMode",
      );
    },
    exitInitialization() {
      check(
        exitInit(component) as number,
        "fmu.initialization_failed",
        "fmi2ExitInitializationMode",
      );
    },
    set(api, refs, values) {
      return accessor("Set", api)(component, refs, refs.length, values) as number;
    },
    get(api, refs, values) {
      if (api !== "String")
        return accessor("Get", api)(component, refs, refs.length, values) as number;
      const pointers = koffi.alloc("const char *", Math.max(refs.length, 1));
      try {
        const status = accessor("Get", api)(component, refs, refs.length, pointers) as number;
        const strings = koffi.decode(
          pointers,
          koffi.array("const char *", refs.length, "Array"),
        ) as (string | null)[];
        strings.forEach((text, i) => {
          (values as (string | null)[])[i] = text;
        });
        return status;
      } finally {
        koffi.free(pointers);
      }
    },
    doStep(time, step) {
      const status = doStep(component, time, step, 1) as number;
      if (status !== FMI2_DISCARD) return { status, terminate: false, lastTime: null };
      // FMI 2 asks to end the simulation with Discard plus fmi2Terminated.
      const { terminated, lastTime } = terminatedStatus();
      return terminated
        ? { status: FMI2_OK, terminate: true, lastTime: lastTime ?? time }
        : { status, terminate: false, lastTime: null };
    },
    terminate() {
      terminate(component);
    },
    free() {
      if (component && !fatal) freeInstance(component);
      component = null;
    },
    ok(status) {
      if (status === FMI2_FATAL) fatal = true;
      return status === FMI2_OK || status === FMI2_WARNING;
    },
    statusName(status) {
      return `fmi2${STATUS_NAMES[status] ?? status}`;
    },
    close() {
      koffi.unregister(logger);
      koffi.free(callbacks);
    },
  };
}
