/** The version an EnergyPlus binary reports: `24.1.0` and its build `9d7789a3ac`. */
export interface BinaryVersion {
  version: string;
  build: string | null;
}

/**
 * Reads the output of `energyplus --version`, e.g. `EnergyPlus, Version 24.1.0-9d7789a3ac,
 * YMD=2024.03.29 13:16`. Returns null when no version is in it.
 */
export function parseVersionOutput(text: string): BinaryVersion | null {
  const m =
    /EnergyPlus,?\s*Version\s+(\d+\.\d+(?:\.\d+)?)(?:-([0-9A-Za-z]+))?/i.exec(text) ??
    /\b(\d+\.\d+\.\d+)(?:-([0-9A-Za-z]+))?/.exec(text);
  if (!m?.[1]) return null;
  return { version: m[1], build: m[2] ?? null };
}

/** `major.minor` of a version string (`24.1.0` -> `24.1`, `9.6` -> `9.6`), or null. */
export function majorMinor(version: string | null | undefined): string | null {
  if (!version) return null;
  const m = /(\d+)\.(\d+)/.exec(version);
  return m ? `${Number(m[1])}.${Number(m[2])}` : null;
}

/** Whether two versions agree on major.minor; null when either is unknown. */
export function versionsMatch(
  a: string | null | undefined,
  b: string | null | undefined,
): boolean | null {
  const x = majorMinor(a);
  const y = majorMinor(b);
  if (x === null || y === null) return null;
  return x === y;
}

/** Reads `!IDD_Version 24.1.0` and `!IDD_BUILD 9d7789a3ac` from the head of an `Energy+.idd`. */
export function parseIddHeader(text: string): { version: string | null; build: string | null } {
  const version = /^\s*!IDD_Version\s+([^\s!]+)/im.exec(text)?.[1] ?? null;
  const build = /^\s*!IDD_BUILD\s+([^\s!]+)/im.exec(text)?.[1] ?? null;
  return { version, build };
}
