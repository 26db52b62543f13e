import type { ModelDescription } from "./model-description";
import { type FmiVersion, platformFolder, sharedLibraryExtension } from "./platform";
import type { FmuReporter } from "./report";

/**
 * Checks that the FMU can be co-simulated on this machine: it declares Co-Simulation, its
 * `modelIdentifier` is a C identifier (it names a file), and `binaries/<platform>/` holds a
 * library of that name. Returns the library's path inside the archive, or null.
 */
export function checkBinary(
  description: ModelDescription,
  files: ReadonlySet<string>,
  reporter: FmuReporter,
): string | null {
  const cs = description.coSimulation;
  if (!cs) {
    reporter.error(
      "fmu.co_simulation_unsupported",
      description.modelExchange
        ? "The FMU supports Model Exchange only; this validator co-simulates, so it needs a <CoSimulation> element."
        : "The FMU declares neither Co-Simulation nor Model Exchange.",
      { line: description.line },
    );
    return null;
  }
  const identifier = cs.modelIdentifier;
  if (identifier === null) return null;
  const where = { line: cs.line };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(identifier)) {
    reporter.error(
      "fmu.model_identifier_invalid",
      `modelIdentifier "${identifier}" is not a valid C identifier (it names the binary file).`,
      where,
    );
    return null;
  }
  const version: FmiVersion = description.fmiVersion;
  const folder = platformFolder(version);
  if (!folder) {
    reporter.error(
      "fmu.platform_unsupported",
      `FMI ${version} names no binary folder for ${process.platform}/${process.arch}, so the FMU cannot run here.`,
    );
    return null;
  }
  const extension = sharedLibraryExtension();
  const expected = `binaries/${folder}/${identifier}${extension}`;
  if (files.has(expected)) return expected;
  const siblings = [...files].filter(
    (file) => file.startsWith(`binaries/${folder}/`) && file.endsWith(extension),
  );
  if (siblings.length > 0) {
    reporter.error(
      "fmu.model_identifier_mismatch",
      `modelIdentifier is "${identifier}", so the binary must be ${expected}; binaries/${folder}/ holds ${siblings.map((file) => file.slice(file.lastIndexOf("/") + 1)).join(", ")}.`,
      where,
    );
    return null;
  }
  const platforms = [
    ...new Set(
      [...files]
        .filter((file) => file.startsWith("binaries/"))
        .map((file) => file.split("/")[1])
        .filter((name): name is string => Boolean(name)),
    ),
  ];
  reporter.error(
    "fmu.binary_missing",
    `There is no binary for this platform (${expected})${platforms.length > 0 ? `; binaries exist for ${platforms.join(", ")}` : "; the FMU holds no binaries at all"}.`,
    where,
  );
  return null;
}
