/** One step of a target path: an object key or a list index. */
export type PathSegment = { key: string } | { index: number };

const SEGMENT =
  /\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
const ROOT = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * A target path (`outputs.a.b`, `x[0]`, `metrics['fmu.execution_seconds']`) as its root name
 * and segments; null when it is not one (the contracts' `ASSERTION_TARGET_PATTERN` refuses those).
 */
export function parseTargetPath(path: string): { root: string; segments: PathSegment[] } | null {
  const root = ROOT.exec(path)?.[0];
  if (root === undefined) return null;
  const segments: PathSegment[] = [];
  SEGMENT.lastIndex = root.length;
  while (SEGMENT.lastIndex < path.length) {
    const at = SEGMENT.lastIndex;
    const match = SEGMENT.exec(path);
    if (!match || match.index !== at) return null;
    const [, name, index, single, double] = match;
    if (name !== undefined) segments.push({ key: name });
    else if (index !== undefined) segments.push({ index: Number(index) });
    else segments.push({ key: unquote(single ?? double ?? "") });
  }
  return { root, segments };
}

function unquote(quoted: string): string {
  return quoted.replace(/\\(.)/g, "$1");
}

/** What a path found: the value, or that nothing is there (so `exists` can say no). */
export type Lookup = { found: true; value: unknown } | { found: false; missing: string };

/** Follows `segments` from `start`; own keys only, so `__proto__` and friends find nothing. */
export function lookupPath(start: unknown, rootName: string, segments: PathSegment[]): Lookup {
  let value = start;
  let at = rootName;
  for (const segment of segments) {
    if ("index" in segment) {
      at += `[${segment.index}]`;
      if (!Array.isArray(value) || segment.index >= value.length)
        return { found: false, missing: at };
      value = value[segment.index];
    } else {
      at += `.${segment.key}`;
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return { found: false, missing: at };
      }
      if (!Object.hasOwn(value, segment.key)) return { found: false, missing: at };
      value = (value as Record<string, unknown>)[segment.key];
    }
  }
  return value === undefined ? { found: false, missing: at } : { found: true, value };
}
