import { epCode, REVIEW_TAG } from "./codes";
import { type FindingSink, fieldLabel, locate } from "./findings";
import { hasTypePrefix, type ModelField, type ModelObject, type ParsedModel } from "./model";

const HVAC_PREFIXES = [
  "zonehvac:",
  "airloophvac",
  "airterminal:",
  "coil:",
  "fan:",
  "plantloop",
  "condenserloop",
  "boiler:",
  "chiller:",
  "pump:",
  "coolingtower:",
  "hvactemplate:",
];

function isHvac(object: ModelObject): boolean {
  const t = object.type.toLowerCase();
  return HVAC_PREFIXES.some((p) => t.startsWith(p));
}

/**
 * `hvac-sizing`: HVAC equipment with `Autosize` fields needs design days (`SizingPeriod:*`) to
 * size from, and zone or system sizing objects (`Sizing:Zone`, `Sizing:System`) to say how.
 * Each gap is a review `WARNING` that points at the first autosized field.
 */
export function checkHvacSizing(model: ParsedModel, sink: FindingSink): void {
  let first: { object: ModelObject; field: ModelField } | null = null;
  let count = 0;
  for (const object of model.objects) {
    if (!isHvac(object)) continue;
    for (const field of object.fields) {
      if (field.value.toLowerCase() === "autosize") {
        count++;
        first ??= { object, field };
      }
    }
  }
  if (!first) return;
  const where = `${first.object.type}${first.object.name ? ` "${first.object.name}"` : ""} ${fieldLabel(first.object, first.field)}`;
  if (!hasTypePrefix(model, "SizingPeriod:")) {
    sink.finding({
      severity: "WARNING",
      code: epCode("hvac_sizing_missing"),
      text: `${count} HVAC field(s) are autosized (first: ${where}) but the model has no SizingPeriod:* design days to size them from.`,
      location: locate(model.format, first.object, first.field),
      tags: [REVIEW_TAG],
    });
  }
  if (!hasTypePrefix(model, "Sizing:Zone") && !hasTypePrefix(model, "Sizing:System")) {
    sink.finding({
      severity: "WARNING",
      code: epCode("hvac_sizing_missing"),
      text: `${count} HVAC field(s) are autosized (first: ${where}) but the model has no Sizing:Zone or Sizing:System object.`,
      location: locate(model.format, first.object, first.field),
      tags: [REVIEW_TAG],
    });
  }
}
