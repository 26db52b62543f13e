import { epCode, REVIEW_TAG } from "./codes";
import { type FindingSink, locate, MODEL_FILE_ROLE, modelPath } from "./findings";
import { objectsOfType, type ParsedModel } from "./model";
import { majorMinor, versionsMatch } from "./version";

/**
 * Compares the model's `Version` with the binary's at major.minor precision (EnergyPlus reads
 * only models of its own major.minor). A mismatch is an `ERROR`; a model without `Version` is a
 * review `WARNING`. Returns whether they match (null when either is unknown).
 */
export function checkVersion(
  model: ParsedModel,
  binaryVersion: string | null,
  sink: FindingSink,
): boolean | null {
  const versionObject = objectsOfType(model, "Version")[0];
  if (!versionObject || model.version === null) {
    sink.finding({
      severity: "WARNING",
      code: epCode("version_missing"),
      text: "The model has no Version object; EnergyPlus assumes its own version, so an older model may be misread.",
      location: {
        file_role: MODEL_FILE_ROLE,
        path: modelPath(model.format, "Version", null),
        line: null,
        column: null,
      },
      tags: [REVIEW_TAG],
    });
    return null;
  }
  const match = versionsMatch(model.version, binaryVersion);
  if (match === false) {
    sink.finding({
      severity: "ERROR",
      code: epCode("version_mismatch"),
      text: `The model is for EnergyPlus ${majorMinor(model.version)} but the binary is ${binaryVersion} (${majorMinor(binaryVersion)}); convert the model with the IDFVersionUpdater first.`,
      location: locate(model.format, versionObject, versionObject.fields[0]),
    });
  }
  return match;
}
