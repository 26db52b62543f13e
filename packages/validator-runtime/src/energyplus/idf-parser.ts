import { isNamedType, type ModelField, type ModelObject } from "./model";

/** A problem met while reading the text of a model, before any check runs. */
export interface ReadIssue {
  /** Finding code key (see `ENERGYPLUS_CODES`). */
  code: "idf_unterminated_object" | "idf_syntax";
  text: string;
  line: number;
  column: number;
}

enum Mode {
  Text = 0,
  Comment = 1,
  Note = 2,
}

/**
 * An incremental IDF tokenizer: objects end at `;`, fields at `,`, `!` starts a comment to the
 * end of the line, and a `!-` note names the last field ended on its line. Feed decoded text in
 * any chunk sizes with `push`, then call `end`. Every object and field keeps its 1-based line
 * and column; CR, tabs and odd spacing are whitespace. An unterminated last object becomes a
 * `ReadIssue`, never an exception.
 */
export class IdfParser {
  /** Objects read so far, in file order. */
  readonly objects: ModelObject[] = [];
  /** Problems read so far. */
  readonly issues: ReadIssue[] = [];

  private mode: Mode = Mode.Text;
  private line = 1;
  private column = 1;
  private offset = 0;
  private fieldText = "";
  private fieldLine = 0;
  private fieldColumn = 0;
  private fieldOffset = -1;
  private type: string | null = null;
  private typeLine = 0;
  private typeColumn = 0;
  private typeOffset = 0;
  private fields: ModelField[] = [];
  private note = "";
  private justBanged = false;
  /** Fields (or the type token, as null) ended on the current line, for `!-` notes. */
  private lastEndedOnLine: ModelField | null | undefined = undefined;

  /** Reads the next piece of text. */
  push(text: string): void {
    // Field and note text is sliced from the chunk, not built a character at a time.
    let seg = this.mode === Mode.Text && this.fieldOffset >= 0 ? 0 : -1;
    let noteStart = this.mode === Mode.Note ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10 /* \n */) {
        if (this.mode === Mode.Note) {
          this.note += text.slice(noteStart, i);
          noteStart = -1;
          this.attachNote();
        }
        this.mode = Mode.Text;
        this.lastEndedOnLine = undefined;
        this.line++;
        this.column = 1;
        this.offset++;
        if (this.fieldOffset >= 0 && seg < 0) seg = i + 1;
        continue;
      }
      if (this.mode === Mode.Comment) {
        // `!-` is a note only right after the `!` (which may have ended the previous chunk).
        if (this.justBanged && ch === 45 /* - */) {
          this.mode = Mode.Note;
          this.note = "";
          noteStart = i + 1;
        }
        this.justBanged = false;
        this.advance();
        continue;
      }
      if (this.mode === Mode.Note) {
        this.advance();
        continue;
      }
      if (ch === 33 /* ! */ || ch === 44 /* , */ || ch === 59 /* ; */) {
        if (seg >= 0) this.fieldText += text.slice(seg, i);
        seg = -1;
        if (ch === 33) {
          this.mode = Mode.Comment;
          this.justBanged = true;
        } else {
          this.endField(ch === 59);
        }
        this.advance();
        continue;
      }
      if (ch === 32 || ch === 9 || ch === 13 || ch === 11 || ch === 12 || ch === 0xfeff) {
        this.advance();
        continue;
      }
      if (this.fieldOffset < 0) {
        this.fieldOffset = this.offset;
        this.fieldLine = this.line;
        this.fieldColumn = this.column;
        seg = i;
      } else if (seg < 0) {
        seg = i;
      }
      this.advance();
    }
    if (seg >= 0) this.fieldText += text.slice(seg);
    if (this.mode === Mode.Note && noteStart >= 0) this.note += text.slice(noteStart);
  }

  /** Ends the text: an object still open becomes an `idf_unterminated_object` issue. */
  end(): void {
    if (this.mode === Mode.Note) this.attachNote();
    this.mode = Mode.Text;
    if (this.type !== null || this.fieldOffset >= 0) {
      const line = this.type !== null ? this.typeLine : this.fieldLine;
      const column = this.type !== null ? this.typeColumn : this.fieldColumn;
      const what = this.type ?? this.fieldText.trim();
      this.issues.push({
        code: "idf_unterminated_object",
        text: `The object "${truncate(what)}" starting at line ${line} has no terminating ";": EnergyPlus would not read it.`,
        line,
        column,
      });
      this.type = null;
      this.fields = [];
      this.resetField();
    }
  }

  private advance(): void {
    this.column++;
    this.offset++;
  }

  private resetField(): void {
    this.fieldText = "";
    this.fieldOffset = -1;
  }

  private endField(endsObject: boolean): void {
    const trimmed = this.fieldText.trim();
    const value = trimmed.includes("\n") ? trimmed.replace(/\s*\n\s*/g, " ") : trimmed;
    const started = this.fieldOffset >= 0;
    const line = started ? this.fieldLine : this.line;
    const column = started ? this.fieldColumn : this.column;
    if (this.type === null) {
      if (value === "") {
        this.issues.push({
          code: "idf_syntax",
          text: `A "${endsObject ? ";" : ","}" with no object type before it.`,
          line: this.line,
          column: this.column,
        });
        this.resetField();
        return;
      }
      this.type = value;
      this.typeLine = line;
      this.typeColumn = column;
      this.typeOffset = started ? this.fieldOffset : this.offset;
      this.lastEndedOnLine = null;
    } else {
      const field: ModelField = { value, name: null, line, column };
      this.fields.push(field);
      this.lastEndedOnLine = field;
    }
    this.resetField();
    if (endsObject) {
      const fields = this.fields;
      const type = this.type;
      this.objects.push({
        type,
        name: isNamedType(type) && fields[0] !== undefined ? fields[0].value : null,
        fields,
        line: this.typeLine,
        column: this.typeColumn,
        span: { start: this.typeOffset, end: this.offset + 1 },
      });
      this.type = null;
      this.fields = [];
    }
  }

  private attachNote(): void {
    const note = this.note.trim();
    if (note !== "" && this.lastEndedOnLine) this.lastEndedOnLine.name = note;
    this.note = "";
  }
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
