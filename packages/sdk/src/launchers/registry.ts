import type { ValidatorType } from "@validibot/contracts";
import { ValidibotError } from "@validibot/contracts";
import type { ValidatorDefinition } from "../validators";
import type { Launcher } from "./types";

/** Which launcher runs which validator. */
export interface LauncherRegistryOptions {
  /** Launchers for particular validators, by validator id. Checked first. */
  byValidatorId?: Record<string, Launcher>;
  /** Launchers for every validator of a type (`ENERGYPLUS`, `FMU`, ...). Checked second. */
  byValidatorType?: Partial<Record<ValidatorType, Launcher>>;
  /** The launcher for every other validator. Default: none (such validators cannot launch). */
  default?: Launcher;
}

/**
 * Chooses the launcher for each validator (by validator id, then by type, then the default) and
 * finds the launcher that produced an attempt again by its `name`, for `status()` and `cancel()`.
 * Launcher names must be unique: two distinct launchers with one name throw `invalid_request`.
 */
export class LauncherRegistry {
  private readonly byId: Map<string, Launcher>;
  private readonly byType: Map<string, Launcher>;
  private readonly fallback: Launcher | undefined;
  private readonly byName = new Map<string, Launcher>();

  constructor(options: LauncherRegistryOptions) {
    this.byId = new Map(Object.entries(options.byValidatorId ?? {}));
    this.byType = new Map(
      Object.entries(options.byValidatorType ?? {}).filter(
        (entry): entry is [string, Launcher] => entry[1] !== undefined,
      ),
    );
    this.fallback = options.default;
    const all = [...this.byId.values(), ...this.byType.values()];
    if (this.fallback) all.push(this.fallback);
    for (const launcher of all) {
      const known = this.byName.get(launcher.name);
      if (known && known !== launcher) {
        throw new ValidibotError(
          "invalid_request",
          `two different launchers are named "${launcher.name}"; give each a distinct name so attempts can find theirs again`,
          { details: { name: launcher.name } },
        );
      }
      this.byName.set(launcher.name, launcher);
    }
  }

  /** Every distinct launcher, each once. */
  get launchers(): Launcher[] {
    return [...this.byName.values()];
  }

  /**
   * The launcher for `validator`: by id, else by type, else the default. Throws `launch_failed`
   * when none applies.
   */
  launcherFor(validator: Pick<ValidatorDefinition, "id" | "type">): Launcher {
    const launcher =
      this.byId.get(validator.id) ?? this.byType.get(validator.type) ?? this.fallback;
    if (!launcher) {
      throw new ValidibotError(
        "launch_failed",
        `no launcher is configured for validator ${validator.id} (type ${validator.type}) and there is no default`,
        { details: { validator_id: validator.id, validator_type: validator.type } },
      );
    }
    return launcher;
  }

  /** The launcher named `name` (an attempt's `launcher`), or undefined. */
  get(name: string): Launcher | undefined {
    return this.byName.get(name);
  }

  /** Closes every launcher once; all are closed even when one fails, then the first error is thrown. */
  async close(): Promise<void> {
    const results = await Promise.allSettled(this.launchers.map((launcher) => launcher.close?.()));
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  }
}
