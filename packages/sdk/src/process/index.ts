export {
  type BubblewrapPlan,
  type BubblewrapProbe,
  bubblewrapArgs,
  type DetectBubblewrapOptions,
  detectBubblewrap,
  findExecutable,
} from "./bubblewrap";
export { MAX_TIMER_MS, signalGroupMembers, signalProcessGroup } from "./process-group";
export {
  currentPidScope,
  identityOf,
  isRunning,
  type PidScope,
  type ProcessIdentity,
  processStartTicks,
} from "./process-identity";
export {
  DEFAULT_RESOURCE_LIMITS,
  prlimitCommand,
  type ResolvedLimits,
  type ResourceLimits,
  resolveLimits,
} from "./resource-limits";
export { commandReadOnlyPaths, installRootOf, storageRootOfBundle } from "./sandbox-paths";
export { TailBuffer } from "./tail-buffer";
