import {
  describeZodIssues,
  EnergyPlusInputs,
  FMUInputs,
  SupportedMimeType,
  ValidibotError,
} from "@validibot/contracts";
import { z } from "zod";
import type { FilePortDefinition, ValidatorDefinition } from "../validators";
import { checkDisplayName, storedLeafName } from "./file-names";
import { mimeTypeForName } from "./mime";
import type { SubmitFile } from "./request";

/** A submitted file matched to its port, with its MIME type settled. */
export interface CheckedFile {
  file: SubmitFile;
  port: FilePortDefinition;
  mime_type: string;
  /**
   * The leaf of its storage key and its name in the input envelope, derived from `file.name`
   * (see `storedLeafName`); `file.name` itself is kept only as the run's display name.
   */
  stored_name: string;
}

/** Names the bundle itself uses; a submitted file cannot take them. */
const RESERVED_NAMES = new Set(["input.json", "output.json", "outputs"]);

const AnyInputs = z.record(z.string(), z.unknown());

/** The schema of a validator's inputs: its own, or the contract's typed inputs. */
export function inputsSchemaOf(validator: ValidatorDefinition) {
  if (validator.inputs) return validator.inputs;
  if (validator.type === "ENERGYPLUS") return EnergyPlusInputs;
  if (validator.type === "FMU") return FMUInputs;
  return AnyInputs;
}

/** Parses the request's inputs with the validator's schema; `inputs_invalid` on failure. */
export function checkInputs(
  validator: ValidatorDefinition,
  inputs: unknown,
): Record<string, unknown> {
  const result = inputsSchemaOf(validator).safeParse(inputs ?? {});
  if (!result.success) {
    throw new ValidibotError(
      "inputs_invalid",
      `inputs do not fit ${validator.id}: ${describeZodIssues(result.error, Number.POSITIVE_INFINITY)}`,
    );
  }
  return result.data;
}

function settleMimeType(file: SubmitFile, port: FilePortDefinition): string {
  const mime = file.mime_type ?? mimeTypeForName(file.name) ?? port.mime_types[0];
  const extensionOk =
    !port.extensions?.length ||
    port.extensions.some((ext) => file.name.toLowerCase().endsWith(ext.toLowerCase()));
  const mimeOk =
    mime !== undefined && (port.mime_types.length === 0 || port.mime_types.includes(mime));
  if (!mime || !mimeOk || !extensionOk) {
    throw new ValidibotError(
      "file_type_unsupported",
      `${file.name} (${file.mime_type ?? "type not given"}) is not accepted by port ${port.port_key}; expected ${[...port.mime_types, ...(port.extensions ?? [])].join(", ")}`,
    );
  }
  if (!port.resource && !SupportedMimeType.safeParse(mime).success) {
    throw new ValidibotError(
      "file_type_unsupported",
      `${mime} is not a MIME type the contract supports`,
    );
  }
  return mime;
}

/**
 * Checks a request's files one at a time, as they arrive: every file to a known port, one per
 * port, names safe and distinct, types accepted; `finish()` then checks every required port was
 * filled. What `checkFiles` does for a list, for files streamed from an upload.
 */
export class FileChecker {
  readonly #validator: ValidatorDefinition;
  readonly #ports: Map<string, FilePortDefinition>;
  readonly #seen = new Set<string>();
  readonly #names = new Set<string>();
  readonly #storedNames = new Set<string>();

  constructor(validator: ValidatorDefinition) {
    this.#validator = validator;
    this.#ports = new Map(validator.file_ports.map((port) => [port.port_key, port]));
  }

  /** Checks one more file; throws `file_unexpected`, `file_unsafe_name`, `file_type_unsupported`, `invalid_request`. */
  check(file: SubmitFile): CheckedFile {
    const port = this.#ports.get(file.port_key);
    if (!port) {
      throw new ValidibotError(
        "file_unexpected",
        `${this.#validator.id} has no file port ${JSON.stringify(file.port_key)}; its ports are ${[...this.#ports.keys()].join(", ") || "none"}`,
      );
    }
    if (this.#seen.has(file.port_key)) {
      throw new ValidibotError("invalid_request", `more than one file for port ${file.port_key}`);
    }
    this.#seen.add(file.port_key);
    checkDisplayName(file.name);
    if (RESERVED_NAMES.has(file.name.toLowerCase())) {
      throw new ValidibotError(
        "invalid_request",
        `${file.name} is a name the bundle reserves; rename the file`,
      );
    }
    if (this.#names.has(file.name)) {
      throw new ValidibotError(
        "invalid_request",
        `two files are named ${file.name}; names must differ`,
      );
    }
    this.#names.add(file.name);
    const mime_type = settleMimeType(file, port);
    return { file, port, mime_type, stored_name: storedLeafName(file.name, this.#storedNames) };
  }

  /** Throws `file_missing` when a required port got no file. */
  finish(): void {
    for (const port of this.#validator.file_ports) {
      if (port.required !== false && !this.#seen.has(port.port_key)) {
        throw new ValidibotError(
          "file_missing",
          `${this.#validator.id} needs a file for port ${port.port_key}`,
        );
      }
    }
  }
}

/**
 * Matches a list of files to the validator's ports: every file to a known port, one per
 * port, every required port filled, names safe, types accepted.
 */
export function checkFiles(
  validator: ValidatorDefinition,
  files: readonly SubmitFile[],
): CheckedFile[] {
  const checker = new FileChecker(validator);
  const checked = files.map((file) => checker.check(file));
  checker.finish();
  return checked;
}
