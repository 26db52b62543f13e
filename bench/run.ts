// `npm run bench`: runs every benchmark, each in its own process, and writes the report to
// bench/results/latest.md and latest.json. `npm run bench -- callbacks fmu` runs only those.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchResult, machine, toMarkdown } from "./lib/report";

const here = fileURLToPath(new URL(".", import.meta.url));

/** Every benchmark, in the order they run. */
const BENCHMARKS = [
  "callbacks",
  "local-process",
  "runtime",
  "energyplus-err",
  "fmu",
  "e2e-mock",
  "reconcile",
  "uploads",
];

const wanted = process.argv.slice(2);
const selected = wanted.length ? BENCHMARKS.filter((name) => wanted.includes(name)) : BENCHMARKS;
const scratch = mkdtempSync(join(tmpdir(), "validibot-bench-"));
const results: BenchResult[] = [];
const failures: string[] = [];
const started = Date.now();

for (const name of selected) {
  const file = join(here, `${name}.bench.ts`);
  if (!existsSync(file)) {
    failures.push(`${name}: ${file} is missing`);
    continue;
  }
  const out = join(scratch, `${name}.json`);
  process.stderr.write(`bench ${name} ...\n`);
  const t0 = Date.now();
  const child = spawnSync(
    process.execPath,
    ["--no-warnings", "--import", "tsx", file, "--json", out],
    {
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  if (child.status !== 0 || !existsSync(out)) {
    failures.push(`${name}: exited ${child.status ?? child.signal}`);
    continue;
  }
  const result = JSON.parse(readFileSync(out, "utf8")) as BenchResult;
  results.push(result);
  process.stderr.write(`bench ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}
rmSync(scratch, { recursive: true, force: true });

const report = {
  generated_at: new Date().toISOString(),
  duration_seconds: Math.round((Date.now() - started) / 1000),
  machine: machine(),
  results,
  failures,
};
const m = report.machine;
const markdown = [
  "# Benchmark report",
  "",
  `Generated ${report.generated_at} in ${report.duration_seconds} s on ${m.cores} cores (${m.cpu}), ${m.memory_gib} GiB, Node ${m.node}, ${m.platform}. Command: \`npm run bench\`.`,
  "",
  "Ratios divide our figure by its baseline, measured side by side in the same run.",
  "",
  ...results.map(toMarkdown),
  ...(failures.length ? ["## Failures", "", ...failures.map((f) => `- ${f}`), ""] : []),
].join("\n");
if (wanted.length === 0) {
  writeFileSync(join(here, "results", "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(here, "results", "latest.md"), markdown);
}
process.stdout.write(markdown);
process.exit(failures.length ? 1 : 0);
