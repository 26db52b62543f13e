import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** How to start the simulation worker: the module exporting `runSimulationWorker`, and Node flags. */
export interface WorkerModule {
  /** `file:` URL of the module to import in the child. */
  url: string;
  /** Flags for the child's Node (`--import <tsx>` when the module is TypeScript). */
  execArgv: string[];
}

/**
 * Finds the module the worker child imports. From source (tests, `tsx`), it is the sibling
 * `simulate-worker.ts`, run with tsx's loader. From a build, it is a sibling
 * `simulate-worker.js` when the bundler emitted one, and otherwise the package's own
 * `@validibot/validator-runtime/fmu` entry (resolved by self-reference), which re-exports
 * `runSimulationWorker`, so the build needs no extra entry and code splitting cannot hide it.
 */
export function workerModule(): WorkerModule {
  const here = currentFile();
  const dir = dirname(here);
  for (const name of WORKER_FILES) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return { url: pathToFileURL(candidate).href, execArgv: [] };
  }
  const require = createRequire(here);
  const source = join(dir, "simulate-worker.ts");
  if (existsSync(source)) {
    return {
      url: pathToFileURL(source).href,
      execArgv: ["--import", pathToFileURL(require.resolve("tsx")).href],
    };
  }
  try {
    return { url: pathToFileURL(require.resolve(PACKAGE_ENTRY)).href, execArgv: [] };
  } catch {
    return { url: pathToFileURL(here).href, execArgv: [] };
  }
}

const WORKER_FILES = [
  "simulate-worker.js",
  "simulate-worker.mjs",
  "simulate-worker.cjs",
  "fmu/simulate-worker.js",
  "fmu/simulate-worker.cjs",
];
const PACKAGE_ENTRY = "@validibot/validator-runtime/fmu";

/** This module's file, in an ES module, a CommonJS bundle or under a test runner. */
function currentFile(): string {
  return typeof __filename === "string" ? __filename : fileURLToPath(import.meta.url);
}
