import { XMLParser } from "fast-xml-parser";
import type { FmuReporter } from "./report";
import { decodeXmlText, type LineIndex } from "./xml-text";

/** A parsed element: attributes as strings, children as arrays of elements. */
export type XmlElement = Record<string | symbol, unknown>;

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/**
 * Reads attributes and children of the parsed model description, with line numbers, and
 * reports unreadable attributes as findings. Parsed with every element as an array, so
 * one-or-many needs no special case.
 */
export class XmlReader {
  constructor(
    private readonly lines: LineIndex,
    readonly reporter: FmuReporter,
  ) {}

  /** The children named `tag` of `parent`; empty elements read as `{}`. */
  children(parent: XmlElement | undefined, tag: string): XmlElement[] {
    const value = parent?.[tag];
    if (value === undefined) return [];
    const list = Array.isArray(value) ? value : [value];
    return list.map((item) =>
      item !== null && typeof item === "object" ? (item as XmlElement) : {},
    );
  }

  /** The first child named `tag`, or undefined. */
  child(parent: XmlElement | undefined, tag: string): XmlElement | undefined {
    return this.children(parent, tag)[0];
  }

  /** The element's 1-based line, or `fallback` (empty elements carry no position). */
  line(element: XmlElement | undefined, fallback: number | null = null): number | null {
    const meta = element?.[META] as { startIndex?: number } | undefined;
    return typeof meta?.startIndex === "number" ? this.lines.lineOf(meta.startIndex) : fallback;
  }

  /** The element's start offset in the text, for document order. */
  offset(element: XmlElement): number {
    const meta = element[META] as { startIndex?: number } | undefined;
    return meta?.startIndex ?? 0;
  }

  /** An attribute's decoded text, or null when absent. */
  text(element: XmlElement | undefined, name: string): string | null {
    const value = element?.[name];
    return typeof value === "string" ? decodeXmlText(value) : null;
  }

  /** A required attribute; reports `fmu.attribute_missing` when absent. */
  required(element: XmlElement, name: string, where: string, path?: string): string | null {
    const value = this.text(element, name);
    if (value === null) {
      this.reporter.error("fmu.attribute_missing", `${where} has no \`${name}\` attribute.`, {
        line: this.line(element),
        path,
      });
    }
    return value;
  }

  /** An optional floating-point attribute; reports `fmu.attribute_invalid` when unreadable. */
  real(element: XmlElement | undefined, name: string, where: string, path?: string): number | null {
    const raw = this.text(element, name);
    if (raw === null) return null;
    const trimmed = raw.trim();
    const value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)
      ? Number(trimmed)
      : Number.NaN;
    if (!Number.isFinite(value)) {
      this.reporter.error(
        "fmu.attribute_invalid",
        `${where}: \`${name}="${raw}"\` is not a finite number.`,
        { line: element ? this.line(element) : null, path },
      );
      return null;
    }
    return value;
  }

  /** A value reference or index attribute (an unsigned 32-bit integer). */
  unsigned(element: XmlElement, name: string, where: string, path?: string): number | null {
    const raw = this.text(element, name);
    if (raw === null) return null;
    const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value > 0xffffffff) {
      this.reporter.error(
        "fmu.attribute_invalid",
        `${where}: \`${name}="${raw}"\` is not an unsigned 32-bit integer.`,
        { line: this.line(element), path },
      );
      return null;
    }
    return value;
  }

  /** A space-separated list of unsigned integers (`dependencies`), or null when absent. */
  unsignedList(element: XmlElement, name: string, where: string): number[] | null {
    const raw = this.text(element, name);
    if (raw === null) return null;
    const items = raw.trim() === "" ? [] : raw.trim().split(/\s+/);
    const values: number[] = [];
    for (const item of items) {
      const value = /^\d+$/.test(item) ? Number(item) : Number.NaN;
      if (!Number.isSafeInteger(value)) {
        this.reporter.error(
          "fmu.attribute_invalid",
          `${where}: \`${name}\` holds "${item}", not an unsigned integer.`,
          { line: this.line(element) },
        );
        continue;
      }
      values.push(value);
    }
    return values;
  }

  /** An enumerated attribute; reports `fmu.attribute_invalid` for a value not in `allowed`. */
  oneOf<T extends string>(
    element: XmlElement,
    name: string,
    allowed: readonly T[],
    where: string,
    path?: string,
  ): T | null {
    const raw = this.text(element, name);
    if (raw === null) return null;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.reporter.error(
      "fmu.attribute_invalid",
      `${where}: \`${name}="${raw}"\` is not one of ${allowed.join(", ")}.`,
      { line: this.line(element), path },
    );
    return null;
  }
}

/** A fast-xml-parser set up for model descriptions: no entity processing, every element an array, positions kept. */
export function modelDescriptionParser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    processEntities: false,
    htmlEntities: false,
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    captureMetaData: true,
    isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  });
}
