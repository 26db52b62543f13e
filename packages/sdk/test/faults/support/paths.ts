import { fileURLToPath } from "node:url";

/** The monorepo root: child processes run from here, so tsx finds the packages' sources by tsconfig paths. */
export const REPO_ROOT = fileURLToPath(new URL("../../../../../", import.meta.url));

/** The validator runtime's CLI, run from source. */
export const RUNTIME_CLI = fileURLToPath(
  new URL("../../../../validator-runtime/src/cli.ts", import.meta.url),
);

/** A fixture of the fault suite (a validator module, a container main, the host script). */
export function faultFixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}
