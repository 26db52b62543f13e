import { type ChildProcess, spawn } from "node:child_process";
import { ValidibotError } from "@validibot/contracts";
import { TailBuffer } from "./tail-buffer";

/** What one `docker` command printed and how it exited. */
export interface DockerCliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Output kept per docker command; its answers are short. */
const OUTPUT_BYTES = 64 * 1024;

/**
 * Runs the docker CLI (never through a shell) and collects its output. Throws `launch_failed`
 * when the binary cannot be started at all; a non-zero exit is returned, not thrown.
 */
export function runDocker(
  binary: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<DockerCliResult> {
  return new Promise((resolve, reject) => {
    const { child, stdout, stderr } = spawnDocker(binary, args, env);
    child.once("error", (error) => reject(dockerUnavailable(binary, error)));
    child.once("close", (code) => resolve({ code, stdout: stdout.text(), stderr: stderr.text() }));
  });
}

/** Starts a long-lived docker command (`docker wait`) whose output is read when it ends. */
export function spawnDocker(
  binary: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; stdout: TailBuffer; stderr: TailBuffer } {
  const stdout = new TailBuffer(OUTPUT_BYTES);
  const stderr = new TailBuffer(OUTPUT_BYTES);
  const child = spawn(binary, args, { env, shell: false, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk: Buffer) => stdout.write(chunk));
  child.stderr?.on("data", (chunk: Buffer) => stderr.write(chunk));
  return { child, stdout, stderr };
}

function dockerUnavailable(binary: string, error: Error): ValidibotError {
  const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
  return new ValidibotError(
    "launch_failed",
    missing
      ? `the docker executable "${binary}" was not found: install Docker, or set the launcher's docker option to its path`
      : `could not run ${binary}: ${error.message}`,
    { cause: error },
  );
}

/** Whether docker's error output says the container does not exist. */
export function isNoSuchContainer(stderr: string): boolean {
  return /no such (container|object)/i.test(stderr);
}

/**
 * The error for a failed `docker run`: `launcher_job_not_found` when the image is missing,
 * `launcher_permission_denied` when the daemon refused the user, `launch_failed` otherwise.
 */
export function dockerRunError(image: string, result: DockerCliResult): ValidibotError {
  const said = result.stderr.trim() || `docker run exited with code ${result.code}`;
  const details = { image, exit_code: result.code };
  if (
    /unable to find image|pull access denied|manifest unknown|repository does not exist|not found: manifest|no such image/i.test(
      said,
    )
  ) {
    return new ValidibotError(
      "launcher_job_not_found",
      `the validator image ${image} was not found: build it (docker build -t ${image} <validator folder>) or pull it, or fix the launcher's image. Docker said: ${said}`,
      { details },
    );
  }
  if (/permission denied.*docker|docker.*permission denied/i.test(said)) {
    return new ValidibotError(
      "launcher_permission_denied",
      `the Docker daemon refused this user: add it to the docker group or use rootless Docker. Docker said: ${said}`,
      { details },
    );
  }
  if (/cannot connect to the docker daemon|is the docker daemon running/i.test(said)) {
    return new ValidibotError(
      "launch_failed",
      `the Docker daemon is not reachable: start Docker (or set DOCKER_HOST). Docker said: ${said}`,
      { details },
    );
  }
  return new ValidibotError("launch_failed", `docker run of ${image} failed: ${said}`, { details });
}
