import type { AnyOutputEnvelope, MessageLocation } from "@validibot/contracts";
import { formatTable } from "./table";

function location(where: MessageLocation | null): string {
  if (where === null) return "-";
  let text = where.file_role ?? "";
  if (where.line !== null) text += `${text ? ":" : "line "}${where.line}`;
  if (where.column !== null) text += `:${where.column}`;
  if (where.path !== null) text += `${text ? " " : ""}${where.path}`;
  return text || "-";
}

/** The findings and metrics of an output envelope as aligned tables, then its status. */
export function formatReport(output: AnyOutputEnvelope): string {
  const lines: string[] = [];
  lines.push(`Findings (${output.messages.length})`);
  lines.push(
    output.messages.length === 0
      ? "  none"
      : formatTable(
          ["SEVERITY", "CODE", "LOCATION", "TEXT"],
          output.messages.map((m) => [m.severity, m.code ?? "-", location(m.location), m.text]),
        ),
  );
  lines.push("", `Metrics (${output.metrics.length})`);
  lines.push(
    output.metrics.length === 0
      ? "  none"
      : formatTable(
          ["NAME", "VALUE", "UNIT"],
          output.metrics.map((m) => [m.name, String(m.value), m.unit ?? "-"]),
        ),
  );
  if (output.artifacts.length > 0) {
    lines.push("", `Artifacts (${output.artifacts.length})`);
    lines.push(
      formatTable(
        ["NAME", "TYPE", "BYTES", "URI"],
        output.artifacts.map((a) => [a.name, a.type, String(a.size_bytes), a.uri]),
      ),
    );
  }
  lines.push("", `Status: ${output.status}`);
  return `${lines.join("\n")}\n`;
}
