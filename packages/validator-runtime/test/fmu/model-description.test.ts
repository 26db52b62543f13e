import { describe, expect, it } from "vitest";
import { checkBinary } from "../../src/fmu/check-binary";
import { checkDefaultExperiment } from "../../src/fmu/check-experiment";
import { checkModelStructure } from "../../src/fmu/check-model-structure";
import { checkVariables } from "../../src/fmu/check-variables";
import { parseModelDescription } from "../../src/fmu/parse-model-description";
import { binaryLocation } from "../../src/fmu/platform";
import { collectReports, FmuReporter } from "../../src/fmu/report";
import { fmi2FirstOrderXml, fmi3FirstOrderXml } from "./helpers/model-descriptions";

function check(xml: string) {
  const reports = collectReports();
  const reporter = new FmuReporter(reports);
  const description = parseModelDescription(xml, reporter);
  if (description) {
    checkVariables(description, reporter);
    checkModelStructure(description, reporter);
    checkDefaultExperiment(description, reporter);
  }
  const findings = reports.findings.map((f) => ({
    code: f.code,
    severity: f.severity,
    path: f.location?.path ?? null,
    line: f.location?.line ?? null,
  }));
  return { description, findings, codes: findings.map((f) => f.code) };
}

/** An FMI 2 description with the given ScalarVariables and ModelStructure. */
function fmi2(variables: string, structure = "", extra = ""): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<fmiModelDescription fmiVersion="2.0" modelName="M" guid="{g}">
  <CoSimulation modelIdentifier="M"/>
  ${extra}
  <ModelVariables>
${variables}
  </ModelVariables>
  <ModelStructure>${structure}</ModelStructure>
</fmiModelDescription>`;
}

/** An FMI 3 description with the given variables and ModelStructure. */
function fmi3(variables: string, structure = ""): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<fmiModelDescription fmiVersion="3.0" modelName="M" instantiationToken="{t}">
  <CoSimulation modelIdentifier="M"/>
  <ModelVariables>
${variables}
  </ModelVariables>
  <ModelStructure>${structure}</ModelStructure>
</fmiModelDescription>`;
}

const lineOf = (text: string, needle: string) =>
  text.slice(0, text.indexOf(needle)).split("\n").length;

describe("reading model descriptions", () => {
  it("reads the FMI 2 fixture: variables in order, types, defaults, units, lines, structure", () => {
    const xml = fmi2FirstOrderXml({ guid: "{g}", modelIdentifier: "FirstOrder" });
    const { description, findings } = check(xml);
    expect(findings).toEqual([]);
    expect(description?.fmiVersion).toBe("2.0");
    expect(description?.token).toBe("{g}");
    expect(description?.coSimulation?.modelIdentifier).toBe("FirstOrder");
    expect(description?.defaultExperiment).toMatchObject({
      startTime: 0,
      stopTime: 2,
      stepSize: 0.01,
    });
    expect(
      description?.variables.map((v) => [v.name, v.type, v.causality, v.variability, v.start]),
    ).toEqual([
      ["time", "Real", "independent", "continuous", null],
      ["u", "Real", "input", "continuous", "1"],
      ["tau", "Real", "parameter", "fixed", "1"],
      ["x0", "Real", "parameter", "fixed", "0"],
      ["x", "Real", "output", "continuous", null],
      ["steps", "Integer", "output", "discrete", null],
      ["halfway", "Boolean", "output", "discrete", null],
      ["label", "String", "parameter", "fixed", "lag"],
    ]);
    const x = description?.variables.find((v) => v.name === "x");
    expect(x).toMatchObject({ unit: "K", index: 5, valueReference: 4 });
    expect(x?.line).toBe(lineOf(xml, 'name="x"'));
    expect(description?.structure.outputs.map((o) => o.ref)).toEqual([5, 6, 7]);
    expect(description?.structure.initialUnknowns[0]?.dependencies).toEqual([4]);
  });

  it("reads the FMI 3 fixture: typed variables in document order, start children", () => {
    const xml = fmi3FirstOrderXml({ guid: "{t}", modelIdentifier: "FirstOrder" });
    const { description, findings } = check(xml);
    expect(findings).toEqual([]);
    expect(description?.fmiVersion).toBe("3.0");
    expect(description?.token).toBe("{t}");
    expect(description?.variables.map((v) => `${v.type}:${v.name}`)).toEqual([
      "Float64:time",
      "Float64:u",
      "Float64:tau",
      "Float64:x0",
      "Float64:x",
      "Int32:steps",
      "Boolean:halfway",
      "String:label",
    ]);
    expect(description?.variables.find((v) => v.name === "label")?.start).toBe("lag");
    expect(description?.variables.find((v) => v.name === "steps")?.variability).toBe("discrete");
  });

  it("decodes predefined entities and character references in attributes", () => {
    const { description } = check(
      fmi2(`<ScalarVariable name="a&lt;b&#62;c&amp;" valueReference="0"><Real/></ScalarVariable>`),
    );
    expect(description?.variables[0]?.name).toBe("a<b>c&");
  });

  it("refuses DOCTYPE and ENTITY declarations, but not the words inside comments", () => {
    expect(
      check(`<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "file:///etc/passwd">\n<x/>`).codes,
    ).toEqual(["fmu.xml_entities_refused"]);
    const commented = fmi2(
      `<!-- no <!DOCTYPE here --><ScalarVariable name="a" valueReference="0"><Real/></ScalarVariable>`,
    );
    expect(check(commented).codes).toEqual([]);
  });

  it("refuses a DOCTYPE hidden behind look-alike CDATA and comment openers in a PI, tag or CDATA", () => {
    const billionLaughs = `<!DOCTYPE fmiModelDescription [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>`;
    const hidden = [
      `<?x <![CDATA[ ?>\n${billionLaughs}\n<!-- ]]> -->\n<fmiModelDescription fmiVersion="2.0"/>`,
      `<?x <!-- ?>\n${billionLaughs}\n<!-- -->\n<fmiModelDescription fmiVersion="2.0"/>`,
      `<fmiModelDescription fmiVersion="2.0" a="<!--"><x/></fmiModelDescription>\n<!ELEMENT x ANY>\n<!-- -->`,
      `<![CDATA[ ?> ]]>${billionLaughs}<fmiModelDescription fmiVersion="2.0"/>`,
    ];
    for (const xml of hidden) {
      const { codes, findings } = check(xml);
      expect(codes).toEqual(["fmu.xml_entities_refused"]);
      expect(findings[0]?.line).toBe(
        xml.slice(0, xml.search(/<!(DOCTYPE|ELEMENT)/)).split("\n").length,
      );
    }
    // a PI, comment or attribute that only mentions the words is fine
    const mentioned = fmi2(
      `<?note <!DOCTYPE in a processing instruction ?><ScalarVariable name="a" valueReference="0" description="&lt;!DOCTYPE"><Real/></ScalarVariable>`,
    );
    expect(check(mentioned).codes).toEqual([]);
  });

  it("reports malformed XML with line and column", () => {
    const { findings } = check(
      `<?xml version="1.0"?>\n<fmiModelDescription>\n  <a>\n</fmiModelDescription>`,
    );
    expect(findings).toEqual([
      expect.objectContaining({ code: "fmu.xml_malformed", line: 4, severity: "ERROR" }),
    ]);
  });

  it("reports missing and unreadable attributes", () => {
    const xml = fmi2(
      `<ScalarVariable valueReference="0"><Real/></ScalarVariable>
<ScalarVariable name="b" valueReference="-1"><Real/></ScalarVariable>
<ScalarVariable name="c" valueReference="2" causality="sideways"><Real/></ScalarVariable>
<ScalarVariable name="d" valueReference="3"/>`,
      "",
      `<DefaultExperiment stopTime="INF"/>`,
    );
    const { findings } = check(xml);
    expect(findings.map((f) => [f.code, f.path])).toEqual([
      ["fmu.attribute_missing", null],
      ["fmu.attribute_invalid", "b"],
      ["fmu.attribute_invalid", "c"],
      ["fmu.variable_type_missing", "d"],
      ["fmu.attribute_invalid", null],
    ]);
  });
});

describe("static checks of variables", () => {
  it("flags duplicate names at the second variable, with its line", () => {
    const xml = fmi2(`<ScalarVariable name="a" valueReference="0"><Real/></ScalarVariable>
<ScalarVariable name="a" valueReference="1"><Real/></ScalarVariable>`);
    const { findings } = check(xml);
    expect(findings).toEqual([
      {
        code: "fmu.duplicate_variable_name",
        severity: "ERROR",
        path: "a",
        line: lineOf(xml, 'valueReference="1"'),
      },
    ]);
  });

  it("FMI 2: allows aliases (same type and reference) unless two carry start values; other types may share references", () => {
    const alias = `<ScalarVariable name="a" valueReference="0" causality="parameter" variability="fixed"><Real start="1"/></ScalarVariable>
<ScalarVariable name="b" valueReference="0"><Real/></ScalarVariable>
<ScalarVariable name="n" valueReference="0" variability="discrete"><Integer/></ScalarVariable>`;
    expect(check(fmi2(alias)).codes).toEqual([]);
    const clash = `<ScalarVariable name="a" valueReference="0" causality="parameter" variability="fixed"><Real start="1"/></ScalarVariable>
<ScalarVariable name="b" valueReference="0" causality="parameter" variability="fixed"><Real start="2"/></ScalarVariable>`;
    expect(check(fmi2(clash)).findings).toEqual([
      expect.objectContaining({ code: "fmu.duplicate_value_reference", path: "b" }),
    ]);
  });

  it("FMI 3: value references are unique across types", () => {
    const xml = fmi3(`<Float64 name="t" valueReference="0" causality="independent"/>
<Int32 name="n" valueReference="0"/>`);
    expect(check(xml).findings).toEqual([
      expect.objectContaining({ code: "fmu.duplicate_value_reference", path: "n" }),
    ]);
  });

  it.each([
    ["parameter", "continuous"],
    ["input", "fixed"],
    ["input", "constant"],
    ["independent", "discrete"],
    ["output", "tunable"],
    ["calculatedParameter", "discrete"],
  ])("flags causality %s with variability %s", (causality, variability) => {
    const xml = fmi2(
      `<ScalarVariable name="v" valueReference="1" causality="${causality}" variability="${variability}"><Real start="1"/></ScalarVariable>`,
    );
    expect(check(xml).codes).toContain("fmu.illegal_causality_variability");
  });

  it("flags continuous integers and booleans", () => {
    const xml = fmi2(
      `<ScalarVariable name="n" valueReference="1" variability="continuous"><Integer/></ScalarVariable>`,
    );
    expect(check(xml).codes).toEqual(["fmu.illegal_variability_type"]);
  });

  it("flags missing start values where required (inputs, parameters, exact/approx) and present where forbidden", () => {
    const xml = fmi2(
      `<ScalarVariable name="in" valueReference="1" causality="input"><Real/></ScalarVariable>
<ScalarVariable name="p" valueReference="2" causality="parameter" variability="fixed"><Real/></ScalarVariable>
<ScalarVariable name="l" valueReference="3" initial="approx"><Real/></ScalarVariable>
<ScalarVariable name="c" valueReference="4" causality="calculatedParameter" variability="fixed"><Real start="1"/></ScalarVariable>
<ScalarVariable name="t" valueReference="5" causality="independent"><Real start="0"/></ScalarVariable>
<ScalarVariable name="o" valueReference="6" causality="output"><Real start="0"/></ScalarVariable>`,
      `<Outputs><Unknown index="6"/></Outputs>`,
    );
    expect(check(xml).findings.map((f) => [f.code, f.path])).toEqual([
      ["fmu.start_missing", "in"],
      ["fmu.start_missing", "p"],
      ["fmu.start_missing", "l"],
      ["fmu.start_forbidden", "c"],
      ["fmu.start_forbidden", "t"],
      ["fmu.start_forbidden", "o"],
    ]);
  });

  it("flags an initial the table forbids", () => {
    const xml = fmi2(
      `<ScalarVariable name="p" valueReference="1" causality="parameter" variability="fixed" initial="calculated"><Real/></ScalarVariable>`,
    );
    expect(check(xml).codes).toEqual(["fmu.illegal_initial"]);
  });

  it("FMI 3 needs exactly one independent variable; FMI 2 at most one", () => {
    expect(check(fmi3(`<Float64 name="x" valueReference="1"/>`)).codes).toEqual([
      "fmu.independent_variable_count",
    ]);
    expect(
      check(fmi2(`<ScalarVariable name="x" valueReference="1"><Real/></ScalarVariable>`)).codes,
    ).toEqual([]);
    const two =
      fmi2(`<ScalarVariable name="t1" valueReference="1" causality="independent"><Real/></ScalarVariable>
<ScalarVariable name="t2" valueReference="2" causality="independent"><Real/></ScalarVariable>`);
    expect(check(two).findings).toEqual([
      expect.objectContaining({ code: "fmu.independent_variable_count", path: "t2" }),
    ]);
  });
});

describe("static checks of ModelStructure and DefaultExperiment", () => {
  it("FMI 2: outputs must be listed exactly, and indices resolve", () => {
    const variables = `<ScalarVariable name="y" valueReference="1" causality="output"><Real/></ScalarVariable>
<ScalarVariable name="z" valueReference="2" causality="output"><Real/></ScalarVariable>
<ScalarVariable name="l" valueReference="3"><Real/></ScalarVariable>`;
    const xml = fmi2(
      variables,
      `<Outputs><Unknown index="1" dependencies="3 9"/><Unknown index="3"/><Unknown index="7"/></Outputs>`,
    );
    expect(check(xml).findings.map((f) => [f.code, f.path])).toEqual([
      ["fmu.model_structure_unresolved", null],
      ["fmu.model_structure_not_output", "l"],
      ["fmu.model_structure_unresolved", null],
      ["fmu.model_structure_output_missing", "z"],
    ]);
  });

  it("FMI 3: Output value references resolve to outputs", () => {
    const xml = fmi3(
      `<Float64 name="t" valueReference="0" causality="independent"/>
<Float64 name="y" valueReference="1" causality="output"/>
<Float64 name="l" valueReference="2"/>`,
      `<Output valueReference="2"/><Output valueReference="5"/>`,
    );
    expect(check(xml).findings.map((f) => [f.code, f.path])).toEqual([
      ["fmu.model_structure_not_output", "l"],
      ["fmu.model_structure_unresolved", null],
      ["fmu.model_structure_output_missing", "y"],
    ]);
  });

  it("DefaultExperiment must start before it stops, with positive step and tolerance", () => {
    const xml = fmi2(
      `<ScalarVariable name="x" valueReference="1"><Real/></ScalarVariable>`,
      "",
      `<DefaultExperiment startTime="2" stopTime="1" stepSize="0" tolerance="-1e-4"/>`,
    );
    const { findings } = check(xml);
    expect(findings.map((f) => f.code)).toEqual([
      "fmu.default_experiment_invalid",
      "fmu.default_experiment_invalid",
      "fmu.default_experiment_invalid",
    ]);
    expect(findings[0]?.line).toBe(lineOf(xml, "<DefaultExperiment"));
  });
});

describe("binary checks", () => {
  const description = (xml: string) => {
    const parsed = parseModelDescription(xml, new FmuReporter(collectReports()));
    if (!parsed) throw new Error("fixture did not parse");
    return parsed;
  };
  const run = (xml: string, files: string[]) => {
    const reports = collectReports();
    const found = checkBinary(description(xml), new Set(files), new FmuReporter(reports));
    return { found, codes: reports.findings.map((f) => f.code), reports };
  };
  const xml2 = fmi2FirstOrderXml({ guid: "{g}", modelIdentifier: "FirstOrder" });
  const xml3 = fmi3FirstOrderXml({ guid: "{g}", modelIdentifier: "FirstOrder" });

  it("finds binaries/<platform>/<modelIdentifier>.so (linux64 for FMI 2, x86_64-linux for FMI 3 here)", () => {
    const fmi2Binary = binaryLocation("2.0", "FirstOrder") ?? "";
    const fmi3Binary = binaryLocation("3.0", "FirstOrder") ?? "";
    expect(run(xml2, [fmi2Binary]).found).toBe(fmi2Binary);
    expect(run(xml3, [fmi3Binary]).found).toBe(fmi3Binary);
    expect(run(xml3, [fmi2Binary]).codes).toEqual(["fmu.binary_missing"]);
  });

  it("names the platforms that do have binaries", () => {
    const { codes, reports } = run(xml2, [
      "binaries/win64/FirstOrder.dll",
      "binaries/darwin64/FirstOrder.dylib",
    ]);
    expect(codes).toEqual(["fmu.binary_missing"]);
    expect(reports.findings[0]?.text).toContain("win64, darwin64");
  });
});
