import type {
  ExecutionStatus,
  LaunchContext,
  Launcher,
  LaunchRequest,
  LaunchResult,
} from "../../src/launchers/types";

/**
 * A launcher for service tests that starts nothing: it records each launch so the test can act
 * as the validator (write output.json, post the callback), and answers `status` as told.
 */
export class RecordingLauncher implements Launcher {
  readonly name: string;
  readonly launches: { request: LaunchRequest; context: LaunchContext }[] = [];
  readonly cancelled: string[] = [];
  /** What `status` answers. */
  state: ExecutionStatus = { state: "running" };
  /** Set to make `launch` throw. */
  failWith: Error | null = null;
  /** Runs inside `launch`, before it returns (e.g. to deliver a callback early). */
  duringLaunch: ((request: LaunchRequest, context: LaunchContext) => Promise<void>) | null = null;

  constructor(name = "recording") {
    this.name = name;
  }

  async launch(request: LaunchRequest, context: LaunchContext): Promise<LaunchResult> {
    if (this.failWith) throw this.failWith;
    this.launches.push({ request, context });
    await this.duringLaunch?.(request, context);
    return { executionRef: `exec-${request.attempt.id}` };
  }

  async status(): Promise<ExecutionStatus> {
    return this.state;
  }

  async cancel(executionRef: string): Promise<void> {
    this.cancelled.push(executionRef);
  }

  /** The request of the latest launch. */
  get last(): LaunchRequest {
    const last = this.launches.at(-1);
    if (!last) throw new Error("nothing was launched");
    return last.request;
  }
}
