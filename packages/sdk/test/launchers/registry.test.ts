import { isValidibotError } from "@validibot/contracts";
import { type Launcher, LauncherRegistry } from "@validibot/sdk/launchers";
import { describe, expect, it } from "vitest";

/** A launcher that only knows its name and whether it was closed: what the registry touches. */
function named(name: string, closeError?: Error): Launcher & { closed: number } {
  return {
    name,
    closed: 0,
    launch: () => Promise.reject(new Error("not launched in registry tests")),
    status: () => Promise.resolve({ state: "unknown" }),
    cancel: () => Promise.resolve(),
    async close() {
      this.closed++;
      if (closeError) throw closeError;
    },
  };
}

const energyplus = { id: "energyplus-main", type: "ENERGYPLUS" } as const;
const fmu = { id: "fmu-main", type: "FMU" } as const;
const special = { id: "energyplus-special", type: "ENERGYPLUS" } as const;

describe("LauncherRegistry", () => {
  it("chooses by validator id, then by type, then the default", () => {
    const byId = named("docker");
    const byType = named("cloud-run");
    const fallback = named("local-process");
    const registry = new LauncherRegistry({
      byValidatorId: { [special.id]: byId },
      byValidatorType: { ENERGYPLUS: byType },
      default: fallback,
    });
    expect(registry.launcherFor(special)).toBe(byId);
    expect(registry.launcherFor(energyplus)).toBe(byType);
    expect(registry.launcherFor(fmu)).toBe(fallback);
  });

  it("finds the launcher of an attempt by name, and nothing for an unknown name", () => {
    const docker = named("docker");
    const local = named("local-process");
    const registry = new LauncherRegistry({ byValidatorType: { FMU: docker }, default: local });
    expect(registry.get("docker")).toBe(docker);
    expect(registry.get("local-process")).toBe(local);
    expect(registry.get("mock")).toBeUndefined();
  });

  it("fails launch_failed for a validator no launcher covers", () => {
    const registry = new LauncherRegistry({ byValidatorType: { FMU: named("docker") } });
    const error = (() => {
      try {
        registry.launcherFor(energyplus);
      } catch (e) {
        return e;
      }
    })();
    expect(isValidibotError(error) && error.code).toBe("launch_failed");
    expect((error as Error).message).toContain("energyplus-main");
  });

  it("refuses two different launchers with one name", () => {
    expect(
      () =>
        new LauncherRegistry({
          byValidatorType: { FMU: named("docker") },
          default: named("docker"),
        }),
    ).toThrow(/two different launchers are named "docker"/);
  });

  it("closes each launcher once, even one registered twice, and all of them when one fails", async () => {
    const shared = named("docker");
    const failing = named("cloud-run", new Error("close failed"));
    const other = named("local-process");
    const registry = new LauncherRegistry({
      byValidatorId: { [special.id]: shared },
      byValidatorType: { ENERGYPLUS: shared, FMU: failing },
      default: other,
    });
    await expect(registry.close()).rejects.toThrow("close failed");
    expect([shared.closed, failing.closed, other.closed]).toEqual([1, 1, 1]);
    expect(registry.launchers).toHaveLength(3);
  });
});
