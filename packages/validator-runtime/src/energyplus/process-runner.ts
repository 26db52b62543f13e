import type { ValidatorContext } from "../types";

/**
 * The one thing the simulation needs from its host: running a child process with a timeout and
 * output tails. A `ValidatorContext` satisfies it; `localProcessRunner` does outside the runtime.
 */
export type ProcessRunner = Pick<ValidatorContext<unknown>, "runProcess">;
