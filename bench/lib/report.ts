import os from "node:os";

/** One measured figure, with the baseline it is compared against where there is one. */
export interface Figure {
  label: string;
  value: number;
  unit: string;
  /** The same figure for the baseline, run side by side. */
  baseline?: number;
  /** `value / baseline` (for times: how many times slower than the baseline). */
  ratio?: number;
  /** What the baseline is. */
  baselineLabel?: string;
}

/** What one benchmark reports. */
export interface BenchResult {
  name: string;
  description: string;
  figures: Figure[];
  notes?: string[];
}

/** The machine a report was made on. */
export function machine() {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    memory_gib: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** A figure with its ratio to the baseline computed. */
export function compare(
  label: string,
  value: number,
  baseline: number,
  unit: string,
  baselineLabel: string,
): Figure {
  return {
    label,
    value,
    unit,
    baseline,
    baselineLabel,
    ratio: baseline === 0 ? Number.NaN : value / baseline,
  };
}

/** The `p`-th percentile (0-100) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** The median of `values`. */
export function median(values: number[]): number {
  return percentile(values, 50);
}

function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return "";
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(0) : abs >= 10 ? n.toFixed(1) : n.toFixed(3);
}

/** A Markdown table of a result's figures. */
export function toMarkdown(result: BenchResult): string {
  const lines = [
    `## ${result.name}`,
    "",
    result.description,
    "",
    "| figure | value | unit | baseline | ratio |",
    "| --- | ---: | --- | ---: | ---: |",
    ...result.figures.map(
      (f) =>
        `| ${f.label} | ${fmt(f.value)} | ${f.unit} | ${f.baseline === undefined ? "" : `${fmt(f.baseline)} (${f.baselineLabel ?? "baseline"})`} | ${f.ratio === undefined ? "" : `${fmt(f.ratio)}x`} |`,
    ),
  ];
  if (result.notes?.length) lines.push("", ...result.notes.map((n) => `- ${n}`));
  return `${lines.join("\n")}\n`;
}

/** Prints a result as Markdown, for a benchmark run on its own. */
export function printResult(result: BenchResult): void {
  process.stdout.write(`${toMarkdown(result)}\n`);
}

/**
 * The entry of a benchmark file run as a script: runs it, then writes the result as JSON to the
 * path after `--json` (how `bench/run.ts` collects it) or prints it as Markdown.
 */
export async function benchMain(run: () => Promise<BenchResult>): Promise<void> {
  const result = await run();
  const at = process.argv.indexOf("--json");
  const target = at >= 0 ? process.argv[at + 1] : undefined;
  if (target) {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(target, JSON.stringify(result, null, 2));
  } else {
    printResult(result);
  }
}
