import { defineConfig } from "tsup";

// removeNodeProtocol: false keeps `node:` specifiers: without it tsup rewrites `node:sqlite` to a
// bare `sqlite`, which Node resolves as an npm package. No source maps: they would point at
// src/, which the package does not ship.
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: false,
  removeNodeProtocol: false,
  target: "node22",
});
