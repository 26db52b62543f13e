#!/usr/bin/env node
// The `validibot-validator` command. An installed package runs its built CLI (dist/cli.js). A
// checkout of the source that was not built yet runs the TypeScript source through tsx, so the
// command works right after `npm ci`.
import { existsSync } from "node:fs";

const built = new URL("../dist/cli.js", import.meta.url);
const source = new URL("../src/cli.ts", import.meta.url);

if (existsSync(built)) {
  await import(built.href);
} else if (existsSync(source)) {
  let register;
  try {
    ({ register } = await import("tsx/esm/api"));
  } catch {
    process.stderr.write(
      "validibot-validator: this checkout is not built and tsx is not installed: run `npm run build`\n",
    );
    process.exit(70);
  }
  register();
  await import(source.href);
} else {
  process.stderr.write(
    "validibot-validator: the package has no dist/cli.js; reinstall @validibot/validator-runtime\n",
  );
  process.exit(70);
}
