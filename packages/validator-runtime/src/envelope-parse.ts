import {
  type AnyInputEnvelope,
  describeZodIssues,
  EnergyPlusInputEnvelope,
  FMUInputEnvelope,
  InputFileItem,
  ResourceFileItem,
  ValidationInputEnvelope,
  ValidibotError,
} from "@validibot/contracts";
import { z } from "zod";

/** An input envelope as the runtime parsed it. */
export interface ParsedInputEnvelope {
  envelope: AnyInputEnvelope;
  /**
   * Files whose `name` breaks rule 1 (safe leaf names). The envelope still parsed, with those
   * names taken as plain strings, so the runtime can answer the attempt `failed_runtime` with a
   * clear finding instead of leaving the host to time out; staging refuses these files.
   */
  unsafeNames: string[];
}

const lenientFiles = {
  input_files: z.array(InputFileItem.extend({ name: z.string() })).default([]),
  resource_files: z.array(ResourceFileItem.extend({ name: z.string() })).default([]),
};

function schemasFor(type: string) {
  if (type === "ENERGYPLUS") {
    return {
      strict: EnergyPlusInputEnvelope,
      lenient: EnergyPlusInputEnvelope.extend(lenientFiles),
    };
  }
  if (type === "FMU") {
    return { strict: FMUInputEnvelope, lenient: FMUInputEnvelope.extend(lenientFiles) };
  }
  return {
    strict: ValidationInputEnvelope,
    lenient: ValidationInputEnvelope.extend(lenientFiles),
  };
}

function validatorTypeOf(raw: unknown): string {
  const type = (raw as { validator?: { type?: unknown } } | null)?.validator?.type;
  return typeof type === "string" ? type : "";
}

/**
 * Parses a stored input envelope with the typed variant its `validator.type` selects, defaults
 * filled, exactly as the host hashed it (rule 4). Throws `envelope_invalid` when it does not
 * conform; the only leniency is for unsafe file names (see `unsafeNames`).
 */
export function parseEnvelopeForRuntime(raw: unknown): ParsedInputEnvelope {
  const { strict, lenient } = schemasFor(validatorTypeOf(raw));
  const parsed = strict.safeParse(raw);
  if (parsed.success) return { envelope: parsed.data, unsafeNames: [] };
  const relaxed = lenient.safeParse(raw);
  const nameIssuesOnly = parsed.error.issues.every(
    (issue) =>
      (issue.path[0] === "input_files" || issue.path[0] === "resource_files") &&
      issue.path[2] === "name" &&
      issue.path.length === 3,
  );
  if (relaxed.success && nameIssuesOnly) {
    const envelope = relaxed.data as AnyInputEnvelope;
    const unsafeNames = parsed.error.issues.map((issue) => {
      const list = issue.path[0] === "input_files" ? envelope.input_files : envelope.resource_files;
      return list[issue.path[1] as number]?.name ?? "";
    });
    return { envelope, unsafeNames };
  }
  throw new ValidibotError(
    "envelope_invalid",
    `input.json is not a valid input envelope: ${describeZodIssues(parsed.error)}`,
    { details: { issues: parsed.error.issues.slice(0, 20) } },
  );
}
