// Run from the repository root:
//   node --import tsx bench/runtime.bench.ts [--reps 15] [--sizes-mib 64,256,1024]
// Uses packages/validator-runtime/dist when built (npm run build -w @validibot/validator-runtime),
// else the TypeScript sources through tsx; the report says which.
//
// (a) Wall time of `validibot-validator run` around a validator that does nothing (read input.json,
//     write output.json, post a Worker-Key callback to a loopback host) against `node -e 0`.
// (b) Peak RSS of a process that stages one large input file (64 MiB, 256 MiB, 1 GiB): streaming
//     keeps memory flat as the file grows (what remains is garbage awaiting GC, bounded by V8's
//     external-memory limit, not by the file size).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ATTEMPT_CONTRACT_VERSION, callbackNonceCommitment } from "@validibot/contracts";
import { FilesystemStorage } from "@validibot/sdk/storage";
import { type BenchResult, benchMain, compare } from "./lib/report";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DIST = join(ROOT, "packages/validator-runtime/dist");
const useDist = existsSync(join(DIST, "cli.js")) && existsSync(join(DIST, "index.js"));
const RUNTIME_MODULE = useDist
  ? pathToFileURL(join(DIST, "index.js")).href
  : "@validibot/validator-runtime";
const WORKER_KEY = "bench-worker-key-0123456789abcdef";
const MIB = 1024 * 1024;

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

/** Runs a command to its end; resolves with its wall time in ms, its exit code and stdout. */
function time(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ ms: number; code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const started = performance.now();
      const child = spawn(command, args, {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => {
        stdout += c;
      });
      child.stderr.on("data", (c: Buffer) => {
        stderr += c;
      });
      child.once("error", reject);
      child.once("close", (code) =>
        resolve({ ms: performance.now() - started, code, stdout, stderr }),
      );
    },
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Writes an attempt bundle (one input file of `bytes` zero-free bytes) and returns its input URI. */
async function bundle(folder: string, bytes: number, callbackUrl: string | null): Promise<string> {
  const storage = new FilesystemStorage({ root: folder });
  const chunk = Buffer.alloc(MIB, 0x5a);
  const body = Readable.from(
    (function* () {
      for (let left = bytes; left > 0; left -= MIB)
        yield left >= MIB ? chunk : chunk.subarray(0, left);
    })(),
  );
  const files =
    bytes > 0
      ? [await storage.put("big.bin", body)].map((f) => ({
          size_bytes: f.size_bytes,
          sha256: f.sha256,
          storage_version: f.storage_version,
          name: "big.json",
          mime_type: "application/json",
          role: null,
          port_key: "data",
          uri: f.uri,
        }))
      : [];
  const nonce = "n".repeat(43);
  const envelope = {
    schema_version: "validibot.input.v1",
    run_id: "bench-run",
    validator: { id: "bench", type: "CUSTOM_VALIDATOR", version: "0" },
    org: { id: "o", name: "o" },
    workflow: { id: "w", step_id: "s" },
    input_files: files,
    inputs: {},
    context: {
      execution_attempt_id: "bench-attempt",
      step_run_id: "bench-step",
      attempt_contract_version: ATTEMPT_CONTRACT_VERSION,
      expected_output_uri: storage.uriFor("output.json"),
      callback_id: "bench-callback",
      callback_nonce: nonce,
      callback_nonce_commitment: callbackNonceCommitment(nonce),
      callback_url: callbackUrl,
      skip_callback: callbackUrl === null,
      execution_bundle_uri: storage.uriFor("input.json").slice(0, -"input.json".length),
    },
  };
  return (await storage.put("input.json", JSON.stringify(envelope))).uri;
}

/** Child mode: run a do-nothing validator on one bundle in this process and print its peak RSS. */
async function stageChild(inputUri: string): Promise<void> {
  const runtime = (await import(RUNTIME_MODULE)) as typeof import("@validibot/validator-runtime");
  const validator = runtime.defineValidator({
    type: "CUSTOM_VALIDATOR",
    version: "0",
    run: async () => undefined,
  });
  const outcome = await runtime.runAttempt(validator, {
    args: [inputUri],
    env: {},
    handleSignals: false,
    log: runtime.silentLogger,
  });
  if (outcome.exitCode !== 0) throw new Error(`attempt failed: ${outcome.error}`);
  process.stdout.write(
    JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, status: outcome.status }),
  );
}

async function wallTime(reps: number, work: string) {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(req.headers.authorization === `Worker-Key ${WORKER_KEY}` ? 200 : 401).end();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
  const noopModule = join(work, "noop-validator.mjs");
  const fixture = join(ROOT, "packages/validator-runtime/test/fixtures/noop-validator.ts");
  writeFileSync(
    noopModule,
    `import { defineValidator } from ${JSON.stringify(RUNTIME_MODULE)};\nexport default defineValidator({ type: "CUSTOM_VALIDATOR", version: "0", run: async () => undefined });\n`,
  );
  const cli = useDist
    ? { command: process.execPath, args: [join(DIST, "cli.js"), "run", noopModule] }
    : {
        command: process.execPath,
        args: [
          "--import",
          "tsx",
          join(ROOT, "packages/validator-runtime/src/cli.ts"),
          "run",
          fixture,
        ],
      };
  const inputs: string[] = [];
  for (let i = 0; i < reps + 1; i++) inputs.push(await bundle(join(work, `wall-${i}`), 0, url));
  const node: number[] = [];
  const runtime: number[] = [];
  // One warm-up of each, then alternate so drift hits both sides alike.
  await time(process.execPath, ["-e", "0"]);
  await time(cli.command, [...cli.args, inputs[reps] as string], { WORKER_API_KEY: WORKER_KEY });
  for (let i = 0; i < reps; i++) {
    node.push((await time(process.execPath, ["-e", "0"])).ms);
    const run = await time(cli.command, [...cli.args, inputs[i] as string], {
      WORKER_API_KEY: WORKER_KEY,
    });
    if (run.code !== 0)
      throw new Error(`validibot-validator run exited ${run.code}: ${run.stderr}`);
    runtime.push(run.ms);
  }
  server.close();
  return { node: median(node), runtime: median(runtime) };
}

async function peakMemory(sizesMiB: number[], work: string) {
  const rows: { mib: number; rssMiB: number; seconds: number }[] = [];
  for (const mib of sizesMiB) {
    const folder = join(work, `mem-${mib}`);
    const inputUri = await bundle(folder, mib * MIB, null);
    const run = await time(process.execPath, [
      "--import",
      "tsx",
      fileURLToPath(import.meta.url),
      "--stage-child",
      inputUri,
    ]);
    if (run.code !== 0) throw new Error(`staging child exited ${run.code}: ${run.stderr}`);
    const { maxRssKiB } = JSON.parse(run.stdout) as { maxRssKiB: number };
    rows.push({ mib, rssMiB: maxRssKiB / 1024, seconds: run.ms / 1000 });
    rmSync(folder, { recursive: true, force: true });
  }
  return rows;
}

/** The benchmark as `npm run bench` runs it. */
export async function run(): Promise<BenchResult> {
  const reps = arg("reps", 15);
  const sizesIndex = process.argv.indexOf("--sizes-mib");
  const sizes = (sizesIndex === -1 ? "64,256,1024" : (process.argv[sizesIndex + 1] ?? ""))
    .split(",")
    .map(Number);
  const work = mkdtempSync(join(tmpdir(), "validibot-runtime-bench-"));
  try {
    const wall = await wallTime(reps, work);
    const memory = await peakMemory(sizes, work);
    const smallest = memory[0];
    const largest = memory.at(-1);
    if (!smallest || !largest) throw new Error("no staging measurement");
    return {
      name: "runtime",
      description: `(a) Wall time of \`validibot-validator run\` (${useDist ? "built dist" : "TypeScript sources via tsx"}) around a validator that does nothing, median of ${reps}, against \`node -e 0\` run alternately. (b) Peak RSS of the runtime staging one input file (streamed, digest checked), for ${sizes.join(", ")} MiB: memory must stay flat as the file grows.`,
      figures: [
        compare(
          "run <no-op validator>, median wall time",
          wall.runtime,
          wall.node,
          "ms",
          "node -e 0",
        ),
        { label: "runtime's own cost per attempt", value: wall.runtime - wall.node, unit: "ms" },
        ...memory.map((row) => ({
          label: `peak RSS staging ${row.mib} MiB`,
          value: row.rssMiB,
          unit: "MiB",
        })),
        compare(
          `peak RSS, ${largest.mib} MiB file vs ${smallest.mib} MiB file`,
          largest.rssMiB,
          smallest.rssMiB,
          "MiB",
          `${smallest.mib} MiB file`,
        ),
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const childIndex = process.argv.indexOf("--stage-child");
if (childIndex !== -1) await stageChild(process.argv[childIndex + 1] as string);
else if (import.meta.url === `file://${process.argv[1]}`) await benchMain(run);
