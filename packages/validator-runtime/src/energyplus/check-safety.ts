import { epCode } from "./codes";
import { type FindingSink, fieldLabel, locate } from "./findings";
import type { ModelField, ModelObject, ParsedModel } from "./model";

const UNSAFE_PREFIXES: readonly { prefix: string; why: string }[] = [
  { prefix: "pythonplugin:", why: "runs Python code inside the simulation" },
  { prefix: "externalinterface", why: "loads FMU libraries or opens sockets to outside programs" },
  {
    prefix: "energymanagementsystem:",
    why: "runs EMS (Erl) programs that change the simulation at run time",
  },
];

/** Why a file path in a `Schedule:File` is refused, or null when it stays inside the run folder. */
export function unsafePathReason(path: string): string | null {
  const p = path.trim();
  if (p === "") return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return "a remote URL";
  if (p.startsWith("\\\\")) return "a network (UNC) path";
  if (p.startsWith("/") || p.startsWith("\\") || /^[a-z]:/i.test(p)) return "an absolute path";
  if (p.split(/[\\/]+/).includes("..")) return "a path that climbs out of the run folder (`..`)";
  if (p.startsWith("~")) return "a path in a home folder";
  return null;
}

function fileNameField(object: ModelObject): ModelField | undefined {
  const named = object.fields.find((f) => f.name !== null && /file[ _]?name$/i.test(f.name));
  if (named) return named;
  // Without notes: `Schedule:File` is Name, Schedule Type Limits Name, File Name, ...;
  // `Schedule:File:Shading` starts with File Name.
  return object.type.toLowerCase() === "schedule:file:shading"
    ? object.fields[0]
    : object.fields[2];
}

/**
 * The safety scan: object types that run code, load libraries or open sockets
 * (`PythonPlugin:*`, `ExternalInterface*`, `EnergyManagementSystem:*`) are refused, and so is a
 * `Schedule:File` (or `Schedule:File:Shading`) that reads an absolute, remote or `..` path.
 * Every finding is an `ERROR`. Returns the number of refused objects.
 */
export function checkSafety(model: ParsedModel, sink: FindingSink): number {
  let refused = 0;
  for (const object of model.objects) {
    const type = object.type.toLowerCase();
    const unsafe = UNSAFE_PREFIXES.find((u) => type.startsWith(u.prefix));
    if (unsafe) {
      refused++;
      sink.finding({
        severity: "ERROR",
        code: epCode("unsafe_object"),
        text: `${object.type}${object.name ? ` "${object.name}"` : ""} is refused: it ${unsafe.why}, which a validation run does not allow.`,
        location: locate(model.format, object),
      });
      continue;
    }
    if (type === "schedule:file" || type === "schedule:file:shading") {
      const field = fileNameField(object);
      const reason = field ? unsafePathReason(field.value) : null;
      if (field && reason) {
        refused++;
        sink.finding({
          severity: "ERROR",
          code: epCode("unsafe_schedule_file"),
          text: `${object.type}${object.name ? ` "${object.name}"` : ""} reads ${reason} ("${field.value}") in ${fieldLabel(object, field)}; only files beside the model are allowed.`,
          location: locate(model.format, object, field),
        });
      }
    }
  }
  return refused;
}
