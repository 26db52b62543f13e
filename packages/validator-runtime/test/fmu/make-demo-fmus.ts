// Writes the demo FMUs (good and broken) into a folder, for `validibot-validator try fmu` and
// the reference server's demo. Run from the repository root:
//
//   node --import tsx packages/validator-runtime/test/fmu/make-demo-fmus.ts /tmp/fmus
import { resolve } from "node:path";
import { type BuildTestFmuOptions, buildTestFmu } from "./build-test-fmu";

/** The demo units: a name and how to build it. */
export const DEMO_FMUS: Record<string, Omit<BuildTestFmuOptions, "dir" | "fileName">> = {
  "first-order-fmi2": { fmiVersion: 2 },
  "first-order-fmi3": { fmiVersion: 3 },
  "crash-in-dostep": { fmiVersion: 2, crashAtStep: 3 },
  "dostep-error": { fmiVersion: 3, errorAtStep: 5 },
  "missing-binary": { fmiVersion: 2, omitBinary: true },
  "wrong-model-identifier": { fmiVersion: 3, binaryName: "Renamed" },
  "duplicate-value-reference": {
    fmiVersion: 3,
    modelDescription: (xml) =>
      xml.replace('name="x0" valueReference="3"', 'name="x0" valueReference="2"'),
  },
  "zip-slip": { fmiVersion: 2, extraEntries: [{ name: "../../evil.sh", data: "echo pwned\n" }] },
};

/** Builds every demo FMU into `dir`; returns their paths by name. */
export async function makeDemoFmus(dir: string): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const [name, options] of Object.entries(DEMO_FMUS)) {
    paths[name] = (await buildTestFmu({ ...options, dir, fileName: `${name}.fmu` })).path;
  }
  return paths;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const dir = resolve(process.argv[2] ?? "demo-fmus");
  for (const path of Object.values(await makeDemoFmus(dir))) console.log(path);
}
