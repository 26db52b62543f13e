// Packs each published package and checks with @arethetypeswrong/cli that its types resolve
// under both module systems. Packs itself because `attw --pack` misreads npm 11's output.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const packages = ["packages/contracts", "packages/sdk", "packages/validator-runtime"];
const dir = mkdtempSync(join(tmpdir(), "attw-"));
let failed = false;
try {
  for (const pkg of packages) {
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--pack-destination", dir], {
        cwd: pkg,
        encoding: "utf8",
      }),
    );
    try {
      execFileSync("attw", [join(dir, packed.filename), "--profile", "node16"], {
        stdio: "inherit",
      });
    } catch {
      failed = true;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
