import {
  bind,
  type FmiSession,
  type Koffi,
  loadLibrary,
  SimulationFailure,
  STATUS_NAMES,
} from "./fmi-session";
import type { BoundedLog } from "./fmu-log";
import type { ApiType, SimulationRequest } from "./simulation-protocol";
import { cType } from "./value-arrays";

const FMI3_OK = 0;
const FMI3_WARNING = 1;
const FMI3_FATAL = 4;

/**
 * An FMI 3.0 co-simulation instance through koffi: instantiated without event mode, early
 * return or intermediate variables, with a registered `logMessage` callback and a NULL
 * `intermediateUpdate`.
 */
export function openFmi3Session(
  koffi: Koffi,
  request: SimulationRequest,
  log: BoundedLog,
): FmiSession {
  const library = loadLibrary(koffi, request.libraryPath);
  const f = (name: string, result: string, parameters: unknown[]) =>
    bind(library, name, result, parameters);
  const logType = koffi.pointer(koffi.proto("void", ["void *", "int", "str", "str"]));
  const instantiate = f("fmi3InstantiateCoSimulation", "void *", [
    "str",
    "str",
    "str",
    "bool",
    "bool",
    "bool",
    "bool",
    "void *",
    "size_t",
    "void *",
    logType,
    "void *",
  ]);
  const freeInstance = f("fmi3FreeInstance", "void", ["void *"]);
  const enterInit = f("fmi3EnterInitializationMode", "int", [
    "void *",
    "bool",
    "double",
    "double",
    "bool",
    "double",
  ]);
  const exitInit = f("fmi3ExitInitializationMode", "int", ["void *"]);
  const terminate = f("fmi3Terminate", "int", ["void *"]);
  const doStep = f("fmi3DoStep", "int", [
    "void *",
    "double",
    "double",
    "bool",
    "uint8_t *",
    "uint8_t *",
    "uint8_t *",
    "double *",
  ]);
  const accessors = new Map<string, (...args: unknown[]) => unknown>();
  const accessor = (kind: "Get" | "Set", api: ApiType) => {
    const key = `${kind}${api}`;
    let fn = accessors.get(key);
    if (!fn) {
      const values =
        api === "String"
          ? kind === "Get"
            ? "void *"
            : "const char **"
          : `${kind === "Set" ? "const " : ""}${cType("3.0", api)} *`;
      fn = f(`fmi3${kind}${api}`, "int", [
        "void *",
        "const uint32_t *",
        "size_t",
        values,
        "size_t",
      ]);
      accessors.set(key, fn);
    }
    return fn;
  };

  const logger = koffi.register(
    (_env: unknown, status: number, category: string | null, message: string | null) => {
      log.line(`[${STATUS_NAMES[status] ?? status}] ${category ?? ""}: ${message ?? ""}`);
    },
    logType,
  );
  const eventHandlingNeeded = new Uint8Array(1);
  const terminateSimulation = new Uint8Array(1);
  const earlyReturn = new Uint8Array(1);
  const lastSuccessfulTime = new Float64Array(1);

  let instance: unknown = null;
  let fatal = false;
  const check = (status: number, what: string) => {
    if (status === FMI3_FATAL) fatal = true;
    if (status !== FMI3_OK && status !== FMI3_WARNING) {
      throw new SimulationFailure(
        "fmu.initialization_failed",
        `${what} returned fmi3${STATUS_NAMES[status] ?? status}.`,
      );
    }
  };

  return {
    version: "3.0",
    instantiate() {
      instance = instantiate(
        request.instanceName,
        request.token,
        request.resourceLocation,
        false,
        true,
        false,
        false,
        null,
        0,
        null,
        logger,
        null,
      );
      if (!instance) {
        throw new SimulationFailure(
          "fmu.instantiate_failed",
          "fmi3InstantiateCoSimulation returned NULL.",
        );
      }
    },
    enterInitialization() {
      const tolerance = request.tolerance;
      check(
        enterInit(
          instance,
          tolerance !== null,
          tolerance ?? 0,
          request.startTime,
          true,
          request.stopTime,
        ) as number,
        "fmi3EnterInitializationMode",
      );
    },
    exitInitialization() {
      check(exitInit(instance) as number, "fmi3ExitInitializationMode");
    },
    set(api, refs, values) {
      return accessor("Set", api)(instance, refs, refs.length, values, refs.length) as number;
    },
    get(api, refs, values) {
      if (api !== "String") {
        return accessor("Get", api)(instance, refs, refs.length, values, refs.length) as number;
      }
      const pointers = koffi.alloc("const char *", Math.max(refs.length, 1));
      try {
        const status = accessor("Get", api)(
          instance,
          refs,
          refs.length,
          pointers,
          refs.length,
        ) as number;
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
      terminateSimulation[0] = 0;
      lastSuccessfulTime[0] = Number.NaN;
      const status = doStep(
        instance,
        time,
        step,
        true,
        eventHandlingNeeded,
        terminateSimulation,
        earlyReturn,
        lastSuccessfulTime,
      ) as number;
      const last = lastSuccessfulTime[0] ?? Number.NaN;
      return {
        status,
        terminate: terminateSimulation[0] !== 0,
        lastTime: Number.isFinite(last) ? last : null,
      };
    },
    terminate() {
      terminate(instance);
    },
    free() {
      if (instance && !fatal) freeInstance(instance);
      instance = null;
    },
    ok(status) {
      if (status === FMI3_FATAL) fatal = true;
      return status === FMI3_OK || status === FMI3_WARNING;
    },
    statusName(status) {
      return `fmi3${STATUS_NAMES[status] ?? status}`;
    },
    close() {
      koffi.unregister(logger);
    },
  };
}
