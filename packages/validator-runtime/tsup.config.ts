import { defineConfig } from "tsup";

// removeNodeProtocol: false keeps `node:` specifiers: without it tsup rewrites `node:sqlite` to a
// bare `sqlite`, which Node resolves as an npm package. No source maps: they would point at
// src/, which the package does not ship. `npm run build` empties dist first: two configs
// share it, so neither may clean it.
const shared = {
  sourcemap: false,
  removeNodeProtocol: false,
  target: "node22",
  external: ["@google-cloud/storage", "google-auth-library", "koffi"],
} as const;

export default defineConfig([
  {
    ...shared,
    entry: {
      index: "src/index.ts",
      "energyplus/index": "src/energyplus/index.ts",
      "fmu/index": "src/fmu/index.ts",
      "command/index": "src/command/index.ts",
    },
    // `command` finds the bin file beside the package from CommonJS too.
    shims: true,
    format: ["esm", "cjs"],
    dts: true,
    clean: false,
  },
  // The CLI is run, never imported: one ES module, loaded by bin/validibot-validator.js.
  { ...shared, entry: { cli: "src/cli.ts" }, format: ["esm"], dts: false, clean: false },
]);
