import { SupportedMimeType } from "@validibot/contracts";
import { ExitCode } from "../exit-codes";
import { CliError } from "./cli-error";

/** One `--file <port_key>=<path>[:<mime>]`. */
export interface TryFileArg {
  portKey: string;
  path: string;
  /** The `:<mime>` override, when given. */
  mimeType: SupportedMimeType | null;
}

/** The arguments of `validibot-validator try`. */
export interface TryArgs {
  validator: string;
  files: TryFileArg[];
  inputs: Record<string, unknown>;
  timeoutSeconds: number;
  keep: boolean;
}

function usage(message: string): CliError {
  return new CliError(`${message} (see validibot-validator --help)`, ExitCode.usage);
}

function parseFile(value: string): TryFileArg {
  const eq = value.indexOf("=");
  if (eq <= 0 || eq === value.length - 1)
    throw usage(`--file expects <port_key>=<path>, got ${JSON.stringify(value)}`);
  const portKey = value.slice(0, eq);
  let path = value.slice(eq + 1);
  let mimeType: SupportedMimeType | null = null;
  const colon = path.lastIndexOf(":");
  if (colon > 0) {
    const mime = SupportedMimeType.safeParse(path.slice(colon + 1));
    if (mime.success) {
      mimeType = mime.data;
      path = path.slice(0, colon);
    }
  }
  return { portKey, path, mimeType };
}

function parseInputs(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw usage(`--inputs is not JSON: ${value}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw usage("--inputs must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

/** Parses the arguments after `try`; throws a `CliError` (exit 2) on anything it does not know. */
export function parseTryArgs(args: readonly string[]): TryArgs {
  const [validator, ...rest] = args;
  if (validator === undefined || validator.startsWith("--")) throw usage("try needs a validator");
  const parsed: TryArgs = { validator, files: [], inputs: {}, timeoutSeconds: 3600, keep: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 2 ? arg.slice(0, eq) : arg;
    const inline = eq > 2 ? arg.slice(eq + 1) : undefined;
    const value = () => {
      if (inline !== undefined) return inline;
      const next = rest[++i];
      if (next === undefined) throw usage(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case "--file":
        parsed.files.push(parseFile(value()));
        break;
      case "--inputs":
        parsed.inputs = parseInputs(value());
        break;
      case "--timeout": {
        const seconds = Number(value());
        if (!Number.isInteger(seconds) || seconds <= 0)
          throw usage("--timeout must be a whole number of seconds");
        parsed.timeoutSeconds = seconds;
        break;
      }
      case "--keep":
        parsed.keep = true;
        break;
      default:
        throw usage(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return parsed;
}
