import { FMU_FINDING_CODES } from "@validibot/validator-runtime/fmu";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkDefaultExperiment } from "../../src/fmu/check-experiment";
import { checkModelStructure } from "../../src/fmu/check-model-structure";
import { checkVariables } from "../../src/fmu/check-variables";
import { FMI2_TYPES, FMI3_TYPES } from "../../src/fmu/model-description";
import { parseModelDescription } from "../../src/fmu/parse-model-description";
import { collectReports, FmuReporter } from "../../src/fmu/report";
import { mutateText, mutationArbitrary } from "../support/fuzz-mutations";
import { fmi2FirstOrderXml, fmi3FirstOrderXml } from "./helpers/model-descriptions";

const RUNS = { numRuns: 150 };

/** Parses and runs the checks the validator runs on a parsed description, as `validateFmu` does. */
function read(xml: string) {
  const reports = collectReports();
  const reporter = new FmuReporter(reports);
  const description = parseModelDescription(xml, reporter);
  if (description) {
    checkVariables(description, reporter);
    checkModelStructure(description, reporter);
    checkDefaultExperiment(description, reporter);
  }
  return { description, findings: reports.findings, errors: reporter.errorCount };
}

/** What every input must give: a description or an error finding, and only declared codes. */
function expectSound(xml: string) {
  const result = read(xml);
  for (const finding of result.findings) {
    expect(Object.hasOwn(FMU_FINDING_CODES, finding.code ?? "")).toBe(true);
    expect(["INFO", "WARNING", "ERROR"]).toContain(finding.severity);
    const line = finding.location?.line;
    if (line !== undefined && line !== null) expect(line).toBeGreaterThanOrEqual(1);
  }
  if (result.description === null) expect(result.errors).toBeGreaterThan(0);
  else {
    expect(["2.0", "3.0"]).toContain(result.description.fmiVersion);
    const indices = result.description.variables.map((variable) => variable.index);
    expect(indices).toEqual(indices.map((_, i) => i + 1));
  }
  return result;
}

const codesOf = (result: ReturnType<typeof read>) => result.findings.map((f) => f.code);

const REAL = [
  fmi2FirstOrderXml({
    guid: "{8c4e810f-3df3-4a00-8276-176fa3c9f000}",
    modelIdentifier: "FirstOrder",
  }),
  fmi3FirstOrderXml({
    guid: "{8c4e810f-3df3-4a00-8276-176fa3c9f003}",
    modelIdentifier: "FirstOrder3",
  }),
];

/** Text weighted towards XML's own punctuation. */
const xmlishText = fc.string({
  unit: fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom("<", ">", "/", "=", '"', "'", "&", ";", "!", "?", " ", "\n"),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "<fmiModelDescription",
        'fmiVersion="2.0"',
        "<ScalarVariable",
        "<Float64",
        "<!DOCTYPE",
        "<!ENTITY",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "&amp;",
        "&#x1F600;",
        "&#99999999;",
      ),
    },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 5 }) },
  ),
  maxLength: 300,
});

describe("parseModelDescription on arbitrary and mutated text", () => {
  it("gives a description or an error finding with a declared code, never a throw", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 1000 }), xmlishText), (text) => {
        expectSound(text);
      }),
      RUNS,
    );
  });

  it("reads mutated real model descriptions (insertions, deletions, truncations, flips)", () => {
    const pieces = fc.oneof(
      fc.constantFrom(
        "<",
        ">",
        "/>",
        "</",
        "&",
        '"',
        "'",
        "=",
        "\0",
        "\ufeff",
        "\ud800",
        "&amp;",
        "&#",
      ),
      fc.constantFrom(
        "<!DOCTYPE x>",
        "<!ENTITY a 'b'>",
        "<![CDATA[",
        "]]>",
        "<!--",
        "-->",
        "<?xml version='1.0'?>",
        '<ScalarVariable name="v" valueReference="9"><Real/></ScalarVariable>',
        '<Float64 name="v" valueReference="9"/>',
        '<Unknown index="99"/>',
        ' valueReference="-1"',
        ' causality="bogus"',
        ' startTime="NaN"',
      ),
      fc.string({ unit: "binary", maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...REAL), mutationArbitrary(pieces), (xml, edits) => {
        expectSound(mutateText(xml, edits));
      }),
      RUNS,
    );
  });
});

// Structure-aware: XML built from FMI's element and attribute names.

const ELEMENTS = [
  "fmiModelDescription",
  "ModelVariables",
  "ScalarVariable",
  ...FMI2_TYPES,
  ...FMI3_TYPES,
  "Start",
  "Dimension",
  "ModelStructure",
  "Outputs",
  "Derivatives",
  "InitialUnknowns",
  "Unknown",
  "Output",
  "ContinuousStateDerivative",
  "InitialUnknown",
  "DefaultExperiment",
  "CoSimulation",
  "ModelExchange",
  "TypeDefinitions",
  "SimpleType",
  "Float64Type",
  "UnitDefinitions",
  "Unit",
  "__proto__",
  "constructor",
  "toString",
  "a:b",
];
const ATTRIBUTES = [
  "name",
  "valueReference",
  "causality",
  "variability",
  "initial",
  "start",
  "unit",
  "declaredType",
  "index",
  "dependencies",
  "fmiVersion",
  "modelName",
  "guid",
  "instantiationToken",
  "modelIdentifier",
  "startTime",
  "stopTime",
  "stepSize",
  "tolerance",
  "value",
  "__proto__",
  "constructor",
  "hasOwnProperty",
];
const attributeValue = fc.oneof(
  fc.constantFrom(
    "2.0",
    "3.0",
    "3.0-beta.2",
    "1.0",
    "",
    " 7 ",
    "0",
    "4294967295",
    "4294967296",
    "-1",
  ),
  fc.constantFrom("input", "output", "parameter", "local", "independent", "structuralParameter"),
  fc.constantFrom("constant", "fixed", "tunable", "discrete", "continuous", "exact", "approx"),
  fc.constantFrom("1e308", "1e309", "-0", ".5", "NaN", "Infinity", "1 2 3", "1  x 2", "1.0e-3"),
  fc.constantFrom(
    "&amp;",
    "&lt;&gt;",
    "&#x41;",
    "&#65;",
    "&#xD800;",
    "&#1114112;",
    "&#99999999999999999999;",
    "&bogus;",
    "&#x;",
  ),
  fc.string({
    unit: fc.constantFrom("a", "Z", "9", " ", ".", "-", "_", "é", "😀", "&amp;", "&quot;"),
    maxLength: 12,
  }),
);

interface XmlNode {
  name: string;
  attributes: [string, string][];
  children: XmlNode[];
  text: string | null;
}

/** An element with up to `depth` levels of children below it. */
function nodeAt(depth: number): fc.Arbitrary<XmlNode> {
  return fc.record({
    name: fc.constantFrom(...ELEMENTS),
    attributes: fc.uniqueArray(fc.tuple(fc.constantFrom(...ATTRIBUTES), attributeValue), {
      selector: ([name]) => name,
      maxLength: 6,
    }),
    children: depth === 0 ? fc.constant([]) : fc.array(nodeAt(depth - 1), { maxLength: 3 }),
    text: fc.option(
      fc.constantFrom(
        "text",
        "<!-- a comment -->",
        "<![CDATA[ <not> & markup ]]>",
        "<?pi x?>",
        " ",
      ),
      { nil: null },
    ),
  });
}
const node = nodeAt(3);

function render(n: XmlNode): string {
  const attributes = n.attributes.map(([k, v]) => ` ${k}="${v}"`).join("");
  const inner = (n.text ?? "") + n.children.map(render).join("");
  return inner === ""
    ? `<${n.name}${attributes}/>`
    : `<${n.name}${attributes}>${inner}</${n.name}>`;
}

const PROLOGUES = {
  none: "",
  declaration: '<?xml version="1.0" encoding="UTF-8"?>\n',
  bom: '\ufeff<?xml version="1.0"?>',
  comment: "<!-- <!DOCTYPE not really> -->\n",
};
const DECLARATIONS = [
  '<!DOCTYPE fmiModelDescription [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n',
  '<!DOCTYPE fmiModelDescription SYSTEM "file:///etc/passwd">\n',
  '<!ENTITY x SYSTEM "http://127.0.0.1/">',
  "<!doctype fmiModelDescription>",
];

const document = fc.record({
  prologue: fc.constantFrom(...(Object.keys(PROLOGUES) as (keyof typeof PROLOGUES)[])),
  declaration: fc.option(fc.constantFrom(...DECLARATIONS), { nil: null }),
  version: fc.oneof(fc.constantFrom("2.0", "3.0", "3.0.1", "1.0"), attributeValue),
  children: fc.array(node, { maxLength: 6 }),
});

describe("parseModelDescription on XML built from FMI names", () => {
  it("never throws; refuses exactly the documents that declare a DOCTYPE or an entity", () => {
    fc.assert(
      fc.property(document, (doc) => {
        const root: XmlNode = {
          name: "fmiModelDescription",
          attributes: [["fmiVersion", doc.version]],
          children: doc.children,
          text: null,
        };
        const xml = PROLOGUES[doc.prologue] + (doc.declaration ?? "") + render(root);
        const result = expectSound(xml);
        const refused = codesOf(result).includes("fmu.xml_entities_refused");
        expect(refused).toBe(doc.declaration !== null);
        if (refused) expect(result.description).toBeNull();
      }),
      RUNS,
    );
  });

  it("survives nesting far deeper than any model description", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 50, max: 20_000 }),
        fc.constantFrom(...ELEMENTS),
        fc.constantFrom("root", "variables", "structure"),
        (depth, tag, where) => {
          const deep = `${`<${tag} name="n">`.repeat(depth)}${`</${tag}>`.repeat(depth)}`;
          const inside =
            where === "root"
              ? deep
              : where === "variables"
                ? `<ModelVariables>${deep}</ModelVariables>`
                : `<ModelStructure><Outputs>${deep}</Outputs></ModelStructure>`;
          expectSound(
            `<fmiModelDescription fmiVersion="2.0" modelName="M" guid="g">${inside}</fmiModelDescription>`,
          );
        },
      ),
      { numRuns: 12 },
    );
  });
});

// Round trip: well-formed descriptions with known variables.

const escapeXml = (text: string) =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");

const variableName = fc.string({
  unit: fc.constantFrom(
    "a",
    "b",
    "Z",
    "0",
    "_",
    ".",
    "[",
    "]",
    " ",
    "&",
    "<",
    ">",
    '"',
    "'",
    "é",
    "😀",
    "der(",
    ")",
  ),
  minLength: 1,
  maxLength: 12,
});
const variable = fc.record({
  name: variableName,
  valueReference: fc.nat({ max: 0xffffffff }),
  causality: fc.constantFrom(
    "parameter",
    "input",
    "output",
    "local",
    "independent",
    "calculatedParameter",
  ),
  fmi2Type: fc.constantFrom(...FMI2_TYPES),
  fmi3Type: fc.constantFrom(...FMI3_TYPES),
  dimensions: fc.nat({ max: 2 }),
  start: fc.option(fc.constantFrom("0", "1.5", "true", "x"), { nil: null }),
});
const filler = fc.constantFrom(
  "",
  "<!-- between -->",
  "\n  ",
  '<UnitDefinitions><Unit name="K"/></UnitDefinitions>',
  '<LogCategories><Category name="logAll"/></LogCategories>',
);

describe("parseModelDescription on well-formed generated descriptions", () => {
  it("reads back every variable: count, names (entities decoded), value references, types, in order", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(variable, { maxLength: 40 }),
        fc.array(filler, { minLength: 3, maxLength: 3 }),
        (fmi3, variables, fillers) => {
          const body = variables
            .map((v) => {
              const common = `name="${escapeXml(v.name)}" valueReference="${v.valueReference}" causality="${v.causality}"`;
              if (!fmi3) {
                const start = v.start === null ? "" : ` start="${v.start}"`;
                return `<ScalarVariable ${common}><${v.fmi2Type}${start}/></ScalarVariable>`;
              }
              const dims = '<Dimension start="2"/>'.repeat(v.dimensions);
              return `<${v.fmi3Type} ${common}>${dims}</${v.fmi3Type}>`;
            })
            .join(fillers[1] ?? "");
          const root = fmi3
            ? 'fmiVersion="3.0" modelName="M" instantiationToken="{t}"'
            : 'fmiVersion="2.0" modelName="M" guid="{g}"';
          const xml = `<?xml version="1.0"?>\n<fmiModelDescription ${root}>${fillers[0]}<CoSimulation modelIdentifier="M"/><ModelVariables>${body}</ModelVariables>${fillers[2]}<ModelStructure/></fmiModelDescription>`;
          const { description } = expectSound(xml);
          expect(description).not.toBeNull();
          expect(description?.variables).toHaveLength(variables.length);
          expect(description?.variables.map((v) => v.name)).toEqual(variables.map((v) => v.name));
          expect(description?.variables.map((v) => v.valueReference)).toEqual(
            variables.map((v) => v.valueReference),
          );
          expect(description?.variables.map((v) => v.type)).toEqual(
            variables.map((v) => (fmi3 ? v.fmi3Type : v.fmi2Type)),
          );
          if (fmi3) {
            expect(description?.variables.map((v) => v.dimensions)).toEqual(
              variables.map((v) => v.dimensions),
            );
          }
        },
      ),
      RUNS,
    );
  });
});
