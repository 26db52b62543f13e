import { fmuValidator } from "./fmu-validator";

export { FMU_FINDING_CODES, type FmuFindingCode } from "./codes";
export { FMU_PORT, FMU_VALIDATOR_VERSION, fmuValidator } from "./fmu-validator";
export { DEFAULT_UNPACK_LIMITS, type UnpackLimits } from "./limits";
export type { ModelDescription, ModelVariable } from "./model-description";
export { parseModelDescription } from "./parse-model-description";
export { binaryLocation, type FmiVersion, platformFolder } from "./platform";
export { type CollectedReports, collectReports, FmuReporter, type FmuReportSink } from "./report";
export { type RunSimulationOptions, runSimulation, type SimulationRun } from "./simulate";
export { runSimulationWorker } from "./simulate-worker";
export type { SimulationOutcome, SimulationRequest } from "./simulation-protocol";
export { type UnpackResult, unpackFmu } from "./unpack";
export {
  type FmuValidationResult,
  TIMESERIES_FILE,
  type ValidateFmuOptions,
  validateFmu,
} from "./validate-fmu";

/** The FMU validator; `runValidator(fmuValidator)` is a whole container `main()`. */
export default fmuValidator;
