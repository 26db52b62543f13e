import { isSafeLeafName, ValidibotError } from "@validibot/contracts";

/** The longest submitted file name, in UTF-8 bytes: what common filesystems hold in one name. */
export const MAX_FILE_NAME_BYTES = 255;

/** The longest stored leaf name derived from a file name, in characters (all ASCII). */
const MAX_STORED_NAME = 128;

/** The longest extension a stored name keeps, dot included. */
const MAX_EXTENSION = 16;

/**
 * Characters a name may not hold because they cannot be shown as they are, or change how the rest
 * is shown: C0 and C1 controls (CR and LF included), DEL, the line and paragraph separators, and
 * the bidirectional controls that can make `evil\u202Efdp.exe` read as `evilexe.pdf`.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

/** Names the bundle uses itself; a derived stored name avoids them. */
const BUNDLE_NAMES = new Set(["input.json", "output.json", "outputs"]);

/**
 * Checks a submitted file name as a name people will be shown: a safe leaf name (CONTRACT.md rule
 * 1), well-formed Unicode, at most `MAX_FILE_NAME_BYTES` bytes, and none of the characters that
 * cannot be shown (controls, CR/LF, bidirectional overrides). Throws `file_unsafe_name` (400), so
 * such a name is refused at submit, before any run exists.
 */
export function checkDisplayName(name: unknown): string {
  const refuse = (why: string) =>
    new ValidibotError("file_unsafe_name", `file name ${describe(name)} ${why}`);
  if (typeof name !== "string" || name.length === 0) throw refuse("is empty");
  // A lone surrogate would come back as U+FFFD: not the name that was sent.
  if (Buffer.from(name, "utf8").toString("utf8") !== name) {
    throw refuse("is not well-formed Unicode");
  }
  if (UNSHOWABLE.test(name)) {
    throw refuse("holds control or direction characters (CR, LF, ...) that cannot be shown");
  }
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_FILE_NAME_BYTES) {
    throw refuse(`is ${bytes} bytes long; at most ${MAX_FILE_NAME_BYTES} are allowed`);
  }
  if (!isSafeLeafName(name)) {
    throw refuse("is not a single safe file name (no '/', '\\', '.' or '..')");
  }
  return name;
}

/**
 * The leaf of the storage key a file is stored under, derived from its (checked) name and never
 * the name itself: ASCII letters, digits, `.`, `_`, `-` and `+`, everything else `_`, no leading
 * dot (so no hidden file and no adapter's temporary-file prefix), at most 128 characters with the
 * extension kept, and distinct from `taken` and the bundle's own names (a `-2`, `-3`, ... before
 * the extension). Adds the result to `taken`. The original name stays the file's display name.
 */
export function storedLeafName(name: string, taken: Set<string>): string {
  let plain = name.replace(/[^A-Za-z0-9._+-]/g, "_").replace(/^\.+/, "");
  if (plain === "") plain = "file";
  const dot = plain.lastIndexOf(".");
  const hasExtension = dot > 0 && plain.length - dot <= MAX_EXTENSION;
  const extension = hasExtension ? plain.slice(dot) : "";
  const stem = (hasExtension ? plain.slice(0, dot) : plain).slice(
    0,
    MAX_STORED_NAME - extension.length - 8,
  );
  let candidate = `${stem}${extension}`;
  for (
    let n = 2;
    taken.has(candidate.toLowerCase()) || BUNDLE_NAMES.has(candidate.toLowerCase());
    n++
  ) {
    candidate = `${stem}-${n}${extension}`;
  }
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** A name for an error message: quoted, cut to 80 characters, every unshowable character escaped. */
function describe(name: unknown): string {
  if (typeof name !== "string") return String(name);
  const shown = name.length > 80 ? `${name.slice(0, 80)}...` : name;
  return JSON.stringify(shown).replace(
    new RegExp(UNSHOWABLE.source, "gu"),
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}
