import { createReadStream } from "node:fs";
import { extname } from "node:path";
import type { FindingInput } from "../types";
import { epCode } from "./codes";
import { readEpJson } from "./epjson-reader";
import { MODEL_FILE_ROLE } from "./findings";
import { IdfParser } from "./idf-parser";
import type { ModelFormat, ParsedModel } from "./model";

/**
 * How much of a model is read: 64 MiB. Real IDF and epJSON models are a few MB at most; a
 * model is held in memory for the checks, so the bound keeps memory bounded too. Past it the
 * reader stops and reports `energyplus.model_too_large`.
 */
export const DEFAULT_MAX_MODEL_BYTES = 64 * 1024 * 1024;

/** Options of `readModel`. */
export interface ReadModelOptions {
  /** Stop reading past this many bytes. Default: `DEFAULT_MAX_MODEL_BYTES`. */
  maxBytes?: number;
  /** Force a format instead of guessing from the extension and the first character. */
  format?: ModelFormat;
}

/** A model as read, with the findings reading it produced. */
export interface ReadModelResult {
  model: ParsedModel;
  findings: FindingInput[];
  /** Bytes read. */
  bytesRead: number;
}

/** The format a model file name suggests, or null when the extension says nothing. */
export function formatFromName(name: string): ModelFormat | null {
  const ext = extname(name).toLowerCase();
  if (ext === ".idf" || ext === ".imf") return "idf";
  if (ext === ".epjson" || ext === ".json") return "epjson";
  return null;
}

function at(line: number | null, column: number | null, path: string | null = null) {
  return { file_role: MODEL_FILE_ROLE, line, column, path };
}

function lineOfFirst(bytes: Buffer, index: number, carry: { line: number }): number {
  let line = carry.line;
  for (let i = 0; i < index; i++) if (bytes[i] === 10) line++;
  return line;
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  let i = bytes.indexOf(10);
  while (i !== -1) {
    n++;
    i = bytes.indexOf(10, i + 1);
  }
  return n;
}

const REPLACEMENT_BYTES = Buffer.from([0xef, 0xbf, 0xbd]);

/**
 * Reads an IDF or epJSON model from disk in chunks. Binary data (a NUL byte) stops the read with
 * `energyplus.model_binary`; bytes that are not UTF-8 give `energyplus.model_encoding` (and are
 * read as U+FFFD); a file past `maxBytes` gives `energyplus.model_too_large`; a file that cannot
 * be opened gives `energyplus.model_unreadable`. Never throws for a bad model.
 */
export async function readModel(
  path: string,
  options: ReadModelOptions = {},
): Promise<ReadModelResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  const findings: FindingInput[] = [];
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let format: ModelFormat | null = options.format ?? formatFromName(path);
  const idf = new IdfParser();
  const jsonParts: string[] = [];
  let bytesRead = 0;
  let stopped = false;
  let encodingReported = false;
  const lines = { line: 1 };

  const feed = (text: string) => {
    if (text === "") return;
    if (format === null) {
      const trimmed = text.replace(/^[\s\ufeff]+/, "");
      if (trimmed === "") return;
      format = trimmed.startsWith("{") ? "epjson" : "idf";
    }
    if (format === "idf") idf.push(text);
    else jsonParts.push(text);
  };

  try {
    const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let bytes = chunk;
      if (bytesRead + bytes.length > maxBytes) {
        bytes = bytes.subarray(0, Math.max(0, maxBytes - bytesRead));
        stopped = true;
      }
      const nul = bytes.indexOf(0);
      if (nul !== -1) {
        findings.push({
          severity: "ERROR",
          code: epCode("model_binary"),
          text: `The model contains binary data (a NUL byte at byte ${bytesRead + nul}, line ${lineOfFirst(bytes, nul, lines)}); it is not a text model and was not read past that point.`,
          location: at(lineOfFirst(bytes, nul, lines), null),
        });
        feed(decoder.decode(bytes.subarray(0, nul), { stream: true }));
        bytesRead += nul;
        stream.destroy();
        stopped = true;
        return finish(true);
      }
      const text = decoder.decode(bytes, { stream: true });
      if (!encodingReported && text.includes("\ufffd") && !bytes.includes(REPLACEMENT_BYTES)) {
        encodingReported = true;
        const offsetInText = text.indexOf("\ufffd");
        const line = lines.line + (text.slice(0, offsetInText).match(/\n/g)?.length ?? 0);
        findings.push({
          severity: "ERROR",
          code: epCode("model_encoding"),
          text: `The model is not valid UTF-8 (first invalid byte on line ${line}); EnergyPlus would misread it.`,
          location: at(line, null),
        });
      }
      feed(text);
      lines.line += countNewlines(bytes);
      bytesRead += bytes.length;
      if (stopped) {
        stream.destroy();
        findings.push({
          severity: "ERROR",
          code: epCode("model_too_large"),
          text: `The model is larger than ${maxBytes} bytes; only the first ${maxBytes} bytes were read and checked.`,
          location: at(lines.line, null),
        });
        return finish(true);
      }
    }
  } catch (error) {
    findings.push({
      severity: "ERROR",
      code: epCode("model_unreadable"),
      text: `The model could not be read: ${error instanceof Error ? error.message : String(error)}`,
      location: at(null, null),
    });
    return {
      model: {
        format: format ?? "idf",
        objects: [],
        version: null,
        complete: false,
        document: null,
      },
      findings,
      bytesRead,
    };
  }
  feed(decoder.decode());
  return finish(false);

  function finish(truncated: boolean): ReadModelResult {
    if (format === "epjson") {
      if (truncated) {
        return {
          model: { format, objects: [], version: null, complete: false, document: null },
          findings,
          bytesRead,
        };
      }
      const { model, issues } = readEpJson(jsonParts.join(""));
      for (const issue of issues) {
        const isDuplicateName =
          issue.code === "duplicate_key" && (issue.pointer?.split("/").length ?? 0) === 3;
        findings.push({
          severity: issue.code === "duplicate_key" && !isDuplicateName ? "WARNING" : "ERROR",
          code: epCode(
            issue.code === "duplicate_key"
              ? isDuplicateName
                ? "duplicate_name"
                : "epjson_invalid_structure"
              : issue.code,
          ),
          text: issue.text,
          location: at(issue.line, issue.column, issue.pointer),
        });
      }
      return { model, findings, bytesRead };
    }
    if (format === null) {
      findings.push({
        severity: "ERROR",
        code: epCode("model_format_unknown"),
        text: "The model is empty.",
        location: at(null, null),
      });
      return {
        model: { format: "idf", objects: [], version: null, complete: false, document: null },
        findings,
        bytesRead,
      };
    }
    if (!truncated) idf.end();
    for (const issue of idf.issues) {
      findings.push({
        severity: "ERROR",
        code: epCode(issue.code),
        text: issue.text,
        location: at(issue.line, issue.column),
      });
    }
    const versionObject = idf.objects.find((o) => o.type.toLowerCase() === "version");
    const version = versionObject?.fields[0]?.value || null;
    return {
      model: {
        format: "idf",
        objects: idf.objects,
        version,
        complete: !truncated && idf.issues.length === 0,
        document: null,
      },
      findings,
      bytesRead,
    };
  }
}
