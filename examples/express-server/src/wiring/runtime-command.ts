import { validatorCommand } from "@validibot/validator-runtime/command";

/** A command line: the executable and its first arguments. */
export interface CommandLine {
  command: string;
  args: string[];
}

/**
 * How to run `@validibot/validator-runtime`'s CLI (`validibot-validator`) with the current Node
 * executable: the package's own bin script, which runs the built CLI (or, in a checkout that was
 * not built, the TypeScript source through tsx). No PATH lookup, so it works wherever the
 * package is installed.
 */
export function runtimeCli(): CommandLine {
  return validatorCommand();
}
