import fc from "fast-check";

/**
 * One edit of a fuzz mutation. Positions are arbitrary naturals taken modulo the length at the
 * time of the edit, so any edit applies to any input.
 */
export type Edit =
  | { op: "insert"; at: number; piece: string }
  | { op: "delete"; at: number; length: number }
  | { op: "truncate"; at: number }
  | { op: "flip"; at: number; bit: number }
  | { op: "repeat"; at: number; length: number };

/** One edit; `pieces` gives what an insertion inserts (e.g. the format's own punctuation). */
export function editArbitrary(pieces: fc.Arbitrary<string>): fc.Arbitrary<Edit> {
  const at = fc.nat();
  return fc.oneof(
    fc.record({ op: fc.constant("insert" as const), at, piece: pieces }),
    fc.record({ op: fc.constant("delete" as const), at, length: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ op: fc.constant("truncate" as const), at }),
    fc.record({ op: fc.constant("flip" as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ op: fc.constant("repeat" as const), at, length: fc.integer({ min: 1, max: 64 }) }),
  );
}

/** One to eight edits: a mutation. Each adds at most 64 units, so inputs stay small. */
export function mutationArbitrary(pieces: fc.Arbitrary<string>): fc.Arbitrary<Edit[]> {
  return fc.array(editArbitrary(pieces), { minLength: 1, maxLength: 8 });
}

/** `text` with the edits applied, in UTF-16 code units (a flip can leave a lone surrogate). */
export function mutateText(text: string, edits: Edit[]): string {
  let out = text;
  for (const edit of edits) {
    const at = edit.at % (out.length + 1);
    switch (edit.op) {
      case "insert":
        out = out.slice(0, at) + edit.piece + out.slice(at);
        break;
      case "delete":
        out = out.slice(0, at) + out.slice(at + edit.length);
        break;
      case "truncate":
        out = out.slice(0, at);
        break;
      case "flip":
        if (at < out.length) {
          const code = out.charCodeAt(at) ^ (1 << edit.bit);
          out = out.slice(0, at) + String.fromCharCode(code) + out.slice(at + 1);
        }
        break;
      case "repeat":
        out =
          out.slice(0, at + edit.length) +
          out.slice(at, at + edit.length) +
          out.slice(at + edit.length);
        break;
    }
  }
  return out;
}

/** `bytes` with the edits applied byte-wise (an insertion's piece is encoded as UTF-8). */
export function mutateBytes(bytes: Uint8Array, edits: Edit[]): Buffer {
  let out = Buffer.from(bytes);
  for (const edit of edits) {
    const at = edit.at % (out.length + 1);
    switch (edit.op) {
      case "insert":
        out = Buffer.concat([
          out.subarray(0, at),
          Buffer.from(edit.piece, "utf8"),
          out.subarray(at),
        ]);
        break;
      case "delete":
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + edit.length)]);
        break;
      case "truncate":
        out = out.subarray(0, at);
        break;
      case "flip":
        if (at < out.length) {
          out = Buffer.from(out);
          out[at] = (out[at] as number) ^ (1 << edit.bit);
        }
        break;
      case "repeat":
        out = Buffer.concat([
          out.subarray(0, at + edit.length),
          out.subarray(at, at + edit.length),
          out.subarray(at + edit.length),
        ]);
        break;
    }
  }
  return out;
}

/** Cut points that split a text of `length` into at most nine chunks, for chunking invariants. */
export function cutsArbitrary(length: number): fc.Arbitrary<number[]> {
  return fc
    .array(fc.integer({ min: 0, max: Math.max(0, length) }), { maxLength: 8 })
    .map((cuts) => [...new Set(cuts)].sort((a, b) => a - b));
}

/** `text` split at `cuts` (sorted), the last chunk running to the end. */
export function chunksOf(text: string, cuts: number[]): string[] {
  const chunks: string[] = [];
  let last = 0;
  for (const cut of [...cuts, text.length]) {
    chunks.push(text.slice(last, cut));
    last = cut;
  }
  return chunks;
}
