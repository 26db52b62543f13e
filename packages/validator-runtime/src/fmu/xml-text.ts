/**
 * The offset of the first markup declaration (`<!DOCTYPE`, `<!ENTITY`, or any other `<!` that
 * is not a comment or CDATA), or -1. A model description never needs one, and refusing them
 * outright rules out entity expansion attacks (billion laughs, external entities) before any
 * parser sees the text.
 *
 * The text is scanned as XML is lexed, in document order: a processing instruction runs to
 * `?>`, a comment to `-->`, CDATA to `]]>`, a tag to its `>` outside quoted attribute values.
 * So a construct that merely looks like the start of another inside one of these (a
 * `<![CDATA[` inside a processing instruction, a `-->` inside an attribute) cannot hide a
 * declaration that follows it.
 */
export function findDeclaration(text: string): number {
  let i = text.indexOf("<");
  while (i !== -1) {
    let end: number;
    if (text.startsWith("<?", i)) end = after(text, "?>", i + 2);
    else if (text.startsWith("<!--", i)) end = after(text, "-->", i + 4);
    else if (text.startsWith("<![CDATA[", i)) end = after(text, "]]>", i + 9);
    else if (text.startsWith("<!", i)) return i;
    else end = tagEnd(text, i + 1);
    if (end >= text.length) return -1;
    i = text.indexOf("<", end);
  }
  return -1;
}

/** The offset just past the next `close` from `from`, or the text's length when there is none. */
function after(text: string, close: string, from: number): number {
  const at = text.indexOf(close, from);
  return at === -1 ? text.length : at + close.length;
}

/** The offset just past a tag's closing `>`, skipping quoted attribute values. */
function tagEnd(text: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ">") return i + 1;
    else if (c === "<") return i;
  }
  return text.length;
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/**
 * Decodes the five predefined XML entities and numeric character references in an
 * attribute value. The parser runs with entity processing off, and no other entity can
 * exist because declarations are refused.
 */
export function decodeXmlText(value: string): string {
  if (!value.includes("&")) return value;
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith("#")) {
      const code = body[1] === "x" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[body] ?? whole;
  });
}

/** Turns character offsets of a text into 1-based line numbers. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
      this.starts.push(i + 1);
    }
  }

  /** The 1-based line holding `offset`. */
  lineOf(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }
}
