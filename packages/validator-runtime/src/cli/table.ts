/**
 * Formats rows as a plain-text table: a header line, then one line per row, columns padded to
 * their widest cell; the last column is not padded. Newlines inside cells become spaces.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const clean = (cell: string) => cell.replace(/\s*\r?\n\s*/g, " ");
  const all = [headers, ...rows].map((row) => row.map(clean));
  const widths = headers.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? "").length)),
  );
  return all
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
