import { existsSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, parse, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Whether `path` is `dir` or lies inside it (both absolute, normalized). */
export function isWithinPath(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel) && rel !== "..");
}

/** An absolute path named by a command-line word: `/abs/path`, or a `file://` URL (`--import file:///...`). */
function pathOfWord(word: string): string | undefined {
  if (word.startsWith("file:")) {
    try {
      return fileURLToPath(word);
    } catch {
      return undefined;
    }
  }
  const value =
    word.includes("=") && word.startsWith("-") ? word.slice(word.indexOf("=") + 1) : word;
  return isAbsolute(value) ? value : undefined;
}

/**
 * The folder a program or script is installed in: the outermost ancestor holding `package.json`
 * or `node_modules` (a Node.js project with its dependencies, workspaces included), else the
 * file's own folder. `/` and the home and temp roots themselves are never chosen.
 */
export function installRootOf(path: string): string {
  let dir = statSync(path).isDirectory() ? path : dirname(path);
  let chosen = dir;
  const never = new Set(["/", "/home", "/root", "/tmp", "/var", "/opt", "/srv", "/mnt"]);
  while (!never.has(dir)) {
    if (existsSync(resolve(dir, "package.json")) || existsSync(resolve(dir, "node_modules"))) {
      chosen = dir;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return chosen;
}

/**
 * The folders a command line needs read-only: the install root of every existing absolute path
 * in it (the executable, script arguments, `--import` loaders), of their real paths too (a
 * `node_modules/.bin` link resolves elsewhere), and of `cwd`.
 */
export function commandReadOnlyPaths(command: string, args: string[], cwd?: string): string[] {
  const roots = new Set<string>();
  const add = (path: string | undefined) => {
    if (!path || !existsSync(path)) return;
    roots.add(installRootOf(path));
    const real = realpathSync(path);
    if (real !== path) roots.add(installRootOf(real));
  };
  add(command);
  for (const word of args) add(pathOfWord(word));
  if (cwd) add(cwd);
  return minimalCover([...roots]);
}

/** The paths of `paths` not inside another of them, sorted: one bind per folder tree. */
export function minimalCover(paths: string[]): string[] {
  const sorted = [...new Set(paths.map((path) => resolve(path)))].sort(
    (a, b) => a.length - b.length,
  );
  const kept: string[] = [];
  for (const path of sorted) if (!kept.some((dir) => isWithinPath(dir, path))) kept.push(path);
  return kept.sort();
}

/**
 * The storage root of a bundle laid out as `<root>/runs/<org>/<run>/attempts/<attempt>`: the
 * folder that holds every other run (hidden from the sandbox). Undefined for another layout.
 */
export function storageRootOfBundle(bundle: string): string | undefined {
  const parts = bundle.split(sep);
  const at = parts.length - 5;
  if (at < 1 || parts[at] !== "runs" || parts[at + 3] !== "attempts") return undefined;
  const root = parts.slice(0, at).join(sep);
  return root === "" ? parse(bundle).root : root;
}
