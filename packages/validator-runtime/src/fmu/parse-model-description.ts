import { XMLValidator } from "fast-xml-parser";
import type { ModelDescription } from "./model-description";
import { readFmi2 } from "./parse-fmi2";
import { readFmi3 } from "./parse-fmi3";
import type { FmuReporter } from "./report";
import { modelDescriptionParser, type XmlElement, XmlReader } from "./xml-reader";
import { findDeclaration, LineIndex } from "./xml-text";

/**
 * Parses `modelDescription.xml` (FMI 2.0 or 3.0) with fast-xml-parser, entity processing
 * off and any DOCTYPE or ENTITY declaration refused before parsing. Returns null when the
 * text cannot be read as a model description; every problem is a finding with a line.
 */
export function parseModelDescription(
  text: string,
  reporter: FmuReporter,
): ModelDescription | null {
  const xml = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lines = new LineIndex(xml);
  const declaration = findDeclaration(xml);
  if (declaration !== -1) {
    reporter.error(
      "fmu.xml_entities_refused",
      "modelDescription.xml declares a DOCTYPE or entities; these are refused (no entity is ever expanded).",
      { line: lines.lineOf(declaration) },
    );
    return null;
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    reporter.error(
      "fmu.xml_malformed",
      `modelDescription.xml is not well-formed: ${valid.err.msg}`,
      {
        line: valid.err.line,
        column: valid.err.col,
      },
    );
    return null;
  }
  let document: XmlElement;
  try {
    document = modelDescriptionParser().parse(xml) as XmlElement;
  } catch (error) {
    reporter.error(
      "fmu.xml_malformed",
      `modelDescription.xml could not be parsed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }
  const reader = new XmlReader(lines, reporter);
  const root = reader.child(document, "fmiModelDescription");
  if (!root) {
    reporter.error("fmu.xml_malformed", "modelDescription.xml has no <fmiModelDescription> root.");
    return null;
  }
  const version = reader.text(root, "fmiVersion");
  if (version === "2.0") return readFmi2(reader, root);
  if (version !== null && /^3\.0($|[-.])/.test(version)) return readFmi3(reader, root);
  reporter.error(
    "fmu.fmi_version_unsupported",
    version === null
      ? "fmiModelDescription has no fmiVersion."
      : `fmiVersion "${version}" is not supported; this validator reads FMI 2.0 and 3.0.`,
    { line: reader.line(root) },
  );
  return null;
}
