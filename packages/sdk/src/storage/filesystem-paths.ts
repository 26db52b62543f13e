import { lstat, mkdir, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { errnoCode } from "./filesystem-errors";
import { storageError } from "./storage-error";

/** Whether `path` is `root` or lies under it (both absolute and already resolved). */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!isAbsolute(rel) && rel.split(sep)[0] !== "..");
}

/** The error of a key whose path leaves the root, through a symlink or otherwise. */
export function escapesRoot(key: string) {
  return storageError("storage_path_invalid", "the key's path leaves the storage root", { key });
}

/**
 * The real path of the folder that holds `key`, creating missing folders one at a time so that
 * nothing is ever created outside `realRoot`: a symlink met on the way must resolve inside the
 * root, or the key is refused with `storage_path_invalid` before anything is written.
 */
export async function ensureParentFolder(realRoot: string, key: string): Promise<string> {
  const folders = key.split("/").slice(0, -1);
  let current = realRoot;
  for (const name of folders) {
    const next = join(current, name);
    current = await enterFolder(realRoot, next, key);
  }
  return current;
}

async function enterFolder(realRoot: string, path: string, key: string): Promise<string> {
  let info = await lstat(path).catch((error: unknown) => {
    if (errnoCode(error) === "ENOENT") return null;
    throw error;
  });
  if (info === null) {
    await mkdir(path).catch((error: unknown) => {
      if (errnoCode(error) !== "EEXIST") throw error;
    });
    info = await lstat(path);
  }
  if (info.isSymbolicLink()) {
    const target = await realpath(path);
    if (!isWithin(realRoot, target)) throw escapesRoot(key);
    if (!(await stat(target)).isDirectory()) throw notAFolder(key);
    return target;
  }
  if (!info.isDirectory()) throw notAFolder(key);
  return path;
}

function notAFolder(key: string) {
  return storageError("storage_path_invalid", "a folder of the key is an object", { key });
}
