import { defineConfig } from "tsup";

// removeNodeProtocol: false keeps `node:` specifiers: without it tsup rewrites `node:sqlite` to a
// bare `sqlite`, which Node resolves as an npm package. No source maps: they would point at
// src/, which the package does not ship.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    "storage/index": "src/storage/index.ts",
    "express/index": "src/express/index.ts",
    "client/index": "src/client/index.ts",
    "store/index": "src/store/index.ts",
    "launchers/index": "src/launchers/index.ts",
    "auth/index": "src/auth/index.ts",
    "telemetry/index": "src/telemetry/index.ts",
    "assertions/index": "src/assertions/index.ts",
    "access/index": "src/access/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: false,
  removeNodeProtocol: false,
  target: "node22",
  external: ["@google-cloud/run", "@google-cloud/storage", "express", "google-auth-library", "pg"],
});
