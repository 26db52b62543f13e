import type { ModelField, ModelObject, ParsedModel } from "./model";

/** A problem met while reading an epJSON text. */
export interface EpJsonIssue {
  code: "epjson_invalid_json" | "epjson_invalid_structure" | "duplicate_key";
  text: string;
  /** JSON pointer of what is wrong, when known. */
  pointer: string | null;
  line: number | null;
  column: number | null;
}

interface KeyPosition {
  line: number;
  column: number;
}

/**
 * The deepest nesting of objects and arrays read: 64 levels. Real models nest 6 at most; a field
 * nested thousands deep would overflow the stack of anything that walks the document (turning a
 * field into text, writing the working copy), so such a model is refused.
 */
const MAX_EPJSON_DEPTH = 64;

/** Key positions of the first three levels: type -> name -> field. */
interface KeyIndex {
  types: Map<
    string,
    { at: KeyPosition; names: Map<string, { at: KeyPosition; fields: Map<string, KeyPosition> }> }
  >;
  duplicates: { path: string[]; at: KeyPosition }[];
  /** Where the nesting first passes `MAX_EPJSON_DEPTH`, or null. */
  tooDeep: KeyPosition | null;
}

function pointer(parts: string[]): string {
  return `/${parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
}

/**
 * One pass over the text that records where each key of the first three levels starts (line
 * and column), and keys repeated in one object (JSON.parse would keep only the last). Linear
 * time; it assumes the text is valid JSON (JSON.parse has said so).
 */
function indexKeys(text: string): KeyIndex {
  const index: KeyIndex = { types: new Map(), duplicates: [], tooDeep: null };
  const stack: { kind: "{" | "["; keys: Set<string> | null; expectKey: boolean }[] = [];
  const path: string[] = [];
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) {
      line++;
      lineStart = i + 1;
    } else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      if (ch === 123) {
        stack.push({ kind: "{", keys: stack.length < 3 ? new Set() : null, expectKey: true });
      } else {
        stack.push({ kind: "[", keys: null, expectKey: false });
      }
      if (stack.length > MAX_EPJSON_DEPTH && index.tooDeep === null) {
        index.tooDeep = { line, column: i - lineStart + 1 };
      }
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) {
      stack.pop();
      path.length = Math.min(path.length, stack.length);
    } else if (ch === 44 /* , */) {
      const top = stack[stack.length - 1];
      if (top?.kind === "{") top.expectKey = true;
    } else if (ch === 34 /* " */) {
      const start = i;
      i++;
      while (i < text.length && text.charCodeAt(i) !== 34) {
        if (text.charCodeAt(i) === 92 /* \ */) i++;
        i++;
      }
      const top = stack[stack.length - 1];
      if (top?.kind === "{" && top.expectKey) {
        top.expectKey = false;
        const depth = stack.length;
        if (depth > 3) continue;
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        const at = { line, column: start - lineStart + 1 };
        path.length = depth - 1;
        path.push(key);
        if (top.keys?.has(key)) index.duplicates.push({ path: [...path], at });
        top.keys?.add(key);
        if (depth === 1) {
          if (!index.types.has(key)) index.types.set(key, { at, names: new Map() });
        } else if (depth === 2) {
          const t = index.types.get(path[0] ?? "");
          if (t && !t.names.has(key)) t.names.set(key, { at, fields: new Map() });
        } else {
          const n = index.types.get(path[0] ?? "")?.names.get(path[1] ?? "");
          if (n && !n.fields.has(key)) n.fields.set(key, at);
        }
      }
    }
  }
  return index;
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function flattenFields(
  body: Record<string, unknown>,
  positions: Map<string, KeyPosition> | undefined,
): ModelField[] {
  const fields: ModelField[] = [];
  for (const [key, value] of Object.entries(body)) {
    const at = positions?.get(key);
    const line = at?.line ?? null;
    const column = at?.column ?? null;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (item !== null && typeof item === "object" && !Array.isArray(item)) {
          for (const [sub, v] of Object.entries(item as Record<string, unknown>)) {
            fields.push({ name: `${key}/${i}/${sub}`, value: scalarText(v), line, column });
          }
        } else {
          fields.push({ name: `${key}/${i}`, value: scalarText(item), line, column });
        }
      });
    } else {
      fields.push({ name: key, value: scalarText(value), line, column });
    }
  }
  return fields;
}

function jsonErrorPosition(text: string, error: unknown): { line: number; column: number } | null {
  const message = error instanceof Error ? error.message : String(error);
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (!pos) return null;
  const at = Math.min(Number(pos[1]), text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}

/**
 * Reads an epJSON model: a JSON object keyed by object type, each an object keyed by object
 * name. Every object and field gets a line and column (from one extra linear pass over the
 * text); problems (bad JSON, wrong shapes, keys repeated in one object) come back as issues.
 */
export function readEpJson(text: string): { model: ParsedModel; issues: EpJsonIssue[] } {
  const issues: EpJsonIssue[] = [];
  const empty: ParsedModel = {
    format: "epjson",
    objects: [],
    version: null,
    complete: false,
    document: null,
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const at = jsonErrorPosition(text, error);
    issues.push({
      code: "epjson_invalid_json",
      text: `The epJSON model is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      pointer: null,
      line: at?.line ?? null,
      column: at?.column ?? null,
    });
    return { model: empty, issues };
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    issues.push({
      code: "epjson_invalid_structure",
      text: "The epJSON model must be a JSON object keyed by object type.",
      pointer: "",
      line: 1,
      column: 1,
    });
    return { model: empty, issues };
  }
  const index = indexKeys(text);
  if (index.tooDeep) {
    issues.push({
      code: "epjson_invalid_structure",
      text: `The epJSON model nests objects and arrays more than ${MAX_EPJSON_DEPTH} levels deep; no EnergyPlus model does.`,
      pointer: null,
      line: index.tooDeep.line,
      column: index.tooDeep.column,
    });
    return { model: empty, issues };
  }
  for (const dup of index.duplicates) {
    issues.push({
      code: "duplicate_key",
      text: `The key "${dup.path[dup.path.length - 1]}" appears twice in one object at ${pointer(dup.path.slice(0, -1))}; JSON readers keep only the last.`,
      pointer: pointer(dup.path),
      line: dup.at.line,
      column: dup.at.column,
    });
  }
  const objects: ModelObject[] = [];
  let version: string | null = null;
  for (const [type, group] of Object.entries(doc as Record<string, unknown>)) {
    const typeIndex = index.types.get(type);
    if (group === null || typeof group !== "object" || Array.isArray(group)) {
      issues.push({
        code: "epjson_invalid_structure",
        text: `"${type}" must be an object keyed by object name.`,
        pointer: pointer([type]),
        line: typeIndex?.at.line ?? null,
        column: typeIndex?.at.column ?? null,
      });
      continue;
    }
    for (const [name, body] of Object.entries(group as Record<string, unknown>)) {
      const nameIndex = typeIndex?.names.get(name);
      if (body === null || typeof body !== "object" || Array.isArray(body)) {
        issues.push({
          code: "epjson_invalid_structure",
          text: `"${type}" "${name}" must be an object of fields.`,
          pointer: pointer([type, name]),
          line: nameIndex?.at.line ?? null,
          column: nameIndex?.at.column ?? null,
        });
        continue;
      }
      const fields = flattenFields(body as Record<string, unknown>, nameIndex?.fields);
      objects.push({
        type,
        name,
        fields,
        line: nameIndex?.at.line ?? null,
        column: nameIndex?.at.column ?? null,
        span: null,
      });
      if (version === null && type.toLowerCase() === "version") {
        const id = (body as Record<string, unknown>).version_identifier;
        if (id !== undefined && id !== null && String(id).trim() !== "")
          version = String(id).trim();
      }
    }
  }
  return {
    model: {
      format: "epjson",
      objects,
      version,
      complete: true,
      document: doc as Record<string, unknown>,
    },
    issues,
  };
}
