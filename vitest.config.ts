import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Tests import every package from its TypeScript source, so they never depend on a stale build. */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@validibot\/contracts$/, replacement: src("./packages/contracts/src/index.ts") },
      { find: /^@validibot\/sdk$/, replacement: src("./packages/sdk/src/index.ts") },
      { find: /^@validibot\/sdk\/(.+)$/, replacement: src("./packages/sdk/src/$1/index.ts") },
      {
        find: /^@validibot\/validator-runtime$/,
        replacement: src("./packages/validator-runtime/src/index.ts"),
      },
      {
        find: /^@validibot\/validator-runtime\/(.+)$/,
        replacement: src("./packages/validator-runtime/src/$1/index.ts"),
      },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
