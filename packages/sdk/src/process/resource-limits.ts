/**
 * Kernel resource limits (`setrlimit`) of a sandboxed process and everything it starts. Each is
 * a number, or null for no limit. They bound what one hostile upload can take from the machine;
 * the attempt's timeout still bounds wall time.
 */
export interface ResourceLimits {
  /**
   * CPU seconds per process (`RLIMIT_CPU`): the kernel kills a process past it. Default: the
   * attempt's timeout times the number of CPUs, so it never ends a run the timeout would allow.
   */
  cpuSeconds?: number | null;
  /**
   * Virtual address space per process in bytes (`RLIMIT_AS`). Default: 32 GiB. Not a memory
   * limit: Node.js and WebAssembly reserve far more address space than they use (below about
   * 24 GiB a WebAssembly instance cannot even be created), so this only stops runaway allocations.
   */
  addressSpaceBytes?: number | null;
  /** Largest file a process may write, in bytes (`RLIMIT_FSIZE`): a write past it fails with `EFBIG`. Default: 4 GiB. */
  fileSizeBytes?: number | null;
  /**
   * Processes (threads included) of the sandbox's user (`RLIMIT_NPROC`): stops fork bombs.
   * Default: 512. The kernel does not apply it to root (uid 0 outside the sandbox).
   */
  processes?: number | null;
  /** Open file descriptors per process (`RLIMIT_NOFILE`). Default: 4096. */
  openFiles?: number | null;
}

/** The defaults of `ResourceLimits` that do not depend on the attempt. */
export const DEFAULT_RESOURCE_LIMITS = {
  addressSpaceBytes: 32 * 1024 ** 3,
  fileSizeBytes: 4 * 1024 ** 3,
  processes: 512,
  openFiles: 4096,
} as const;

/** `ResourceLimits` with every default applied: a number, or null for no limit. */
export type ResolvedLimits = { [K in keyof ResourceLimits]-?: number | null };

/** The limits for one attempt: `limits` over the defaults, the CPU default from its timeout. */
export function resolveLimits(
  limits: ResourceLimits | undefined,
  timeoutSeconds: number,
  cpus: number,
): ResolvedLimits {
  const cpuDefault = timeoutSeconds > 0 ? Math.ceil(timeoutSeconds) * Math.max(1, cpus) : null;
  const pick = (value: number | null | undefined, fallback: number | null) => {
    const chosen = value === undefined ? fallback : value;
    if (chosen !== null && !(Number.isSafeInteger(chosen) && chosen > 0)) {
      throw new RangeError(`a resource limit must be a positive integer or null, got ${chosen}`);
    }
    return chosen;
  };
  return {
    cpuSeconds: pick(limits?.cpuSeconds, cpuDefault),
    addressSpaceBytes: pick(limits?.addressSpaceBytes, DEFAULT_RESOURCE_LIMITS.addressSpaceBytes),
    fileSizeBytes: pick(limits?.fileSizeBytes, DEFAULT_RESOURCE_LIMITS.fileSizeBytes),
    processes: pick(limits?.processes, DEFAULT_RESOURCE_LIMITS.processes),
    openFiles: pick(limits?.openFiles, DEFAULT_RESOURCE_LIMITS.openFiles),
  };
}

/**
 * The `prlimit` (util-linux) command line that runs `command` under `limits`, soft and hard limit
 * alike (so the process cannot raise them again), core dumps off.
 */
export function prlimitCommand(
  prlimit: string,
  limits: ResolvedLimits,
  command: string,
  args: string[],
): string[] {
  const flags: string[] = ["--core=0"];
  const add = (flag: string, value: number | null) => {
    if (value !== null) flags.push(`--${flag}=${value}:${value}`);
  };
  add("cpu", limits.cpuSeconds);
  add("as", limits.addressSpaceBytes);
  add("fsize", limits.fileSizeBytes);
  add("nproc", limits.processes);
  add("nofile", limits.openFiles);
  return [prlimit, ...flags, "--", command, ...args];
}
