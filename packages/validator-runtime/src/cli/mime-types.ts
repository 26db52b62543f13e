import { open } from "node:fs/promises";
import { extname } from "node:path";
import { SupportedMimeType } from "@validibot/contracts";
import { ExitCode } from "../exit-codes";
import { CliError } from "./cli-error";

const BY_EXTENSION: Record<string, SupportedMimeType> = {
  ".idf": "application/vnd.energyplus.idf",
  ".epjson": "application/vnd.energyplus.epjson",
  ".epw": "application/vnd.energyplus.epw",
  ".fmu": "application/vnd.fmi.fmu",
  ".json": "application/json",
  ".xml": "application/xml",
  ".zip": "application/zip",
  ".pdf": "application/pdf",
  ".ttl": "text/turtle",
  ".rdf": "application/rdf+xml",
  ".jsonld": "application/ld+json",
  ".nt": "application/n-triples",
  ".nq": "application/n-quads",
  ".xls": "application/vnd.ms-excel",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".step": "model/step",
  ".stp": "model/step",
  ".p21": "application/p21",
};

/**
 * The MIME type an input file is declared with: by extension, else by its first bytes (a ZIP
 * archive, JSON, XML). The contract accepts only `SupportedMimeType`s, so anything else is a
 * `CliError` asking for an explicit `:<mime>`.
 */
export async function mimeTypeOf(path: string): Promise<SupportedMimeType> {
  const known = BY_EXTENSION[extname(path).toLowerCase()];
  if (known !== undefined) return known;
  const handle = await open(path, "r");
  const head = Buffer.alloc(64);
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return "application/zip";
  const first = head.toString("utf8").trimStart()[0];
  if (first === "{" || first === "[") return "application/json";
  if (first === "<") return "application/xml";
  throw new CliError(
    `cannot tell the MIME type of ${path}; give it as --file <port>=<path>:<mime>, one of: ${SupportedMimeType.options.join(", ")}`,
    ExitCode.usage,
  );
}
