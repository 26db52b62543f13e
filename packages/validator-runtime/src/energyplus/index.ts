import { energyplusValidator } from "./validator";

export { ARTIFACT_FILES } from "./artifacts";
export { type EnergyPlusBinary, findEnergyPlusBinary, probeBinary } from "./binary";
export { ENERGYPLUS_CODES, type EnergyPlusCodeKey, epCode, REVIEW_TAG } from "./codes";
export { type EndFile, readEndFile } from "./end-file";
export { readEpJson } from "./epjson-reader";
export { errFindings, errMessageFinding } from "./err-findings";
export { type LocationHint, locationHint, resolveHint } from "./err-location";
export {
  type ErrLevel,
  type ErrMessage,
  ErrParser,
  type ErrReport,
  type ErrSummary,
  parseErrFile,
} from "./err-parser";
export { collectFindings, type FindingSink, MODEL_FILE_ROLE, modelPath } from "./findings";
export { IdfParser, type ReadIssue } from "./idf-parser";
export { localProcessRunner } from "./local-process-runner";
export type { ModelField, ModelFormat, ModelObject, ParsedModel } from "./model";
export {
  DEFAULT_MAX_MODEL_BYTES,
  type ReadModelOptions,
  type ReadModelResult,
  readModel,
} from "./model-reader";
export { type PreflightOptions, type PreflightResult, runPreflight } from "./preflight";
export type { ProcessRunner } from "./process-runner";
export { collectReport, type EnergyPlusReporter } from "./reporter";
export { type EnergyPlusInvocation, energyPlusArgs } from "./simulate";
export { emptyMetrics, metricsList, readSqlMetrics } from "./sql-metrics";
export { toKwh } from "./units";
export {
  type ValidateEnergyPlusOptions,
  type ValidateEnergyPlusResult,
  validateEnergyPlusModel,
} from "./validate";
export { ENERGYPLUS_VALIDATOR_VERSION, energyplusValidator } from "./validator";
export { majorMinor, parseVersionOutput } from "./version";
export { type WorkingCopyEdits, writeWorkingCopy } from "./working-copy";

/** The EnergyPlus validator, ready for `runValidator`. */
export default energyplusValidator;
