import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProcessSupervisor } from "@validibot/validator-runtime";
import { describe, expect, it } from "vitest";
import { isAlive, until } from "./support/cli-process";

function supervisor(
  options: { env?: NodeJS.ProcessEnv; killGraceMs?: number; signal?: AbortSignal } = {},
) {
  return new ProcessSupervisor({
    signal: options.signal ?? new AbortController().signal,
    deadline: new Date(Date.now() + 60_000),
    cwd: mkdtempSync(join(tmpdir(), "vr-proc-")),
    env: options.env ?? { PATH: process.env.PATH },
    killGraceMs: options.killGraceMs ?? 500,
  });
}

describe("ctx.runProcess", () => {
  it("resolves with the exit code and the output tails, whatever the exit code", async () => {
    const result = await supervisor().run(
      process.execPath,
      [
        "-e",
        "process.stdout.write('out'.repeat(10)); process.stderr.write('err'); process.exit(3)",
      ],
      { tailBytes: 7 },
    );
    expect(result).toMatchObject({
      exitCode: 3,
      signal: null,
      timedOut: false,
      cancelled: false,
      stdoutTail: "out".repeat(10).slice(-7),
      stderrTail: "err",
    });
  });

  it("passes arguments without a shell, runs in the scratch folder and merges the environment", async () => {
    const sup = supervisor({
      env: { PATH: process.env.PATH, KEEP: "kept", WORKER_API_KEY: "secret" },
    });
    const result = await sup.run(
      process.execPath,
      [
        "-e",
        "console.log(JSON.stringify([process.argv[1], process.cwd(), process.env.KEEP, process.env.EXTRA, process.env.WORKER_API_KEY ?? null]))",
        "$HOME; rm -rf /",
      ],
      { env: { EXTRA: "extra" } },
    );
    const [arg, cwd, keep, extra, key] = JSON.parse(result.stdoutTail);
    expect(arg).toBe("$HOME; rm -rf /");
    expect(cwd).toMatch(/vr-proc-/);
    expect([keep, extra]).toEqual(["kept", "extra"]);
    // The callback secret is not handed to children.
    expect(key).toBeNull();
  });

  it("rejects with a clear error when the command cannot be started", async () => {
    await expect(supervisor().run("no-such-binary-here", [])).rejects.toThrow(
      /could not start "no-such-binary-here": command not found \(ENOENT\)/,
    );
    await expect(
      supervisor().run(process.execPath, [], { cwd: "/nonexistent/folder" }),
    ).rejects.toThrow(/working folder \/nonexistent\/folder does not exist/);
  });

  it("kills the whole process group on timeout, SIGKILL after the grace", async () => {
    const result = await supervisor({ killGraceMs: 200 }).run(
      "sh",
      ["-c", "trap '' TERM; sleep 30 & echo $!; wait"],
      { timeoutMs: 300 },
    );
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe("SIGKILL");
    const grandchild = Number(result.stdoutTail.trim());
    expect(grandchild).toBeGreaterThan(0);
    await until(() => !isAlive(grandchild));
  });

  it("stops the child when the attempt is cancelled", async () => {
    const controller = new AbortController();
    const sup = supervisor({ signal: controller.signal });
    const running = sup.run("sleep", ["30"]);
    await until(() => sup.running === 1);
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({
      cancelled: true,
      timedOut: false,
      signal: "SIGTERM",
      exitCode: null,
    });
    expect(sup.running).toBe(0);
    // Once cancelled, nothing new starts.
    const late = await sup.run("sleep", ["30"]);
    expect(late).toMatchObject({ cancelled: true, exitCode: null });
  });
});
