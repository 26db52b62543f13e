import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    cli: "src/cli.ts",
    "energyplus/index": "src/energyplus/index.ts",
    "fmu/index": "src/fmu/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node22",
  external: ["@google-cloud/storage", "google-auth-library", "koffi"],
});
