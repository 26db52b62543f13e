import { readEpJson, readModel } from "@validibot/validator-runtime/energyplus";
import { describe, expect, it } from "vitest";
import { fixture } from "./helpers";

describe("readEpJson", () => {
  it("reads objects keyed by type then name, with the line and column of every object and field", () => {
    const { model, issues } = readEpJson(
      '{\n  "Version": {"Version 1": {"version_identifier": "24.1"}},\n  "Zone": {\n    "Core": {\n      "x_origin": 0,\n      "multiplier": 2\n    }\n  },\n  "BuildingSurface:Detailed": {"W": {"vertices": [{"vertex_x_coordinate": 1}, {"vertex_x_coordinate": 2}]}}\n}',
    );
    expect(issues).toEqual([]);
    expect(model.version).toBe("24.1");
    expect(model.objects.map((o) => [o.type, o.name, o.line, o.column])).toEqual([
      ["Version", "Version 1", 2, 15],
      ["Zone", "Core", 4, 5],
      ["BuildingSurface:Detailed", "W", 9, 32],
    ]);
    expect(model.objects[1]?.fields).toEqual([
      { name: "x_origin", value: "0", line: 5, column: 7 },
      { name: "multiplier", value: "2", line: 6, column: 7 },
    ]);
    expect(model.objects[2]?.fields.map((f) => [f.name, f.value])).toEqual([
      ["vertices/0/vertex_x_coordinate", "1"],
      ["vertices/1/vertex_x_coordinate", "2"],
    ]);
  });

  it("reports invalid JSON with the line and column of the error", () => {
    const { model, issues } = readEpJson('{\n  "Zone": {\n    "A": {"x_origin": 0,}\n  }\n}');
    expect(model.complete).toBe(false);
    expect(issues).toEqual([expect.objectContaining({ code: "epjson_invalid_json", line: 3 })]);
  });

  it("reports a document that is not an object of objects", () => {
    expect(readEpJson("[1, 2]").issues.map((i) => i.code)).toEqual(["epjson_invalid_structure"]);
    const { issues } = readEpJson('{"Zone": {"A": 3}, "Version": []}');
    expect(issues.map((i) => [i.code, i.pointer])).toEqual([
      ["epjson_invalid_structure", "/Zone/A"],
      ["epjson_invalid_structure", "/Version"],
    ]);
  });
});

describe("readModel on an epJSON model", () => {
  it("turns a name repeated in one type into a duplicate-name finding at the repeat's line", async () => {
    const { model, findings } = await readModel(fixture("problems.epJSON"));
    expect(findings).toEqual([
      {
        severity: "ERROR",
        code: "energyplus.duplicate_name",
        text: expect.stringContaining('"Office"'),
        location: { file_role: "primary-model", path: "/Zone/Office", line: 26, column: 5 },
      },
    ]);
    // JSON keeps the last of the repeated keys; the case variant is another key.
    expect(model.objects.filter((o) => o.type === "Zone").map((o) => [o.name, o.line])).toEqual([
      ["Office", 20],
      ["OFFICE", 23],
    ]);
  });
});
