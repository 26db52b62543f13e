import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readModel, writeWorkingCopy } from "@validibot/validator-runtime/energyplus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./helpers";

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  ({ dir, remove } = await tempDir());
});
afterAll(() => remove());

describe("writeWorkingCopy (IDF)", () => {
  it("replaces Timestep and Output:SQLite, merges summary reports, shortens RunPeriods and copies the rest unchanged", async () => {
    const source = join(dir, "in.idf");
    const text = [
      "! héllo — keep me",
      "Version,24.1;",
      "Timestep,6;  !- Number of Timesteps per Hour",
      "RunPeriod,",
      "  Summer,   !- Name",
      "  7,        !- Begin Month",
      "  30,       !- Begin Day of Month",
      "  ,         !- Begin Year",
      "  12,       !- End Month",
      "  31;       !- End Day of Month",
      "Output:SQLite,Simple;",
      "Output:Table:SummaryReports,AllSummaryAndMonthly;",
      "Zone,Core;  ! the only zone",
      "",
    ].join("\r\n");
    await writeFile(source, text);
    const { model } = await readModel(source);
    const target = join(dir, "out.idf");
    await writeWorkingCopy(model, source, target, { timestepPerHour: 10, runPeriodDays: 5 });
    const copy = await readFile(target, "utf8");
    expect(copy.startsWith("! héllo — keep me\r\nVersion,24.1;\r\n")).toBe(true);
    expect(copy).toContain("Zone,Core;  ! the only zone");
    expect(copy).not.toContain("Timestep,6;");
    expect(copy).not.toContain("Output:SQLite,Simple;");

    const { model: edited, findings } = await readModel(target);
    expect(findings).toEqual([]);
    const of = (type: string) =>
      edited.objects.filter((o) => o.type === type).map((o) => o.fields.map((f) => f.value));
    expect(of("Timestep")).toEqual([["10"]]);
    expect(of("Output:SQLite")).toEqual([["SimpleAndTabular"]]);
    expect(of("Output:Table:SummaryReports")).toEqual([["AllSummaryAndMonthly"]]);
    expect(of("RunPeriod")).toEqual([["Summer", "7", "30", "", "8", "3"]]);
    expect(of("Zone")).toEqual([["Core"]]);
  });
});
