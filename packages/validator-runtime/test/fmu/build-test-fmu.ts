import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { binaryLocation } from "../../src/fmu/platform";
import { compileFixture } from "./helpers/compile-fixture";
import { fmi2FirstOrderXml, fmi3FirstOrderXml } from "./helpers/model-descriptions";
import { writeZip, type ZipEntrySpec } from "./helpers/zip-writer";

/** What a test FMU looks like; every option exists to build one broken variant on purpose. */
export interface BuildTestFmuOptions {
  /** 2 (FMI 2.0) or 3 (FMI 3.0): the first-order lag dx/dt = (u - x) / tau either way. */
  fmiVersion: 2 | 3;
  /** Folder the `.fmu` is written to. */
  dir: string;
  /** File name of the archive. Default: `first-order-fmi<version>.fmu`. */
  fileName?: string;
  /** `modelIdentifier` written in the model description. Default: `FirstOrder`. */
  modelIdentifier?: string;
  /** Base name of the shared library in `binaries/<platform>/`. Default: the model identifier. */
  binaryName?: string;
  /** Leave the shared library out. */
  omitBinary?: boolean;
  /** Leave `modelDescription.xml` out. */
  omitModelDescription?: boolean;
  /** Replaces the model description, or edits the generated one. */
  modelDescription?: string | ((xml: string) => string);
  /** The binary dereferences NULL in this DoStep (1-based). */
  crashAtStep?: number;
  /** The binary returns an error status from this DoStep. */
  errorAtStep?: number;
  /** The binary never returns from this DoStep. */
  hangAtStep?: number;
  /** The binary asks to terminate in this DoStep (FMI 3: terminateSimulation after it; FMI 2: fmi2Discard + fmi2Terminated instead of it). */
  terminateAtStep?: number;
  /** More archive entries, appended after the regular ones. */
  extraEntries?: ZipEntrySpec[];
}

/** A test FMU on disk. */
export interface TestFmu {
  /** Path of the `.fmu` archive. */
  path: string;
  /** The GUID (FMI 2) or instantiation token (FMI 3) the binary expects. */
  guid: string;
  /** The model description as written into the archive. */
  modelDescription: string;
  /** Path of the compiled shared library (also inside the archive unless omitted). */
  sharedLibrary: string;
}

/**
 * Builds a real FMU for tests and demos: compiles the first-order fixture from C with the
 * machine's `cc`, writes its model description and zips both (with the project's own zip
 * writer, so no `zip` command is needed).
 */
export async function buildTestFmu(options: BuildTestFmuOptions): Promise<TestFmu> {
  const version = options.fmiVersion;
  const behaviour: Record<string, number> = {};
  if (options.crashAtStep !== undefined) behaviour.FIXTURE_CRASH_AT_STEP = options.crashAtStep;
  if (options.errorAtStep !== undefined) behaviour.FIXTURE_ERROR_AT_STEP = options.errorAtStep;
  if (options.hangAtStep !== undefined) behaviour.FIXTURE_HANG_AT_STEP = options.hangAtStep;
  if (options.terminateAtStep !== undefined) {
    behaviour.FIXTURE_TERMINATE_AT_STEP = options.terminateAtStep;
  }
  // One GUID per variant, so compiled binaries are cached across tests and runs.
  const digest = createHash("sha256")
    .update(JSON.stringify([version, behaviour]))
    .digest("hex");
  const guid = `{${digest.slice(0, 8)}-${digest.slice(8, 12)}-4${digest.slice(13, 16)}-8${digest.slice(17, 20)}-${digest.slice(20, 32)}}`;
  const modelIdentifier = options.modelIdentifier ?? "FirstOrder";
  const defines: Record<string, string | number> = { FIXTURE_GUID: `"${guid}"`, ...behaviour };
  const sharedLibrary = await compileFixture(`first-order-fmi${version}.c`, defines);

  const generated =
    version === 2
      ? fmi2FirstOrderXml({ guid, modelIdentifier })
      : fmi3FirstOrderXml({ guid, modelIdentifier });
  const modelDescription =
    typeof options.modelDescription === "function"
      ? options.modelDescription(generated)
      : (options.modelDescription ?? generated);

  const location = binaryLocation(
    version === 2 ? "2.0" : "3.0",
    options.binaryName ?? modelIdentifier,
  );
  if (!location) throw new Error(`no FMI binary folder for ${process.platform}/${process.arch}`);
  const entries: ZipEntrySpec[] = [];
  if (!options.omitModelDescription) {
    entries.push({ name: "modelDescription.xml", data: modelDescription });
  }
  if (!options.omitBinary) {
    entries.push({ name: location, data: await readFile(sharedLibrary), unixMode: 0o100755 });
  }
  entries.push({ name: "resources/readme.txt", data: "resources of the first-order test FMU\n" });
  entries.push(...(options.extraEntries ?? []));

  await mkdir(options.dir, { recursive: true });
  const path = join(options.dir, options.fileName ?? `first-order-fmi${version}.fmu`);
  await writeZip(path, entries);
  return { path, guid, modelDescription, sharedLibrary };
}
