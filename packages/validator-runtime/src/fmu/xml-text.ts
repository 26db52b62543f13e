/**
 * The offset of the first DOCTYPE or ENTITY declaration outside comments and CDATA, or -1.
 * A model description never needs one, and refusing them outright rules out entity
 * expansion attacks (billion laughs, external entities) before any parser sees the text.
 */
export function findDeclaration(text: string): number {
  const pattern = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!(?:DOCTYPE|ENTITY)/gi;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (!match[0].startsWith("<!--") && !match[0].startsWith("<![")) return match.index;
  }
  return -1;
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
