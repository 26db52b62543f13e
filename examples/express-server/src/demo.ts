// `npm run demo`: the reference server on its embedded defaults (SQLite and files under
// ./.validibot, validators as local processes, Worker-Key callbacks to localhost), a real FMU
// built from the project's C source and an IDF model with deliberate problems submitted through
// the typed client, progress while they run, their findings and metrics as tables. Exits
// non-zero if any round trip did not end as expected.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { quietSqliteWarning } from "./quiet-sqlite-warning";

quietSqliteWarning();
const { createValidibotClient } = await import("@validibot/sdk/client");
const { createServer } = await import("./create-server");
const { loadSettings } = await import("./settings");
const { buildTestFmu } = await import(
  "../../../packages/validator-runtime/test/fmu/build-test-fmu"
);
const { pino } = await import("pino");

type Run = Awaited<ReturnType<ReturnType<typeof createValidibotClient>["getRun"]>>;

const SAMPLE_IDF = fileURLToPath(
  new URL(
    "../../../packages/validator-runtime/test/energyplus/fixtures/demo-problems.idf",
    import.meta.url,
  ),
);

/** What each demo run must end as for the round trip to count as working. */
interface Expectation {
  label: string;
  status: Run["status"];
  errorCategory: Run["error_category"];
  minErrors: number;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) =>
    Math.min(70, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))),
  );
  const cut = (text: string, width: number) =>
    text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => cut(c, widths[i] as number)).join("  ")}`;
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

async function main(): Promise<number> {
  const settings = loadSettings({
    ...process.env,
    PORT: process.env.PORT ?? "0",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  });
  const server = await createServer(settings, { logger: pino({ level: settings.logLevel }) });
  const running = await server.start();
  const scratch = mkdtempSync(join(tmpdir(), "validibot-demo-"));
  console.log(`Validibot reference server at ${running.url}`);
  console.log(`dashboard (logs in with the generated token): ${server.loginUrl(running.url)}`);
  console.log(`mode ${settings.mode}, data in ${settings.dataDir}\n`);
  let failures = 0;
  try {
    // The demo authenticates like any client: the admin token the server made at first start.
    const client = createValidibotClient({
      baseUrl: running.url,
      token: server.apiToken ?? undefined,
    });
    const fmu = await buildTestFmu({ fmiVersion: 2, dir: scratch, fileName: "first-order.fmu" });
    const submissions: [Expectation, Promise<Run>][] = [
      [
        {
          label: "FMU (FMI 2.0 first-order lag, compiled from C)",
          status: "SUCCEEDED",
          errorCategory: null,
          minErrors: 0,
        },
        client.submitRun({
          validator: "fmu",
          inputs: {
            input_values: { u: 1 },
            simulation: { start_time: 0, stop_time: 5, step_size: 0.05 },
          },
          files: [{ port_key: "fmu", name: "first-order.fmu", path: fmu.path }],
        }),
      ],
      [
        {
          label: "EnergyPlus model with deliberate problems (preflight checks)",
          status: "FAILED",
          errorCategory: "VALIDATION_FAILED",
          minErrors: 1,
        },
        client.submitRun({
          validator: "energyplus",
          inputs: {
            run_simulation: false,
            idf_checks: ["duplicate-names", "hvac-sizing", "schedule-coverage"],
          },
          files: [{ port_key: "primary_model", name: "demo-problems.idf", path: SAMPLE_IDF }],
        }),
      ],
    ];
    const runs = await Promise.all(submissions.map(([, submitted]) => submitted));
    for (const [i, run] of runs.entries()) {
      console.log(`submitted ${submissions[i]?.[0].label}: run ${run.id}`);
    }

    const last = new Map<string, string>();
    const ended = await Promise.all(
      runs.map(async (run) => {
        const deadline = Date.now() + 180_000;
        for (;;) {
          const now = await client.getRun(run.id);
          if (last.get(run.id) !== now.status) {
            last.set(run.id, now.status);
            console.log(`  ${run.id.slice(0, 8)} ${run.validator_id.padEnd(10)} ${now.status}`);
          }
          if (!["PENDING", "RUNNING"].includes(now.status) || Date.now() > deadline) return now;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }),
    );

    for (const [i, run] of ended.entries()) {
      const expectation = submissions[i]?.[0] as Expectation;
      const findings = await client.listFindings(run.id);
      const errors = findings.filter((f) => f.severity === "ERROR").length;
      console.log(`\n== ${expectation.label}`);
      console.log(
        `   run ${run.id}: ${run.status}${run.error_category ? ` / ${run.error_category}` : ""}`,
      );
      if (run.error_message) console.log(`   ${run.error_message}`);
      console.log(
        `\n${table(
          ["severity", "code", "location", "message"],
          findings.map((f) => [
            f.severity,
            f.code ?? "",
            [f.location?.path, f.location?.line ? `line ${f.location.line}` : null]
              .filter(Boolean)
              .join(" "),
            f.message,
          ]),
        )}`,
      );
      if (run.metrics.length) {
        console.log(
          `\n${table(
            ["metric", "value", "unit"],
            run.metrics.map((m) => [m.name, String(m.value), m.unit ?? ""]),
          )}`,
        );
      }
      if (run.artifacts.length)
        console.log(`\n   artifacts: ${run.artifacts.map((a) => a.name).join(", ")}`);
      const ok =
        run.status === expectation.status &&
        run.error_category === expectation.errorCategory &&
        errors >= expectation.minErrors;
      if (!ok) {
        failures += 1;
        console.error(
          `\n   ROUND TRIP FAILED: expected ${expectation.status}${expectation.errorCategory ? ` / ${expectation.errorCategory}` : ""}`,
        );
      }
    }
  } catch (error) {
    failures += 1;
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await running.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(
    failures
      ? `\n${failures} round trip(s) failed.`
      : "\nBoth round trips completed: submit, launch, validate, callback, findings.",
  );
  return failures ? 1 : 0;
}

process.exitCode = await main();
