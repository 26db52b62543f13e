// The `energyplus-err` benchmark: the streaming eplusout.err parser of the EnergyPlus validator
// (levels, continuation lines, recurring summaries, counts, bounded findings) against
// `grep -c '\*\* Warning'` on the same generated 200 MB file, side by side: MB/s and peak memory
// (VmHWM of each process, read from /proc while it runs). The file lives in a temp dir, removed
// after. Size: BENCH_ERR_MB (default 200).
// Run alone: npx tsx bench/energyplus-err.bench.ts   (part of `npm run bench`)
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseErrFile } from "../packages/validator-runtime/src/energyplus/err-parser";
import { type BenchResult, benchMain, compare } from "./lib/report";

const SIZE_MB = Number(process.env.BENCH_ERR_MB ?? 200);
const here = fileURLToPath(import.meta.url);

/** Writes an eplusout.err of about `mb` MB in EnergyPlus's format; returns its size and warning count. */
async function generate(path: string, mb: number): Promise<{ bytes: number; warnings: number }> {
  const out = createWriteStream(path);
  const target = mb * 1024 * 1024;
  let bytes = 0;
  let warnings = 0;
  let i = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, "drain");
  };
  await write("Program Version,EnergyPlus, Version 24.1.0-9d7789a3ac, YMD=2024.05.01 10:00,\n");
  while (bytes < target) {
    const lines: string[] = [];
    for (let k = 0; k < 200; k++, i++) {
      const zone = `ZONE ${i % 97}`;
      lines.push(
        `   ** Warning ** CalcHeatBalanceInsideSurf: Zone="${zone}" has view factor enforcement problems (step ${i}).`,
        `   **   ~~~   ** Environment=ANNUAL, at Simulation time=0${1 + (i % 9)}/1${i % 9} 1${i % 10}:00 - 1${i % 10}:10`,
        `   **   ~~~   ** Check the surfaces of zone "${zone}" for areas that are too large or too small.`,
      );
      warnings++;
      if (i % 7 === 0) {
        lines.push(
          `   ** Severe  ** Temperature (high) out of bounds (${200 + (i % 50)}.12] for zone="${zone}", for surface="WALL ${i % 13}"`,
          `   **   ~~~   **  Environment=ANNUAL, at Simulation time=07/21 14:00 - 14:10`,
        );
      }
      if (i % 50 === 0) lines.push(`   ************* Continuing Simulation at day ${i}`);
    }
    await write(`${lines.join("\n")}\n`);
  }
  await write(
    `   ************* EnergyPlus Completed Successfully-- ${warnings} Warning; ${Math.ceil(i / 7)} Severe Errors; Elapsed Time=00hr 12min 34.56sec\n`,
  );
  out.end();
  await once(out, "close");
  return { bytes, warnings };
}

/** Runs a command, polling its VmHWM (peak resident memory) from /proc; returns stdout, time and peak. */
function measured(
  command: string,
  args: string[],
): Promise<{ stdout: string; ms: number; peakKb: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    let peakKb = 0;
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    const poll = setInterval(async () => {
      try {
        const status = await readFile(`/proc/${child.pid}/status`, "utf8");
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // the process has ended
      }
    }, 5);
    child.once("error", reject);
    child.once("close", (code) => {
      clearInterval(poll);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0 && code !== 1) reject(new Error(`${command} exited ${code}`));
      else resolve({ stdout, ms, peakKb });
    });
  });
}

/** The child side: parse one file and print the counts as JSON. */
async function child(file: string): Promise<void> {
  const report = await parseErrFile(file);
  process.stdout.write(
    JSON.stringify({
      warnings: report.markerCounts.warning,
      severe: report.markerCounts.severe,
      kept: report.messages.length,
      lines: report.lines,
    }),
  );
}

async function run(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), "bench-eplus-err-"));
  try {
    const file = join(dir, "eplusout.err");
    const { warnings } = await generate(file, SIZE_MB);
    const bytes = (await stat(file)).size;
    const mb = bytes / (1024 * 1024);
    // Warm the page cache for both, so neither pays for the disk alone.
    await measured("grep", ["-c", "\\*\\* Warning", file]);
    const grep = await measured("grep", ["-c", "\\*\\* Warning", file]);
    const parser = await measured(process.execPath, [
      "--no-warnings",
      "--import",
      "tsx",
      here,
      "--child",
      file,
    ]);
    const idle = await measured(process.execPath, [
      "--no-warnings",
      "--import",
      "tsx",
      "-e",
      "setTimeout(() => {}, 200)",
    ]);
    const parsed = JSON.parse(parser.stdout) as {
      warnings: number;
      severe: number;
      kept: number;
      lines: number;
    };
    const grepCount = Number(grep.stdout.trim());
    if (parsed.warnings !== warnings || grepCount !== warnings) {
      throw new Error(
        `counts differ: generated ${warnings}, parser ${parsed.warnings}, grep ${grepCount}`,
      );
    }
    const rate = (ms: number) => mb / (ms / 1000);
    return {
      name: "energyplus-err",
      description: `Streaming parse of a generated ${mb.toFixed(0)} MB eplusout.err (${parsed.lines} lines, ${warnings} warnings) by the EnergyPlus validator, against grep -c '\\*\\* Warning' on the same file.`,
      figures: [
        compare("throughput", rate(parser.ms), rate(grep.ms), "MB/s", "grep -c"),
        compare("wall time", parser.ms, grep.ms, "ms", "grep -c"),
        compare("peak memory (VmHWM)", parser.peakKb / 1024, grep.peakKb / 1024, "MiB", "grep -c"),
        {
          label: "peak memory of an idle Node + tsx process",
          value: idle.peakKb / 1024,
          unit: "MiB",
        },
        { label: "messages kept as findings", value: parsed.kept, unit: "messages" },
      ],
      notes: [
        "The parser runs in its own Node process (with tsx), so its wall time and memory include Node's start-up; the idle Node figure shows that share.",
        "grep only counts lines; the parser also joins continuation lines, merges repeats, keeps at most 500 messages and reads the final summary.",
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf("--child");
if (at >= 0) await child(process.argv[at + 1] ?? "");
else if (import.meta.url === `file://${process.argv[1]}`) await benchMain(run);
