import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** The three published packages, by folder. */
export const PACKAGES = ["contracts", "sdk", "validator-runtime"] as const;

/** What `npm pack --json` says of one package. */
export interface PackedPackage {
  name: string;
  filename: string;
  /** Absolute path of the tarball. */
  path: string;
  files: string[];
}

/** npm from the pinned Node (the one running the tests), so scratch projects use Node 24 too. */
function npm(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
  };
  for (const key of Object.keys(env)) if (key.startsWith("npm_")) delete env[key];
  return run("npm", args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
}

/**
 * Packs the three built packages (`npm run build` must have run: `npm test` builds first) into
 * a temporary folder, as `npm publish` would pack them.
 */
export async function packPackages(): Promise<{ dir: string; packed: PackedPackage[] }> {
  const dir = await mkdtemp(join(tmpdir(), "validibot-packs-"));
  const packed: PackedPackage[] = [];
  for (const name of PACKAGES) {
    const { stdout } = await npm(
      ["pack", "--json", "--pack-destination", dir],
      join(ROOT, "packages", name),
    );
    const [info] = JSON.parse(stdout) as {
      name: string;
      filename: string;
      files: { path: string }[];
    }[];
    if (info === undefined) throw new Error(`npm pack printed nothing for ${name}`);
    packed.push({
      name: info.name,
      filename: info.filename,
      path: join(dir, info.filename),
      files: info.files.map((file) => file.path).sort(),
    });
  }
  return { dir, packed };
}

/** A project of a user's own, outside the workspace, with the tarballs installed. */
export interface ScratchProject {
  dir: string;
  /** Runs a command in the project with the pinned Node first on PATH. */
  exec(
    command: string,
    args: string[],
    env?: NodeJS.ProcessEnv,
  ): Promise<{ stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

/**
 * Makes an ESM project in a temporary folder (never inside the workspace, so nothing resolves
 * through workspace links) and installs the tarballs plus `extra` packages into it, from the
 * npm cache that `npm ci` filled (`--prefer-offline`).
 */
export async function scratchProject(
  tarballs: string[],
  extra: string[] = [],
): Promise<ScratchProject> {
  const dir = await mkdtemp(join(tmpdir(), "validibot-consumer-"));
  await writeFile(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module", allowScripts: { koffi: true } }, null, 2)}\n`,
  );
  await npm(
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--save-exact",
      ...tarballs,
      ...extra,
    ],
    dir,
  );
  const path = `${join(dir, "node_modules", ".bin")}:${dirname(process.execPath)}:${process.env.PATH ?? ""}`;
  return {
    dir,
    exec: (command, args, env = {}) =>
      run(command, args, {
        cwd: dir,
        env: { ...process.env, ...env, PATH: path },
        maxBuffer: 64 * 1024 * 1024,
      }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
