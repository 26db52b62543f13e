import type { DatabaseSync } from "node:sqlite";
import type { EnergyPlusSimulationMetrics } from "@validibot/contracts";
import type { MetricInput } from "../types";
import { isEnergyUnit, parseNumber, toKwh, toKwhPerM2, toM2, toWatts } from "./units";

/** One row of the `TabularDataWithStrings` view. */
interface TabularRow {
  ReportName: string;
  TableName: string;
  RowName: string;
  ColumnName: string;
  Units: string;
  Value: string;
}

const ABUPS = "AnnualBuildingUtilityPerformanceSummary";
/** Reporting frequencies, best first: one is chosen per variable so values are not counted twice. */
const FREQUENCIES = [
  "Run Period",
  "Annual",
  "Monthly",
  "Daily",
  "Hourly",
  "Zone Timestep",
  "HVAC System Timestep",
  "Detailed",
];
const DEMAND = "DemandEndUseComponentsSummary";
const GAINS = "SensibleHeatGainSummary";

/** The typed metric keys, with the unit and category they get in the generic metrics list. */
const METRIC_META: Record<keyof EnergyPlusSimulationMetrics, { unit: string; category: string }> = {
  site_eui_kwh_m2: { unit: "kWh/m2", category: "site_energy" },
  site_electricity_kwh: { unit: "kWh", category: "site_energy" },
  site_natural_gas_kwh: { unit: "kWh", category: "site_energy" },
  site_district_cooling_kwh: { unit: "kWh", category: "site_energy" },
  site_district_heating_kwh: { unit: "kWh", category: "site_energy" },
  site_other_fuels_kwh: { unit: "kWh", category: "site_energy" },
  heating_energy_kwh: { unit: "kWh", category: "end_use" },
  cooling_energy_kwh: { unit: "kWh", category: "end_use" },
  interior_lighting_kwh: { unit: "kWh", category: "end_use" },
  fans_energy_kwh: { unit: "kWh", category: "end_use" },
  pumps_energy_kwh: { unit: "kWh", category: "end_use" },
  water_systems_kwh: { unit: "kWh", category: "end_use" },
  window_heat_gain_kwh: { unit: "kWh", category: "envelope" },
  window_heat_loss_kwh: { unit: "kWh", category: "envelope" },
  window_transmitted_solar_kwh: { unit: "kWh", category: "envelope" },
  peak_electric_demand_w: { unit: "W", category: "demand" },
  unmet_heating_hours: { unit: "h", category: "comfort" },
  unmet_cooling_hours: { unit: "h", category: "comfort" },
  simulated_conditioned_area_m2: { unit: "m2", category: "area" },
};

/** An empty metrics object: every value null. */
export function emptyMetrics(): EnergyPlusSimulationMetrics {
  return Object.fromEntries(
    Object.keys(METRIC_META).map((k) => [k, null]),
  ) as unknown as EnergyPlusSimulationMetrics;
}

/** The typed metrics as the generic metrics list: every known value, with its unit and category. */
export function metricsList(metrics: EnergyPlusSimulationMetrics): MetricInput[] {
  const list: MetricInput[] = [];
  for (const [key, meta] of Object.entries(METRIC_META)) {
    const value = metrics[key as keyof EnergyPlusSimulationMetrics];
    if (value === null || value === undefined) continue;
    list.push({
      name: key,
      value: Math.round(value * 1000) / 1000,
      unit: meta.unit,
      category: meta.category,
      tags: ["energyplus"],
    });
  }
  return list;
}

class Tables {
  private readonly rows = new Map<string, TabularRow[]>();

  constructor(rows: TabularRow[]) {
    for (const row of rows) {
      const key = `${row.ReportName}\u0000${row.TableName}\u0000${row.RowName}`;
      const list = this.rows.get(key);
      if (list) list.push(row);
      else this.rows.set(key, [row]);
    }
  }

  row(report: string, table: string, row: string): TabularRow[] {
    return this.rows.get(`${report}\u0000${table}\u0000${row}`) ?? [];
  }

  cell(report: string, table: string, row: string, column: string): TabularRow | undefined {
    return this.row(report, table, row).find((r) => r.ColumnName === column);
  }

  /** One energy cell as kWh. */
  kwh(report: string, table: string, row: string, column: string): number | null {
    const cell = this.cell(report, table, row, column);
    const value = parseNumber(cell?.Value);
    return cell && value !== null ? toKwh(value, cell.Units) : null;
  }

  /** The sum of every energy column of a row as kWh (water and other non-energy columns left out), or null when the row has none. */
  rowKwh(
    report: string,
    table: string,
    row: string,
    exclude: readonly string[] = [],
  ): number | null {
    let total: number | null = null;
    for (const cell of this.row(report, table, row)) {
      if (exclude.includes(cell.ColumnName) || !isEnergyUnit(cell.Units)) continue;
      const value = parseNumber(cell.Value);
      const kwh = value === null ? null : toKwh(value, cell.Units);
      if (kwh !== null) total = (total ?? 0) + kwh;
    }
    return total;
  }
}

function sumOrNull(...values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

const WINDOW_VARIABLES = [
  "Surface Window Heat Gain Energy",
  "Surface Window Heat Loss Energy",
  "Surface Window Transmitted Solar Radiation Energy",
];

/**
 * The window output variables the model asked for (`Output:Variable`), summed over every surface
 * at one reporting frequency (the coarsest present) and converted to kWh. Empty when the SQLite
 * output has no time series tables.
 */
function outputVariableSums(db: DatabaseSync): Map<string, number> {
  const sums = new Map<string, number>();
  const hasTables = db
    .prepare(
      "SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('ReportDataDictionary', 'ReportData')",
    )
    .get() as { n: number } | undefined;
  if (!hasTables || hasTables.n < 2) return sums;
  const frequencies = db.prepare(
    "SELECT DISTINCT ReportingFrequency AS f, Units AS u FROM ReportDataDictionary WHERE Name = ? AND IsMeter = 0",
  );
  const total = db.prepare(
    `SELECT SUM(rd.Value) AS total FROM ReportData rd JOIN ReportDataDictionary rdd
       ON rd.ReportDataDictionaryIndex = rdd.ReportDataDictionaryIndex
     WHERE rdd.Name = ? AND rdd.ReportingFrequency = ? AND rdd.IsMeter = 0`,
  );
  for (const name of WINDOW_VARIABLES) {
    const present = frequencies.all(name) as { f: string; u: string }[];
    const chosen =
      FREQUENCIES.map((f) => present.find((p) => p.f === f)).find((p) => p !== undefined) ??
      present[0];
    if (!chosen) continue;
    const value = (total.get(name, chosen.f) as { total: number | null } | undefined)?.total;
    const kwh = value === null || value === undefined ? null : toKwh(value, chosen.u);
    if (kwh !== null) sums.set(name, Math.abs(kwh));
  }
  return sums;
}

/**
 * Reads the headline results from an `eplusout.sql` (opened read-only with `node:sqlite`) via
 * the `TabularDataWithStrings` view of EnergyPlus's schema, for the `Entire Facility`:
 * site energy by fuel and EUI (Annual Building Utility Performance Summary), end uses,
 * unmet hours, conditioned area, peak electric demand (Demand End Use Components Summary),
 * window heat gain and loss (Sensible Heat Gain Summary, else the window output variables), and
 * window transmitted solar (output variables, when the model asks for them). Energy is converted to kWh from
 * whatever unit the table uses (GJ, MJ, kWh, kBtu). A value the tables lack stays null.
 * Throws when the file is not an EnergyPlus SQLite output.
 */
export async function readSqlMetrics(path: string): Promise<EnergyPlusSimulationMetrics> {
  // Loaded on use: node:sqlite is needed only once a simulation has run.
  const sqlite = await import("node:sqlite");
  const db = new sqlite.DatabaseSync(path, { readOnly: true });
  let rows: TabularRow[];
  let variableKwh: (name: string) => number | null = () => null;
  try {
    rows = db
      .prepare(
        `SELECT ReportName, TableName, RowName, ColumnName, Units, Value FROM TabularDataWithStrings
         WHERE ReportForString = 'Entire Facility' AND ReportName IN (?, ?, ?)`,
      )
      .all(ABUPS, DEMAND, GAINS) as unknown as TabularRow[];
    const sums = outputVariableSums(db);
    variableKwh = (name) => sums.get(name) ?? null;
  } finally {
    db.close();
  }
  const t = new Tables(rows);
  const m = emptyMetrics();

  const fuel = (column: string) => t.kwh(ABUPS, "End Uses", "Total End Uses", column);
  m.site_electricity_kwh = fuel("Electricity");
  m.site_natural_gas_kwh = fuel("Natural Gas");
  m.site_district_cooling_kwh = fuel("District Cooling");
  // Newer versions split district heating into water and steam; older ones have one column.
  m.site_district_heating_kwh =
    sumOrNull(fuel("District Heating Water"), fuel("District Heating Steam")) ??
    fuel("District Heating");
  const named = [
    "Electricity",
    "Natural Gas",
    "District Cooling",
    "District Heating Water",
    "District Heating Steam",
    "District Heating",
  ];
  const hasTotalRow = t.row(ABUPS, "End Uses", "Total End Uses").length > 0;
  m.site_other_fuels_kwh = hasTotalRow
    ? (t.rowKwh(ABUPS, "End Uses", "Total End Uses", named) ?? 0)
    : null;

  const endUse = (row: string) => t.rowKwh(ABUPS, "End Uses", row);
  m.heating_energy_kwh = endUse("Heating");
  m.cooling_energy_kwh = endUse("Cooling");
  m.interior_lighting_kwh = endUse("Interior Lighting");
  m.fans_energy_kwh = endUse("Fans");
  m.pumps_energy_kwh = endUse("Pumps");
  m.water_systems_kwh = endUse("Water Systems");

  const area = (row: string) => {
    const cell = t.cell(ABUPS, "Building Area", row, "Area");
    const v = parseNumber(cell?.Value);
    return cell && v !== null ? toM2(v, cell.Units) : null;
  };
  m.simulated_conditioned_area_m2 = area("Net Conditioned Building Area");

  const euiCell = t.cell(
    ABUPS,
    "Site and Source Energy",
    "Total Site Energy",
    "Energy Per Total Building Area",
  );
  const euiValue = parseNumber(euiCell?.Value);
  const totalSite = t.kwh(ABUPS, "Site and Source Energy", "Total Site Energy", "Total Energy");
  const totalArea = area("Total Building Area");
  m.site_eui_kwh_m2 =
    euiCell && euiValue !== null
      ? toKwhPerM2(euiValue, euiCell.Units)
      : totalSite !== null && totalArea
        ? totalSite / totalArea
        : null;

  const hours = (row: string) => {
    const v = parseNumber(
      t.cell(ABUPS, "Comfort and Setpoint Not Met Summary", row, "Facility")?.Value,
    );
    return v;
  };
  m.unmet_heating_hours = hours("Time Setpoint Not Met During Occupied Heating");
  m.unmet_cooling_hours = hours("Time Setpoint Not Met During Occupied Cooling");

  const peak = t.cell(DEMAND, "End Uses", "Total End Uses", "Electricity");
  const peakValue = parseNumber(peak?.Value);
  m.peak_electric_demand_w = peak && peakValue !== null ? toWatts(peakValue, peak.Units) : null;

  const gains = "Annual Building Sensible Heat Gain Components";
  const gain = t.kwh(GAINS, gains, "Total Facility", "Window Heat Addition");
  const loss = t.kwh(GAINS, gains, "Total Facility", "Window Heat Removal");
  m.window_heat_gain_kwh =
    gain === null ? variableKwh("Surface Window Heat Gain Energy") : Math.abs(gain);
  m.window_heat_loss_kwh =
    loss === null ? variableKwh("Surface Window Heat Loss Energy") : Math.abs(loss);
  m.window_transmitted_solar_kwh = variableKwh("Surface Window Transmitted Solar Radiation Energy");

  for (const key of Object.keys(m) as (keyof EnergyPlusSimulationMetrics)[]) {
    const v = m[key];
    // The contract allows no negative values; a negative total is a sign convention, not data.
    if (v !== null && v < 0) m[key] = Math.abs(v);
  }
  return m;
}
