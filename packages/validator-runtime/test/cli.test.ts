import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isValidator } from "@validibot/validator-runtime";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main";
import { createTestBundle } from "./support/bundle";
import { type CliResult, fixture, runCli } from "./support/cli-process";

/** Runs the CLI's `main` in this process, capturing what it writes and logs. */
async function cli(args: string[]): Promise<CliResult & { log: string }> {
  let stdout = "";
  let stderr = "";
  let log = "";
  const code = await main(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    log: (line) => {
      log += `${line}\n`;
    },
  });
  return { code, signal: null, stdout, stderr, log };
}

function modelFile(content: object): string {
  const path = join(mkdtempSync(join(tmpdir(), "vr-try-")), "model.json");
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe("validibot-validator try", () => {
  it("prints the findings and metrics as tables and exits 0 on success (as a child process)", async () => {
    const model = modelFile({ errors: 0, warnings: 2 });
    const result = await runCli([
      "try",
      fixture("report-validator.ts"),
      "--file",
      `model=${model}`,
    ]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines).toContain("CUSTOM_VALIDATOR validator 2.1.0");
    const header = lines.findIndex((l) => /^SEVERITY +CODE +LOCATION +TEXT$/.test(l));
    expect(header).toBeGreaterThan(-1);
    const textColumn = lines[header]?.indexOf("TEXT");
    expect(lines[header + 1]).toMatch(/^WARNING +model\.warning +- +warning number 1$/);
    expect(lines[header + 2]?.indexOf("warning number 2")).toBe(textColumn);
    expect(lines.some((l) => /^NAME +VALUE +UNIT$/.test(l))).toBe(true);
    expect(lines.some((l) => /^error_count +0 +count$/.test(l))).toBe(true);
    expect(lines.some((l) => /^model_bytes +\d+ +B$/.test(l))).toBe(true);
    expect(lines).toContain("Status: success");
  });

  it("exits 1 when the status is not success, showing each finding's location", async () => {
    const model = modelFile({ errors: 2 });
    const result = await cli([
      "try",
      fixture("report-validator.ts"),
      `--file=model=${model}:application/json`,
      "--inputs",
      '{"strict": true}',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ERROR +model\.error +model:10:2 items\[0\] +error number 1$/m);
    expect(result.stdout).toMatch(/^ERROR +model\.error +model:11:2 items\[1\] +error number 2$/m);
    expect(result.stdout).toContain("Status: failed_validation");
  });

  it("reports a missing port as a failed_runtime finding", async () => {
    const result = await cli(["try", fixture("report-validator.ts")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^ERROR +validator_crashed +- +The validator failed: no file was submitted for port "model"/m,
    );
    expect(result.stdout).toContain("Status: failed_runtime");
  });

  it("refuses unknown arguments and missing files with usage errors (exit 2)", async () => {
    const unknown = await cli(["try", fixture("noop-validator.ts"), "--frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown argument "--frobnicate"');
    const missing = await cli([
      "try",
      fixture("noop-validator.ts"),
      "--file",
      "model=/nonexistent/x.json",
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no file at /nonexistent/x.json");
  });
});

describe("validibot-validator run, in-process", () => {
  it("takes the input URI from the first argument", async () => {
    const bundle = await createTestBundle({ callbackUrl: null });
    const result = await cli(["run", fixture("noop-validator.ts"), bundle.inputUri]);
    expect(result.code).toBe(0);
    expect(result.log).toContain("callback skipped");
    expect(JSON.parse(await bundle.readText("output.json"))).toMatchObject({
      run_id: bundle.envelope.run_id,
      status: "success",
    });
  });

  it("exits 10 without writing anything when there is no input", async () => {
    const result = await cli(["run", fixture("noop-validator.ts")]);
    expect(result.code).toBe(10);
    expect(result.log).toContain("VALIDIBOT_INPUT_URI");
  });
});

describe("validibot-validator commands and validators", () => {
  it("--help prints the usage; unknown commands print it and exit 2", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("validibot-validator run <validator>");
    const unknown = await cli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stderr).toContain("Usage:");
    const bare = await cli(["run"]);
    expect(bare.code).toBe(2);
  });

  it("refuses a module without a validator as its default export (exit 3)", async () => {
    const result = await cli(["run", fixture("not-a-validator.ts")]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("has no validator as its default export");
    const gone = await cli(["run", "/nonexistent/validator.js"]);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain("cannot load the validator module /nonexistent/validator.js");
  });

  for (const name of ["energyplus", "fmu"] as const) {
    it(`run ${name}: loads the built-in validator, or says clearly that this build lacks it`, async () => {
      const module = (await import(`@validibot/validator-runtime/${name}`)) as {
        default?: unknown;
      };
      const result = await cli(["run", name]);
      expect(result.stderr).not.toContain("internal error");
      if (isValidator(module.default)) {
        // Present: it runs, and with no input it stops at reading the envelope.
        expect(result.code).toBe(10);
      } else {
        expect(result.code).toBe(3);
        expect(result.stderr).toContain(`the ${name} validator is not available in this build`);
      }
    });
  }
});
