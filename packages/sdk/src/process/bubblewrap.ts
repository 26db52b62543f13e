import { spawn } from "node:child_process";
import { existsSync, lstatSync, readlinkSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { isWithinPath } from "./sandbox-paths";

/** Where the sandbox tools are, once found and tried. */
export type BubblewrapProbe =
  | { available: true; bwrap: string; prlimit: string; version: string }
  | { available: false; reason: string };

/** Options of `detectBubblewrap`. */
export interface DetectBubblewrapOptions {
  /** The `bwrap` executable. Default: `bwrap` on `PATH`. */
  bwrap?: string;
  /** The `prlimit` executable (util-linux). Default: `prlimit` on `PATH`. */
  prlimit?: string;
}

/** The absolute path of `name` (a path, or a name looked up on `PATH`), or undefined. */
export function findExecutable(name: string, path = process.env.PATH ?? ""): string | undefined {
  if (name.includes("/")) return existsSync(name) ? name : undefined;
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const probes = new Map<string, Promise<BubblewrapProbe>>();

/**
 * Finds `bwrap` and `prlimit` and runs one real sandbox (`bwrap --unshare-all ... prlimit ...
 * true`), once per pair of paths per process: having the binary is not enough where the kernel
 * forbids unprivileged user namespaces (e.g. an AppArmor policy). Never throws.
 */
export function detectBubblewrap(options: DetectBubblewrapOptions = {}): Promise<BubblewrapProbe> {
  const key = `${options.bwrap ?? ""}\0${options.prlimit ?? ""}`;
  let probe = probes.get(key);
  if (!probe) {
    probe = probeBubblewrap(options);
    probes.set(key, probe);
  }
  return probe;
}

async function probeBubblewrap(options: DetectBubblewrapOptions): Promise<BubblewrapProbe> {
  if (process.platform !== "linux") {
    return {
      available: false,
      reason: `bubblewrap runs on Linux only (this is ${process.platform})`,
    };
  }
  const bwrap = findExecutable(options.bwrap ?? "bwrap");
  if (!bwrap) {
    return {
      available: false,
      reason: "bwrap was not found on PATH (Debian/Ubuntu: apt-get install bubblewrap)",
    };
  }
  const prlimit = findExecutable(options.prlimit ?? "prlimit");
  if (!prlimit) {
    return {
      available: false,
      reason: "prlimit (util-linux) was not found on PATH: resource limits cannot be applied",
    };
  }
  const version = await run(bwrap, ["--version"]);
  if (version.code !== 0) {
    return { available: false, reason: `${bwrap} --version failed: ${version.output.trim()}` };
  }
  const tried = await run(bwrap, [
    ...systemMounts(),
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    ...isolationFlags(),
    prlimit,
    "--nofile=64:64",
    "--",
    prlimit,
    "--version",
  ]);
  if (tried.code !== 0) {
    return {
      available: false,
      reason: `${bwrap} cannot create a sandbox here: ${tried.output.trim() || `exit code ${tried.code}`}`,
    };
  }
  return { available: true, bwrap, prlimit, version: version.output.trim() };
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: {} });
    const collect = (chunk: Buffer) => {
      if (output.length < 4096) output += chunk.toString("utf8");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", (error) => resolve({ code: -1, output: error.message }));
    child.once("close", (code) => resolve({ code, output }));
  });
}

/** Namespaces and privileges: everything unshared but the network (callbacks), no capabilities. */
function isolationFlags(): string[] {
  return ["--unshare-all", "--share-net", "--die-with-parent", "--cap-drop", "ALL"];
}

/** Read-only system folders a dynamically linked program needs, as this machine lays them out. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/** The few files of `/etc` programs read: the dynamic loader's cache, TLS roots, name resolution. */
const ETC_ENTRIES = [
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/alternatives",
  "/etc/ssl",
  "/etc/ca-certificates",
  "/etc/pki",
  "/etc/hosts",
  "/etc/nsswitch.conf",
  "/etc/resolv.conf",
  "/etc/localtime",
  "/etc/passwd",
  "/etc/group",
];

/** The folders every sandbox sees read-only (`/usr` and the `/lib*` and `/bin` it links to). */
export const SYSTEM_READ_ONLY = ["/usr", ...SYSTEM_DIRS.slice(1)];

function systemMounts(): string[] {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    let info: ReturnType<typeof lstatSync>;
    try {
      info = lstatSync(dir);
    } catch {
      continue;
    }
    // Merged /usr: /bin -> usr/bin; the link is recreated, not bound.
    if (info.isSymbolicLink()) args.push("--symlink", readlinkSync(dir), dir);
    else if (info.isDirectory()) args.push("--ro-bind", dir, dir);
  }
  for (const entry of ETC_ENTRIES) args.push("--ro-bind-try", entry, entry);
  return args;
}

/** What one sandboxed process sees and runs. Paths are absolute and bound at their own path. */
export interface BubblewrapPlan {
  /** The command line to run inside (already wrapped in `prlimit` if limits apply). */
  argv: string[];
  /** Bound read-only (install folders of the validator: its executable, scripts, node_modules). */
  readOnly: string[];
  /** Hidden behind an empty tmpfs even if a read-only folder holds them (the data folder). */
  hidden: string[];
  /** Bound read-write after hiding (the attempt's bundle and scratch folder). */
  writable: string[];
  /** Bound read-only over the writable ones (the inputs inside the bundle). */
  readOnlyOverlays: string[];
  /** The working directory inside. */
  cwd: string;
}

/**
 * The `bwrap` arguments of one sandbox: the system folders and a few `/etc` files read-only,
 * a fresh `/proc`, a minimal `/dev`, a private `/tmp`; every namespace unshared but the network;
 * no capabilities; killed with its parent; then `plan`'s folders in the order that lets hidden
 * paths stay hidden and inputs stay read-only. The environment is not on the command line:
 * `bwrap` hands its own (spawn's `env`) to the command.
 */
export function bubblewrapArgs(plan: BubblewrapPlan): string[] {
  const args = [...systemMounts(), "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"];
  const system = (path: string) => SYSTEM_READ_ONLY.some((dir) => isWithinPath(dir, path));
  const hiddenHolds = (path: string) => plan.hidden.some((dir) => isWithinPath(dir, path));
  const readOnly = plan.readOnly.filter((path) => !system(path));
  for (const path of readOnly.filter((path) => !hiddenHolds(path))) {
    args.push("--ro-bind", path, path);
  }
  for (const path of plan.hidden) {
    if (readOnly.some((dir) => isWithinPath(dir, path))) args.push("--tmpfs", path);
  }
  for (const path of readOnly.filter(hiddenHolds)) args.push("--ro-bind", path, path);
  for (const path of plan.writable) args.push("--bind", path, path);
  for (const path of plan.readOnlyOverlays) args.push("--ro-bind", path, path);
  args.push(...isolationFlags(), "--chdir", plan.cwd, "--", ...plan.argv);
  return args;
}
