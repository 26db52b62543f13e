import type { FmuFindingCode } from "./codes";

/** What an archive entry's name says: a safe relative path, or why it is refused. */
export type EntryNameVerdict =
  | {
      ok: true;
      /** The path inside the archive, `/`-separated, without `.` or empty segments. */
      path: string;
      /** Whether the stored name used backslashes (now read as separators). */
      backslashes: boolean;
      /** Whether the entry is a folder (the name ended with a separator). */
      directory: boolean;
    }
  | { ok: false; code: FmuFindingCode; reason: string };

/**
 * Judges an entry name before anything is written: refuses `..` segments (zip slip),
 * absolute paths and drive letters, and control characters; reads backslashes as
 * separators, and says so, since FMUs built on Windows sometimes carry them.
 */
export function judgeEntryName(name: string): EntryNameVerdict {
  if (name.length === 0 || [...name].some(isControl)) {
    return { ok: false, code: "fmu.zip_unsafe_name", reason: "empty or holds a control character" };
  }
  const backslashes = name.includes("\\");
  const slashed = name.replaceAll("\\", "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed)) {
    return { ok: false, code: "fmu.zip_absolute_path", reason: "absolute path" };
  }
  const segments = slashed.split("/");
  if (segments.includes("..")) {
    return { ok: false, code: "fmu.zip_slip", reason: "climbs out of the archive with `..`" };
  }
  const kept = segments.filter((segment) => segment !== "" && segment !== ".");
  if (kept.length === 0) {
    return { ok: false, code: "fmu.zip_unsafe_name", reason: "names no file" };
  }
  return { ok: true, path: kept.join("/"), backslashes, directory: slashed.endsWith("/") };
}

/** The name with control characters shown as `?` and cut to 300 characters, for messages. */
export function printableName(name: string): string {
  return [...name]
    .map((char) => (isControl(char) ? "?" : char))
    .join("")
    .slice(0, 300);
}

function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}
