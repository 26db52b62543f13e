import type { MessageLocation } from "@validibot/contracts";
import type { FindingInput } from "../types";
import type { ModelField, ModelFormat, ModelObject } from "./model";

/** Where findings go: a validator context satisfies it, and so does a plain array collector. */
export interface FindingSink {
  finding(finding: FindingInput): void;
}

/** `file_role` of every finding that points into the model. */
export const MODEL_FILE_ROLE = "primary-model";

/** A sink that keeps findings in an array, for use outside the runtime (tests, the core API). */
export function collectFindings(): FindingSink & { findings: FindingInput[] } {
  const findings: FindingInput[] = [];
  return { findings, finding: (f) => findings.push(f) };
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * The `path` of an object or field: `ObjectType/ObjectName/FieldName` for IDF (the name left out
 * for unnamed types), a JSON pointer `/ObjectType/ObjectName/field` for epJSON.
 */
export function modelPath(
  format: ModelFormat,
  type: string,
  name: string | null,
  fieldName?: string | null,
): string {
  if (format === "epjson") {
    const parts = [type, ...(name === null ? [] : [name]), ...(fieldName ? [fieldName] : [])];
    return `/${parts.map(escapePointer).join("/")}`;
  }
  return [type, ...(name === null ? [] : [name]), ...(fieldName ? [fieldName] : [])].join("/");
}

/** The display name of a field: its note or key, else `Field N` (1-based, after the type). */
export function fieldLabel(object: ModelObject, field: ModelField): string {
  if (field.name) return field.name;
  return `Field ${object.fields.indexOf(field) + 1}`;
}

/** The location of an object, or of one of its fields, in the model. */
export function locate(
  format: ModelFormat,
  object: ModelObject,
  field?: ModelField,
): Partial<MessageLocation> {
  return {
    file_role: MODEL_FILE_ROLE,
    path: modelPath(format, object.type, object.name, field ? fieldLabel(object, field) : null),
    line: field?.line ?? object.line,
    column: field?.column ?? object.column,
  };
}
