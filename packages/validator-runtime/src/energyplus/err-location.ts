import type { MessageLocation } from "@validibot/contracts";
import { locate, MODEL_FILE_ROLE, modelPath } from "./findings";
import type { ModelField, ModelObject, ParsedModel } from "./model";

/** What an EnergyPlus message says about where the problem is. */
export interface LocationHint {
  /** An object type or a word for one (`Zone`, `Surface`, `BuildingSurface:Detailed`). */
  type: string | null;
  name: string | null;
  field: string | null;
  /** `IP: IDF line~345` gives a line of the model. */
  line: number | null;
}

const PATTERNS: readonly ((text: string) => LocationHint | null)[] = [
  // epJSON schema errors: <root>[Zone][Zone 1][x_origin] - ...
  (t) => {
    const m = /<root>\[([^\]]+)\]\[([^\]]+)\](?:\[([^\]]+)\])?/.exec(t);
    return m ? { type: m[1] ?? null, name: m[2] ?? null, field: m[3] ?? null, line: null } : null;
  },
  // Duplicate name found for object of type "Zone" named "Zone 1"
  (t) => {
    const m = /object of type "([^"]+)" named "([^"]+)"/i.exec(t);
    return m ? { type: m[1] ?? null, name: m[2] ?? null, field: null, line: null } : null;
  },
  // Object=TYPE, Name=NAME
  (t) => {
    const m =
      /Object\s*=\s*"?([A-Za-z][\w:-]*)"?\s*,\s*Name\s*=\s*"?([^",]+?)"?(?:,|$|\s{2})/i.exec(t);
    return m ? { type: m[1] ?? null, name: (m[2] ?? "").trim(), field: null, line: null } : null;
  },
  // ... in SIZINGPERIOD:DESIGNDAY=CHICAGO ANN CLG .4% CONDNS WB=>MDB
  (t) => {
    const m = /\bin ([A-Z][A-Z0-9]*(?::[A-Z0-9]+)+)\s*=\s*(.+?)\s*$/.exec(t);
    return m ? { type: m[1] ?? null, name: m[2] ?? null, field: null, line: null } : null;
  },
  // GetSurfaceData: Surface="WALL 1", ... / ZoneHVAC:IdealLoadsAirSystem="ZONE 1 IDEAL", ...
  (t) => {
    const m = /([A-Za-z][A-Za-z0-9]*(?::[A-Za-z0-9]+)*)\s*=\s*"([^"]+)"/.exec(t);
    if (!m) return null;
    const field = /invalid ([A-Za-z][A-Za-z0-9 ]*?)(?:=|\s+entered|\s*$)/i.exec(
      t.slice((m.index ?? 0) + m[0].length),
    );
    return {
      type: m[1] ?? null,
      name: m[2] ?? null,
      field: field?.[1]?.trim() ?? null,
      line: null,
    };
  },
  // ... for Zone=ZONE 1 / Surface=WALL 1 (unquoted)
  (t) => {
    const m =
      /\b(Zone|Surface|Construction|Material|Schedule|Space|Fenestration Surface|Window)\s*=\s*([^,;"]+?)\s*(?:[,;]|$)/i.exec(
        t,
      );
    return m ? { type: m[1] ?? null, name: m[2] ?? null, field: null, line: null } : null;
  },
];

/**
 * How much of a message is searched for a location: its first 1,000 characters. EnergyPlus names
 * the object early, and some patterns take time quadratic in the length searched.
 */
const HINT_SCAN_CHARS = 1000;

/** Reads the object type, name, field or model line an EnergyPlus message mentions. */
export function locationHint(message: string): LocationHint | null {
  const text = message.length > HINT_SCAN_CHARS ? message.slice(0, HINT_SCAN_CHARS) : message;
  const ipLine = /IDF line~\s*(\d+)/i.exec(text);
  for (const pattern of PATTERNS) {
    const hint = pattern(text);
    if (hint?.name) return { ...hint, line: ipLine ? Number(ipLine[1]) : null };
  }
  return ipLine ? { type: null, name: null, field: null, line: Number(ipLine[1]) } : null;
}

const TYPE_WORDS: Record<string, string[]> = {
  surface: [
    "buildingsurface:",
    "fenestrationsurface:",
    "wall:",
    "roof",
    "floor:",
    "window",
    "door",
    "shading:",
    "glazeddoor",
  ],
  "fenestration surface": ["fenestrationsurface:", "window", "door", "glazeddoor"],
  window: ["fenestrationsurface:", "window"],
  material: ["material", "windowmaterial:"],
  schedule: ["schedule:"],
};

function typeMatches(objectType: string, hint: string): boolean {
  const t = objectType.toLowerCase();
  const h = hint.toLowerCase();
  if (t === h) return true;
  const words = TYPE_WORDS[h];
  if (words) return words.some((w) => t.startsWith(w));
  return t.startsWith(`${h}:`) || t === h.replace(/\s+/g, "");
}

function findField(object: ModelObject, name: string | null): ModelField | undefined {
  if (!name) return undefined;
  const n = name
    .toLowerCase()
    .replace(/[\s_]+/g, " ")
    .trim();
  return object.fields.find(
    (f) =>
      f.name
        ?.toLowerCase()
        .replace(/[\s_]+/g, " ")
        .trim() === n,
  );
}

/**
 * Turns a hint into a location in the model: the object of that name (and type, when the hint's
 * type word fits it) with its line, or the model line EnergyPlus gave. EnergyPlus upper-cases
 * names, so names are compared ignoring case. Null when nothing in the model matches.
 */
export function resolveHint(
  model: ParsedModel | null,
  hint: LocationHint,
): Partial<MessageLocation> | null {
  if (model && hint.name) {
    const name = hint.name.trim().toLowerCase();
    const named = model.objects.filter(
      (o) => o.name !== null && o.name.trim().toLowerCase() === name,
    );
    const typed = hint.type ? named.filter((o) => typeMatches(o.type, hint.type ?? "")) : [];
    const object = typed[0] ?? (named.length === 1 ? named[0] : undefined);
    if (object) return locate(model.format, object, findField(object, hint.field));
  }
  if (hint.type && hint.name) {
    return {
      file_role: MODEL_FILE_ROLE,
      path: modelPath(model?.format ?? "idf", hint.type, hint.name, hint.field),
      line: hint.line,
      column: null,
    };
  }
  if (hint.line !== null)
    return { file_role: MODEL_FILE_ROLE, path: null, line: hint.line, column: null };
  return null;
}
