// `npm run pack`: after the build, packs the three packages as `npm publish` would into .packs/,
// so a project of your own can install them before they are published:
//   npm install /path/to/validibot-ts/.packs/*.tgz
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

const destination = resolve(".packs");
mkdirSync(destination, { recursive: true });
for (const name of ["contracts", "sdk", "validator-runtime"]) {
  const [packed] = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", destination], {
      cwd: `packages/${name}`,
      encoding: "utf8",
    }),
  );
  process.stdout.write(`${resolve(destination, packed.filename)}\n`);
}
