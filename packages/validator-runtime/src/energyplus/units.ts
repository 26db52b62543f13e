const ENERGY_TO_KWH: Record<string, number> = {
  gj: 1e9 / 3.6e6,
  mj: 1e6 / 3.6e6,
  kj: 1e3 / 3.6e6,
  j: 1 / 3.6e6,
  wh: 1e-3,
  kwh: 1,
  mwh: 1e3,
  kbtu: 0.29307107017,
  mbtu: 293.07107017,
  mmbtu: 293.07107017,
  btu: 0.00029307107017,
  therm: 29.307107017,
};

const AREA_TO_M2: Record<string, number> = { m2: 1, "m²": 1, ft2: 0.09290304, "ft²": 0.09290304 };

const POWER_TO_W: Record<string, number> = {
  w: 1,
  kw: 1e3,
  mw: 1e6,
  "btu/h": 0.29307107017,
  kbtuh: 293.07107017,
  "kbtu/h": 293.07107017,
};

const norm = (unit: string | null | undefined) => (unit ?? "").trim().toLowerCase();

/** Whether `unit` is an energy unit this module converts (GJ, MJ, kWh, kBtu, J, ...). */
export function isEnergyUnit(unit: string | null | undefined): boolean {
  return norm(unit) in ENERGY_TO_KWH;
}

/** `value` in `unit` as kWh; null for an unknown unit. */
export function toKwh(value: number, unit: string | null | undefined): number | null {
  const f = ENERGY_TO_KWH[norm(unit)];
  return f === undefined ? null : value * f;
}

/** `value` in `unit` (m2 or ft2) as m²; null for an unknown unit. */
export function toM2(value: number, unit: string | null | undefined): number | null {
  const f = AREA_TO_M2[norm(unit)];
  return f === undefined ? null : value * f;
}

/** `value` in `unit` (W, kW, Btu/h, kBtuh) as W; null for an unknown unit. */
export function toWatts(value: number, unit: string | null | undefined): number | null {
  const f = POWER_TO_W[norm(unit)];
  return f === undefined ? null : value * f;
}

/** An energy-per-area value (`MJ/m2`, `kWh/m2`, `kBtu/ft2`) as kWh/m²; null for an unknown unit. */
export function toKwhPerM2(value: number, unit: string | null | undefined): number | null {
  const [energy, area] = norm(unit).split("/");
  const e = toKwh(1, energy);
  const a = toM2(1, area);
  return e === null || a === null ? null : (value * e) / a;
}

/** Parses a tabular value as EnergyPlus writes it (`   123.45`); null when it is not a number. */
export function parseNumber(text: unknown): number | null {
  if (typeof text === "number") return Number.isFinite(text) ? text : null;
  if (typeof text !== "string") return null;
  const t = text.trim();
  if (t === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  return Number(t);
}
