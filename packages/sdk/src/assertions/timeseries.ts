/**
 * Numeric columns of a time-series CSV (a header row of column names, then one row per sample,
 * as the FMU validator's `timeseries.csv`): only the columns asked for, each as numbers. A cell
 * that is not a number is NaN; a column the header lacks is left out.
 */
export function parseSeriesColumns(
  text: string,
  columns: readonly string[],
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const headerEnd = text.indexOf("\n");
  const header = (headerEnd < 0 ? text : text.slice(0, headerEnd)).replace(/\r$/, "");
  const names = header.split(",").map((name) => name.trim().replace(/^"(.*)"$/, "$1"));
  const picks: { index: number; values: number[] }[] = [];
  for (const column of new Set(columns)) {
    const index = names.indexOf(column);
    if (index < 0) continue;
    const values: number[] = [];
    out.set(column, values);
    picks.push({ index, values });
  }
  if (picks.length === 0 || headerEnd < 0) return out;
  let start = headerEnd + 1;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (end > start) {
      let field = 0;
      let cellStart = start;
      for (let i = start; i <= end; i++) {
        if (i === end || text.charCodeAt(i) === 44 /* , */) {
          for (const pick of picks) {
            if (pick.index === field) pick.values.push(Number(text.slice(cellStart, i)));
          }
          field++;
          cellStart = i + 1;
        }
      }
    }
    start = end + 1;
  }
  return out;
}

/** Whether an artifact is the run's time series: type `timeseries-csv` or a name `timeseries.csv`. */
export function isSeriesArtifact(artifact: { name: string; type: string }): boolean {
  return artifact.type === "timeseries-csv" || artifact.name === "timeseries.csv";
}
