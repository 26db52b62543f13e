import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { IdfParser, readModel } from "@validibot/validator-runtime/energyplus";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, tempDir } from "./helpers";

function parse(text: string) {
  const p = new IdfParser();
  p.push(text);
  p.end();
  return p;
}

describe("IdfParser", () => {
  it("reads objects, fields, notes and the position of every object and field", () => {
    const p = parse(
      "! header\nVersion,\n    24.1;   !- Version Identifier\n\nZone,\n  Office,  !- Name\n  0;  !- Direction of Relative North {deg}\n",
    );
    expect(p.issues).toEqual([]);
    expect(p.objects.map((o) => [o.type, o.name, o.line, o.column])).toEqual([
      ["Version", null, 2, 1],
      ["Zone", "Office", 5, 1],
    ]);
    expect(p.objects[0]?.fields).toEqual([
      { value: "24.1", name: "Version Identifier", line: 3, column: 5 },
    ]);
    expect(p.objects[1]?.fields).toEqual([
      { value: "Office", name: "Name", line: 6, column: 3 },
      { value: "0", name: "Direction of Relative North {deg}", line: 7, column: 3 },
    ]);
  });

  it("keeps empty fields, joins nothing across comments, and gives a note to the last field ended on its line", () => {
    const p = parse(
      "Timestep,4;  !- Number of Timesteps per Hour\nRunPeriod, R ,1,1, ,12 ! not a note\n ,31;\n",
    );
    expect(p.objects[0]?.fields[0]).toMatchObject({
      value: "4",
      name: "Number of Timesteps per Hour",
    });
    expect(p.objects[1]?.fields.map((f) => f.value)).toEqual(["R", "1", "1", "", "12", "31"]);
    expect(p.objects[1]?.fields.every((f) => f.name === null)).toBe(true);
  });

  it("tolerates CRLF, tabs and odd spacing, and reports an unterminated last object with its line", async () => {
    const { model, findings } = await readModel(fixture("odd-formatting.idf"));
    expect(model.objects.map((o) => o.type)).toEqual([
      "Version",
      "Building",
      "GlobalGeometryRules",
      "Timestep",
      "Zone",
    ]);
    expect(model.objects[1]).toMatchObject({ name: "Odd  Spacing Office", line: 2, column: 2 });
    expect(model.objects[3]?.fields[0]).toMatchObject({
      value: "4",
      name: "Number of Timesteps per Hour",
      line: 5,
      column: 4,
    });
    expect(model.objects[4]?.fields[1]).toMatchObject({
      value: "0",
      name: "Direction of Relative North {deg}",
      line: 8,
    });
    expect(model.version).toBe("24.1");
    expect(model.complete).toBe(false);
    expect(findings).toEqual([
      expect.objectContaining({
        severity: "ERROR",
        code: "energyplus.idf_unterminated_object",
        location: expect.objectContaining({ file_role: "primary-model", line: 9, column: 1 }),
      }),
    ]);
  });

  it("reports a stray terminator as a syntax finding and reads on", () => {
    const p = parse("Version,24.1;\n;\nZone,A;\n");
    expect(p.issues).toEqual([expect.objectContaining({ code: "idf_syntax", line: 2, column: 1 })]);
    expect(p.objects.map((o) => o.type)).toEqual(["Version", "Zone"]);
  });

  it("gives the same objects whatever the chunking of the text", () => {
    const text =
      "! c\r\nVersion,\r\n  24.1; !- Version Identifier\r\nZone,\tA , !- Name\n 0;!-North\nZone,B;";
    const whole = parse(text).objects;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 8 }),
        (cuts) => {
          const p = new IdfParser();
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          let last = 0;
          for (const c of [...points, text.length]) {
            p.push(text.slice(last, c));
            last = c;
          }
          p.end();
          expect(p.objects).toEqual(whole);
        },
      ),
    );
  });
});

describe("readModel on malformed files", () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, remove } = await tempDir());
  });
  afterAll(() => remove());

  it("stops at binary garbage with a finding, never a crash", async () => {
    const path = join(dir, "garbage.idf");
    await writeFile(
      path,
      Buffer.concat([
        Buffer.from("Version,24.1;\nZone,A;\n"),
        Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0xff]),
      ]),
    );
    const { model, findings } = await readModel(path);
    expect(findings.map((f) => [f.code, f.location?.line])).toEqual([
      ["energyplus.model_binary", 3],
    ]);
    expect(model.complete).toBe(false);
    expect(model.objects.map((o) => o.type)).toEqual(["Version", "Zone"]);
  });

  it("reports invalid UTF-8 with its line", async () => {
    const path = join(dir, "latin1.idf");
    await writeFile(
      path,
      Buffer.concat([
        Buffer.from("Version,24.1;\nZone,Caf"),
        Buffer.from([0xe9]),
        Buffer.from(";\n"),
      ]),
    );
    const { model, findings } = await readModel(path);
    expect(findings.map((f) => [f.code, f.location?.line])).toEqual([
      ["energyplus.model_encoding", 2],
    ]);
    expect(model.objects[1]?.name).toBe("Caf\ufffd");
  });

  it("reads a multi-megabyte model in full, and stops at the byte limit with a finding", async () => {
    const path = join(dir, "big.idf");
    const zone = (i: number) =>
      `Zone,\n    Zone ${i},  !- Name\n    0;  !- Direction of Relative North {deg}\n`;
    const parts = ["Version,24.1;\n"];
    for (let i = 0; i < 60_000; i++) parts.push(zone(i));
    const text = parts.join("");
    await writeFile(path, text);
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024);
    const full = await readModel(path);
    expect(full.findings).toEqual([]);
    expect(full.model.objects).toHaveLength(60_001);
    expect(full.model.objects[60_000]).toMatchObject({
      name: "Zone 59999",
      line: 1 + 3 * 59_999 + 1,
    });

    const cut = await readModel(path, { maxBytes: 1024 * 1024 });
    expect(cut.findings.map((f) => f.code)).toEqual(["energyplus.model_too_large"]);
    expect(cut.bytesRead).toBe(1024 * 1024);
    expect(cut.model.complete).toBe(false);
    expect(cut.model.objects.length).toBeGreaterThan(1000);
    expect(cut.model.objects.length).toBeLessThan(60_001);
  });

  it("reports a file that cannot be read", async () => {
    const { findings } = await readModel(join(dir, "absent.idf"));
    expect(findings.map((f) => f.code)).toEqual(["energyplus.model_unreadable"]);
  });

  it("reads a model of comments only as no objects, and an empty file as an unknown format", async () => {
    const comments = join(dir, "comments.idf");
    await writeFile(comments, "  \n! only a comment\n");
    const read = await readModel(comments);
    expect(read.model.objects).toEqual([]);
    expect(read.findings).toEqual([]);
    const empty = join(dir, "empty.txt");
    await writeFile(empty, "");
    expect((await readModel(empty)).findings.map((f) => f.code)).toEqual([
      "energyplus.model_format_unknown",
    ]);
  });
});
