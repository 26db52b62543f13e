import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "storage/index": "src/storage/index.ts",
    "express/index": "src/express/index.ts",
    "client/index": "src/client/index.ts",
    "store/index": "src/store/index.ts",
    "launchers/index": "src/launchers/index.ts",
    "auth/index": "src/auth/index.ts",
    "access/index": "src/access/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node22",
  external: ["@google-cloud/run", "@google-cloud/storage", "express", "google-auth-library", "pg"],
});
