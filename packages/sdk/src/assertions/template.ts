import { lookupPath, parseTargetPath } from "./path";

/** One filter of a template placeholder: `round(2)`, `upper`, `lower`, `default("text")`. */
type Filter =
  | { name: "round"; digits: number }
  | { name: "upper" }
  | { name: "lower" }
  | { name: "default"; text: string };

type Part = { text: string } | { path: string; filters: Filter[] };

/** A parsed message template; render it with `renderTemplate`. */
export interface Template {
  parts: Part[];
}

/** Why a template does not parse, at an offset in its text. */
export interface TemplateError {
  message: string;
  offset: number;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const FILTER = /^([a-z]+)(?:\(\s*(.*?)\s*\))?$/;

function parseFilter(text: string): Filter | string {
  const match = FILTER.exec(text.trim());
  if (!match) return `bad filter ${JSON.stringify(text.trim())}`;
  const [, name, arg] = match;
  switch (name) {
    case "round": {
      const digits = arg === undefined || arg === "" ? 0 : Number(arg);
      if (!Number.isInteger(digits) || digits < 0 || digits > 15)
        return "round(digits) takes 0 to 15";
      return { name, digits };
    }
    case "upper":
    case "lower":
      return arg === undefined ? { name } : `${name} takes no argument`;
    case "default": {
      const quoted = /^"((?:[^"\\]|\\.)*)"$|^'((?:[^'\\]|\\.)*)'$/.exec(arg ?? "");
      if (!quoted) return 'default takes one quoted text: default("n/a")';
      return { name, text: (quoted[1] ?? quoted[2] ?? "").replace(/\\(.)/g, "$1") };
    }
    default:
      return `unknown filter ${name}: use round(digits), upper, lower or default("text")`;
  }
}

/**
 * Parses `{{ name | filter | ... }}` placeholders. A name is a variable (`value`, an operand) or
 * a path into the signals (`inputs.simulation.stop_time`); nothing in a template is evaluated.
 */
export function parseTemplate(source: string): { template: Template } | { error: TemplateError } {
  const parts: Part[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const at = match.index ?? 0;
    if (at > last) parts.push({ text: source.slice(last, at) });
    const [path = "", ...filterTexts] = (match[1] ?? "").split("|");
    if (parseTargetPath(path.trim()) === null) {
      return { error: { message: `bad placeholder ${JSON.stringify(match[0])}`, offset: at } };
    }
    const filters: Filter[] = [];
    for (const text of filterTexts) {
      const filter = parseFilter(text);
      if (typeof filter === "string") return { error: { message: filter, offset: at } };
      filters.push(filter);
    }
    parts.push({ path: path.trim(), filters });
    last = at + match[0].length;
  }
  if (last < source.length) parts.push({ text: source.slice(last) });
  const stray = parts.find((p) => "text" in p && p.text.includes("{{"));
  if (stray)
    return { error: { message: "unclosed {{ placeholder", offset: source.indexOf("{{", 0) } };
  return { template: { parts } };
}

function show(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}

/** Renders a template: `vars` first, then the signals; missing names render empty (or their default). */
export function renderTemplate(
  template: Template,
  vars: Record<string, unknown>,
  signals: Record<string, unknown>,
): string {
  let out = "";
  for (const part of template.parts) {
    if ("text" in part) {
      out += part.text;
      continue;
    }
    const path = parseTargetPath(part.path);
    let value: unknown;
    if (path) {
      const source = Object.hasOwn(vars, path.root) ? vars : signals;
      const found = Object.hasOwn(source, path.root)
        ? lookupPath(source[path.root], path.root, path.segments)
        : { found: false as const, missing: path.root };
      value = found.found ? found.value : undefined;
    }
    let text: string | undefined = value === undefined ? undefined : show(value);
    for (const filter of part.filters) {
      if (filter.name === "default") {
        if (text === undefined || text === "" || value === null) text = filter.text;
      } else if (text !== undefined) {
        if (filter.name === "round") {
          const n = typeof value === "number" ? value : Number(text);
          if (Number.isFinite(n)) text = String(Number(n.toFixed(filter.digits)));
        } else if (filter.name === "upper") text = text.toUpperCase();
        else text = text.toLowerCase();
      }
    }
    out += text ?? "";
  }
  return out;
}
