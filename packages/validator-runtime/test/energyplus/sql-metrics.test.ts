import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  emptyMetrics,
  metricsList,
  readSqlMetrics,
  toKwh,
} from "@validibot/validator-runtime/energyplus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeEplusoutSql } from "./fixtures/stand-in/eplusout-sql.mjs";
import { tempDir } from "./helpers";

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  ({ dir, remove } = await tempDir());
});
afterAll(() => remove());

describe("readSqlMetrics", () => {
  it("reads the same kWh, m2 and W from tables in SI (GJ, m2) and in IP (kBtu, ft2) units", async () => {
    writeEplusoutSql(join(dir, "si.sql"), { units: "si" });
    writeEplusoutSql(join(dir, "ip.sql"), { units: "ip" });
    const si = await readSqlMetrics(join(dir, "si.sql"));
    const ip = await readSqlMetrics(join(dir, "ip.sql"));
    expect(si.site_electricity_kwh).toBeCloseTo(54.2 * (1e9 / 3.6e6), 1);
    for (const key of Object.keys(si) as (keyof typeof si)[]) {
      const a = si[key];
      const b = ip[key];
      if (a === null) expect(b).toBeNull();
      // The tables hold two decimals, so IP values round differently: agree within 0.1%.
      else expect(Math.abs((b ?? 0) - a)).toBeLessThanOrEqual(Math.max(0.01, Math.abs(a) * 1e-3));
    }
  });

  it("leaves out what the tables lack, and rejects a file that is not an EnergyPlus output", async () => {
    const partial = join(dir, "partial.sql");
    const db = new DatabaseSync(partial);
    db.exec(`CREATE TABLE t (ReportName, ReportForString, TableName, RowName, ColumnName, Units, Value);
      CREATE VIEW TabularDataWithStrings AS SELECT * FROM t;
      INSERT INTO t VALUES ('AnnualBuildingUtilityPerformanceSummary', 'Entire Facility', 'Building Area', 'Net Conditioned Building Area', 'Area', 'm2', '  250.00');
      INSERT INTO t VALUES ('AnnualBuildingUtilityPerformanceSummary', 'Entire Facility', 'Comfort and Setpoint Not Met Summary', 'Time Setpoint Not Met During Occupied Heating', 'Facility', 'Hours', '   n/a');`);
    db.close();
    const m = await readSqlMetrics(partial);
    expect(m).toEqual({ ...emptyMetrics(), simulated_conditioned_area_m2: 250 });
    expect(metricsList(m)).toEqual([
      {
        name: "simulated_conditioned_area_m2",
        value: 250,
        unit: "m2",
        category: "area",
        tags: ["energyplus"],
      },
    ]);

    const other = join(dir, "other.sql");
    new DatabaseSync(other).close();
    await expect(readSqlMetrics(other)).rejects.toThrow(/TabularDataWithStrings/);
  });

  it("falls back to the window output variables, at one reporting frequency, when the tables lack them", async () => {
    const path = join(dir, "variables.sql");
    const db = new DatabaseSync(path);
    db.exec(`CREATE TABLE t (ReportName, ReportForString, TableName, RowName, ColumnName, Units, Value);
      CREATE VIEW TabularDataWithStrings AS SELECT * FROM t;
      CREATE TABLE ReportDataDictionary (ReportDataDictionaryIndex INTEGER PRIMARY KEY, IsMeter INTEGER, Type TEXT, IndexGroup TEXT, TimestepType TEXT, KeyValue TEXT, Name TEXT, ReportingFrequency TEXT, ScheduleName TEXT, Units TEXT);
      CREATE TABLE ReportData (ReportDataIndex INTEGER PRIMARY KEY, TimeIndex INTEGER, ReportDataDictionaryIndex INTEGER, Value REAL);
      INSERT INTO ReportDataDictionary VALUES (1, 0, 'Sum', 'Zone', 'Zone', 'W1', 'Surface Window Heat Gain Energy', 'Monthly', NULL, 'J');
      INSERT INTO ReportDataDictionary VALUES (2, 0, 'Sum', 'Zone', 'Zone', 'W1', 'Surface Window Heat Gain Energy', 'Daily', NULL, 'J');
      INSERT INTO ReportData VALUES (1, 1, 1, 3.6e6), (2, 2, 1, 7.2e6), (3, 1, 2, 1e9);`);
    db.close();
    const m = await readSqlMetrics(path);
    expect(m.window_heat_gain_kwh).toBeCloseTo(3, 6);
    expect(m.window_heat_loss_kwh).toBeNull();
  });
});

describe("toKwh", () => {
  it.each([
    [1, "GJ", 277.7777778],
    [3.6, "MJ", 1],
    [1, "kWh", 1],
    [1, "kBtu", 0.29307107],
    [3.6e6, "J", 1],
  ])("converts %d %s", (value, unit, kwh) => {
    expect(toKwh(value, unit)).toBeCloseTo(kwh, 6);
  });

  it("knows no unit it cannot convert", () => {
    expect(toKwh(1, "m3")).toBeNull();
  });
});
