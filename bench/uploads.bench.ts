// The `uploads` benchmark: the reference server's peak memory while it takes 4 concurrent 1 GiB
// multipart uploads (`POST /api/v1/validation-runs`, mock mode, SQLite + FilesystemStorage),
// against a bare Express route that drains the same uploads to nowhere, each server in a child
// process of its own, measured side by side. Peak RSS is the kernel's high-water mark (VmHWM).
// Goal: the server's peak at most 200 MiB, whatever the size of the uploads.
// Run alone: npx tsx bench/uploads.bench.ts   (part of `npm run bench`)
// BENCH_UPLOAD_MIB (default 1024) and BENCH_UPLOADS (default 4) change the size and the count.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type BenchResult, benchMain, compare, type Figure } from "./lib/report";

const MIB = 1024 * 1024;
const UPLOAD_MIB = Number(process.env.BENCH_UPLOAD_MIB ?? 1024);
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 4);
const BOUNDARY = "----validibot-bench-boundary";

/** `--serve validibot|bare <dataDir>`: this file run as the measured server. */
async function serve(kind: string, dataDir: string): Promise<void> {
  let url: string;
  if (kind === "bare") {
    const { default: express } = await import("express");
    const app = express();
    app.post("/api/v1/validation-runs", (req, res) => {
      req.resume();
      req.on("end", () => res.status(201).json({ drained: true }));
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", resolve));
    const address = server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  } else {
    const { createServer } = await import("../examples/express-server/src/create-server");
    const { loadSettings } = await import("../examples/express-server/src/settings");
    const settings = loadSettings({
      VALIDIBOT_MODE: "mock",
      VALIDIBOT_DATA_DIR: dataDir,
      PORT: "0",
      LOG_LEVEL: "silent",
      VALIDIBOT_MOCK_DELAY_MS: "0",
      RECONCILE_INTERVAL_SECONDS: "0",
      VALIDIBOT_MAX_UPLOAD_BYTES: String(UPLOAD_MIB * MIB + MIB),
      VALIDIBOT_MAX_CONCURRENT_UPLOADS: String(UPLOADS),
    });
    const server = await createServer(settings);
    url = (await server.start()).url;
  }
  process.stdout.write(`${JSON.stringify({ url })}\n`);
}

function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kib("VmRSS") * 1024, hwm: kib("VmHWM") * 1024 };
}

async function startChild(
  kind: string,
  dataDir: string,
): Promise<{ child: ChildProcess; url: string }> {
  const here = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    ["--no-warnings", "--import", "tsx", here, "--serve", kind, dataDir],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const parsed = JSON.parse(line) as { url: string };
    return { child, url: parsed.url };
  }
  throw new Error(`the ${kind} server exited before listening`);
}

/** Streams one multipart upload of `bytes` random-looking bytes, honouring back-pressure. */
function upload(url: string, bytes: number, chunk: Buffer): Promise<number> {
  const head = Buffer.from(
    [
      `--${BOUNDARY}`,
      'Content-Disposition: form-data; name="validator"',
      "",
      "fmu",
      `--${BOUNDARY}`,
      'Content-Disposition: form-data; name="inputs"',
      "",
      "{}",
      `--${BOUNDARY}`,
      'Content-Disposition: form-data; name="fmu"; filename="unit.fmu"',
      "Content-Type: application/vnd.fmi.fmu",
      "",
      "",
    ].join("\r\n"),
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/validation-runs`, {
      method: "POST",
      headers: {
        "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
        "content-length": String(head.length + bytes + tail.length),
      },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const piece = bytes - sent >= chunk.length ? chunk : chunk.subarray(0, bytes - sent);
        sent += piece.length;
        if (!req.write(piece)) {
          req.once("drain", pump);
          return;
        }
      }
      req.end(tail);
    };
    req.write(head);
    pump();
  });
}

interface Measured {
  idle: number;
  peak: number;
  statuses: number[];
  seconds: number;
}

async function measure(kind: string): Promise<Measured> {
  const dataDir = mkdtempSync(join(tmpdir(), `validibot-bench-uploads-${kind}-`));
  const { child, url } = await startChild(kind, dataDir);
  const pid = child.pid as number;
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = memoryOf(pid).rss;
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memoryOf(pid).rss);
    }, 25);
    const chunk = randomBytes(256 * 1024);
    const t0 = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: UPLOADS }, () => upload(url, UPLOAD_MIB * MIB, chunk)),
    );
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, memoryOf(pid).hwm);
    return { idle, peak, statuses, seconds };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The benchmark as `npm run bench` runs it. */
export async function run(): Promise<BenchResult> {
  const ours = await measure("validibot");
  const bare = await measure("bare");
  const gib = (UPLOAD_MIB * MIB * UPLOADS) / 1024 ** 3;
  const figures: Figure[] = [
    compare(
      `server peak RSS, ${UPLOADS} concurrent ${UPLOAD_MIB} MiB uploads`,
      ours.peak / MIB,
      bare.peak / MIB,
      "MiB",
      "bare Express route draining the same uploads",
    ),
    compare(
      "server peak RSS over its own idle RSS",
      ours.peak / MIB,
      ours.idle / MIB,
      "MiB",
      "the same server idle",
    ),
    compare(
      "upload throughput",
      gib / ours.seconds,
      gib / bare.seconds,
      "GiB/s",
      "bare Express route",
    ),
  ];
  const refused = ours.statuses.filter((status) => status !== 201);
  return {
    name: "uploads",
    description: `The reference server (mock mode, SQLite, FilesystemStorage) takes ${UPLOADS} concurrent multipart uploads of ${UPLOAD_MIB} MiB each to the runs API, streamed to its storage; its peak resident memory (sampled every 25 ms and the kernel's VmHWM) is set beside a bare Express route that drains the same uploads, each server a child process of its own, run one after the other.`,
    figures,
    notes: [
      "Goal: server peak RSS at most 200 MiB for 4 concurrent 1 GiB uploads.",
      refused.length
        ? `Answers other than 201: ${refused.join(", ")}`
        : `Every upload answered 201 (${UPLOADS} runs created).`,
    ],
  };
}

const at = process.argv.indexOf("--serve");
if (at >= 0) {
  await serve(process.argv[at + 1] as string, process.argv[at + 2] as string);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await benchMain(run);
}
