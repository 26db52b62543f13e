/** How the load test is run: `npm run load-test -- [--runs N] [--concurrency N] ...`. */
export interface LoadTestOptions {
  /** `--runs`: runs submitted. Default 1,000; at most 20,000 (the test is bounded in count). */
  runs: number;
  /** `--concurrency`: submissions and callbacks in flight at once. Default 1,000 (capped at `runs`). */
  concurrency: number;
  /** `--time-limit`: seconds before the test gives up and fails. Default 300; at most 1,800. */
  timeLimitSeconds: number;
  /** `--duplicate-rate`: share of runs whose callback is sent twice. Default 0.10. */
  duplicateRate: number;
  /** `--forge-rate`: share of runs whose genuine callback follows a forged one. Default 0.05. */
  forgeRate: number;
  /** `--seed`: seeds which runs are duplicated or forged and what each result holds. Default `validibot-load`. */
  seed: string;
  /** `--json`: also write the report as JSON here. Default: none. */
  jsonPath: string | null;
}

const USAGE =
  "usage: npm run load-test -- [--runs N] [--concurrency N] [--time-limit SECONDS] [--duplicate-rate R] [--forge-rate R] [--seed TEXT] [--json PATH]";

function number(name: string, raw: string | undefined, min: number, max: number): number {
  const value = Number(raw);
  if (
    raw === undefined ||
    raw.trim() === "" ||
    !Number.isFinite(value) ||
    value < min ||
    value > max
  ) {
    throw new Error(`${name} must be a number from ${min} to ${max}\n${USAGE}`);
  }
  return value;
}

/** Reads the options from the command line; throws a message with the usage on a bad one. */
export function parseOptions(argv: string[]): LoadTestOptions {
  const options: LoadTestOptions = {
    runs: 1000,
    concurrency: 1000,
    timeLimitSeconds: 300,
    duplicateRate: 0.1,
    forgeRate: 0.05,
    seed: "validibot-load",
    jsonPath: null,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i] as string;
    const value = argv[i + 1];
    i += 1;
    switch (name) {
      case "--runs":
        options.runs = Math.floor(number(name, value, 1, 20_000));
        break;
      case "--concurrency":
        options.concurrency = Math.floor(number(name, value, 1, 20_000));
        break;
      case "--time-limit":
        options.timeLimitSeconds = number(name, value, 1, 1800);
        break;
      case "--duplicate-rate":
        options.duplicateRate = number(name, value, 0, 1);
        break;
      case "--forge-rate":
        options.forgeRate = number(name, value, 0, 1);
        break;
      case "--seed":
        if (!value) throw new Error(`--seed needs a value\n${USAGE}`);
        options.seed = value;
        break;
      case "--json":
        if (!value) throw new Error(`--json needs a path\n${USAGE}`);
        options.jsonPath = value;
        break;
      default:
        throw new Error(`unknown argument ${name}\n${USAGE}`);
    }
  }
  if (options.duplicateRate + options.forgeRate > 1) {
    throw new Error(`--duplicate-rate and --forge-rate add up to more than 1\n${USAGE}`);
  }
  options.concurrency = Math.min(options.concurrency, options.runs);
  return options;
}
