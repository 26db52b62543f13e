import { epCode } from "./codes";
import { type FindingSink, fieldLabel, locate } from "./findings";
import type { ParsedModel } from "./model";

/** Whether a field's note (IDF) or key (epJSON) says it holds a schedule's name. */
export function isScheduleReference(fieldName: string | null): boolean {
  if (!fieldName) return false;
  return /schedule[ _]name$/i.test(fieldName.trim());
}

/**
 * `schedule-coverage`: every field whose note or key names a schedule (`... Schedule Name`,
 * `..._schedule_name`) must name a schedule the model defines (`Schedule:Compact`,
 * `Schedule:Constant`, `Schedule:Year`, `Schedule:File`, ...), compared ignoring case.
 * Each undefined reference is an `ERROR` at the field. IDF fields without a `!-` note cannot be
 * recognised and are skipped.
 */
export function checkScheduleCoverage(model: ParsedModel, sink: FindingSink): void {
  const defined = new Set<string>();
  for (const object of model.objects) {
    if (object.type.toLowerCase().startsWith("schedule:") && object.name) {
      defined.add(object.name.trim().toLowerCase());
    }
  }
  for (const object of model.objects) {
    for (const field of object.fields) {
      if (!isScheduleReference(field.name) || field.value === "") continue;
      if (defined.has(field.value.toLowerCase())) continue;
      sink.finding({
        severity: "ERROR",
        code: epCode("schedule_undefined"),
        text: `${object.type}${object.name ? ` "${object.name}"` : ""} ${fieldLabel(object, field)} names the schedule "${field.value}", which the model does not define.`,
        location: locate(model.format, object, field),
      });
    }
  }
}
