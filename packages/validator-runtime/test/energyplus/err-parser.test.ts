import { ErrParser, locationHint, parseErrFile } from "@validibot/validator-runtime/energyplus";
import { describe, expect, it } from "vitest";
import { fixture } from "./helpers";

describe("parseErrFile", () => {
  it("reads a completed run: levels, continuation lines joined, recurring summaries counted once, final counts", async () => {
    const report = await parseErrFile(fixture("err", "success.err"));
    expect(report.programVersion).toBe("24.1.0-9d7789a3ac");
    expect(report.summary).toEqual({
      outcome: "completed",
      warnings: 4,
      severe: 0,
      elapsed: "00hr 00min  2.47sec",
    });
    expect(report.markerCounts).toEqual({ warning: 4, severe: 0, fatal: 0 });
    expect(report.messages).toEqual([
      {
        level: "warning",
        text: "Weather file location will be used rather than entered (IDF) Location object. ..Location object=CHICAGO IL USA TMY2-94846 ..Weather File Location=Chicago Ohare Intl Ap IL USA TMY3 WMO#=725300 ..due to location differences, Latitude difference=[4.00E-002] degrees, Longitude difference=[7.00E-002] degrees.",
        errLine: 2,
        recurring: false,
        occurrences: 1,
      },
      {
        level: "warning",
        text: 'GetSurfaceData: Surface="OFFICE WALL SOUTH", has a construction with a reversed layer order. Check the order of the material layers of construction "EXT WALL".',
        errLine: 9,
        recurring: false,
        occurrences: 1,
      },
      {
        level: "warning",
        text: 'CalcHeatBalanceInsideSurf: Zone="OFFICE" has view factor enforcement problems.',
        errLine: 11,
        recurring: true,
        occurrences: 42,
      },
      {
        level: "warning",
        text: 'Zone Air Heat Balance: Zone="OFFICE" humidity ratio out of range. Max=0.031  Min=0',
        errLine: 25,
        recurring: true,
        occurrences: 7,
      },
    ]);
    expect(report.dropped).toBe(0);
    expect(report.tail.split("\n").at(-1)).toContain(
      "EnergyPlus Completed Successfully-- 4 Warning",
    );
  });

  it("reads severe errors of a run that still completed", async () => {
    const report = await parseErrFile(fixture("err", "severe.err"));
    expect(report.summary).toMatchObject({ outcome: "completed", warnings: 2, severe: 2 });
    expect(report.messages.map((m) => [m.level, m.errLine])).toEqual([
      ["warning", 2],
      ["severe", 4],
      ["severe", 8],
      ["warning", 10],
    ]);
    expect(report.messages[1]?.text).toBe(
      'CheckWarmupConvergence: Loads Initialization, Zone="OFFICE" did not converge after 25 warmup days. See Warmup Convergence Information in .eio file for details. ..Environment(RunPeriod)="ANNUAL" ..Max Temp Comparison = 1.21E-002 vs Temperature Convergence Tolerance=0.40 - Pass Convergence',
    );
  });

  it("reads a terminated run: the fatal message, without the termination summary lines", async () => {
    const report = await parseErrFile(fixture("err", "fatal.err"));
    expect(report.summary).toMatchObject({ outcome: "terminated", warnings: 0, severe: 2 });
    expect(report.markerCounts).toEqual({ warning: 0, severe: 2, fatal: 1 });
    expect(report.messages.at(-1)).toEqual({
      level: "fatal",
      text: "GetInternalHeatGains: Errors found in Getting Internal Gains Input, Program Stopped",
      errLine: 4,
      recurring: false,
      occurrences: 1,
    });
  });

  it("reads what a crashed run left (CRLF, no summary, a cut last line)", async () => {
    const report = await parseErrFile(fixture("err", "crash.err"));
    expect(report.summary.outcome).toBeNull();
    expect(report.markerCounts).toEqual({ warning: 1, severe: 1, fatal: 0 });
    expect(report.messages[1]?.text).toBe(
      'Temperature (high) out of bounds (312.40] for zone="OFFICE", for surface="OFFICE ROOF" Environment=ANNUAL, at Simulation time=07/21 14:',
    );
  });

  it("keeps at most maxMessages distinct messages, counts what it leaves out, and merges identical ones", () => {
    const parser = new ErrParser({ maxMessages: 3, tailLines: 2 });
    for (let i = 0; i < 10; i++) parser.line(`   ** Warning ** message ${i}`);
    for (let i = 0; i < 5; i++) parser.line("   ** Severe  ** message 0");
    parser.line("   ** Warning ** message 0");
    const report = parser.end();
    expect(report.messages.map((m) => [m.text, m.occurrences])).toEqual([
      ["message 0", 2],
      ["message 1", 1],
      ["message 2", 1],
    ]);
    // 7 distinct warnings past the limit, and 5 severe copies of a message not kept.
    expect(report.dropped).toBe(12);
    expect(report.markerCounts).toEqual({ warning: 11, severe: 5, fatal: 0 });
    expect(report.tail).toBe("   ** Severe  ** message 0\n   ** Warning ** message 0");
  });
});

describe("locationHint", () => {
  it.each([
    [
      'GetSurfaceData: Surface="OFFICE WALL SOUTH", has a reversed layer order.',
      { type: "Surface", name: "OFFICE WALL SOUTH" },
    ],
    [
      'GetPeople: People="OFFICE PEOPLE", invalid Number of People Schedule Name entered="X".',
      { type: "People", name: "OFFICE PEOPLE", field: "Number of People Schedule Name" },
    ],
    [
      'Duplicate name found for object of type "Zone" named "OFFICE". Overwriting existing object.',
      { type: "Zone", name: "OFFICE" },
    ],
    [
      "<root>[BuildingSurface:Detailed][Wall 1][vertices] - Missing required property",
      { type: "BuildingSurface:Detailed", name: "Wall 1", field: "vertices" },
    ],
    [
      "Out of range value Numeric Field#7 (Sky Clearness), value=100.00000, range={>=0.0 and <=1.2}, in SIZINGPERIOD:DESIGNDAY=CHICAGO ANN CLG .4% CONDNS WB=>MDB",
      { type: "SIZINGPERIOD:DESIGNDAY", name: "CHICAGO ANN CLG .4% CONDNS WB=>MDB" },
    ],
    [
      "Problem with Object=Coil:Heating:Electric, Name=MAIN COIL, check inputs",
      { type: "Coil:Heating:Electric", name: "MAIN COIL" },
    ],
    [
      "Temperature out of bounds for Zone=CORE ZONE, at time 14:00",
      { type: "Zone", name: "CORE ZONE" },
    ],
  ])("finds the object in %s", (text, expected) => {
    expect(locationHint(text)).toMatchObject(expected);
  });

  it("finds the model line of an input-processor message, and nothing in a message that names nothing", () => {
    expect(
      locationHint('IP: IDF line~345 Did not find "UNTIL: 22:00" in list of Objects'),
    ).toMatchObject({ line: 345 });
    expect(
      locationHint("The following Report Variables were requested but not generated"),
    ).toBeNull();
  });
});
