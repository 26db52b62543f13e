import { epCode } from "./codes";
import { type FindingSink, locate } from "./findings";
import type { ModelObject, ParsedModel } from "./model";

/**
 * `duplicate-names`: two objects of one type with the same name, compared case-insensitively
 * as EnergyPlus does (`Zone 1` and `ZONE 1` collide). Each later duplicate is an `ERROR` that
 * points at itself and names the line of the first.
 */
export function checkDuplicateNames(model: ParsedModel, sink: FindingSink): void {
  const seen = new Map<string, ModelObject>();
  for (const object of model.objects) {
    if (object.name === null || object.name.trim() === "") continue;
    const key = `${object.type.toLowerCase()}\u0000${object.name.trim().toLowerCase()}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, object);
      continue;
    }
    sink.finding({
      severity: "ERROR",
      code: epCode("duplicate_name"),
      text: `${object.type} "${object.name}" has the same name as the ${object.type} "${first.name}"${first.line !== null ? ` on line ${first.line}` : ""} (names are compared ignoring case); EnergyPlus would reject or overwrite one of them.`,
      location: locate(model.format, object, model.format === "idf" ? object.fields[0] : undefined),
    });
  }
}
