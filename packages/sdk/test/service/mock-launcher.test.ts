import { EnergyPlusOutputEnvelope, FMUOutputEnvelope } from "@validibot/contracts";
import { describe, expect, it } from "vitest";
import { mockResult } from "../../src/launchers/mock-results";
import type { LaunchRequest } from "../../src/launchers/types";
import { ENERGYPLUS, FMU } from "./harness";

const requestFor = (validator: typeof ENERGYPLUS) => ({ validator }) as unknown as LaunchRequest;

describe("mock results", () => {
  it("are the same for the same seed and input hash, and differ across inputs", () => {
    const a = mockResult(requestFor(ENERGYPLUS), "seed", "a".repeat(64), 1 / 3);
    expect(mockResult(requestFor(ENERGYPLUS), "seed", "a".repeat(64), 1 / 3)).toEqual(a);
    const others = ["b", "c", "d", "e"].map((c) =>
      mockResult(requestFor(ENERGYPLUS), "seed", c.repeat(64), 1 / 3),
    );
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
  });

  it("mix success and failed_validation at about the asked rate", () => {
    const statuses = Array.from(
      { length: 300 },
      (_, i) => mockResult(requestFor(FMU), "seed", i.toString(16).padStart(64, "0"), 1 / 3).status,
    );
    const failed = statuses.filter((s) => s === "failed_validation").length;
    expect(failed).toBeGreaterThan(60);
    expect(failed).toBeLessThan(140);
    expect(new Set(statuses)).toEqual(new Set(["success", "failed_validation"]));
  });

  it("fill the typed outputs of EnergyPlus and FMU envelopes validly", () => {
    for (const [validator, schema] of [
      [ENERGYPLUS, EnergyPlusOutputEnvelope],
      [FMU, FMUOutputEnvelope],
    ] as const) {
      const result = mockResult(requestFor(validator), "seed", "f".repeat(64), 0.5);
      const parsed = schema.shape.outputs.safeParse(result.outputs);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(result.metrics.length).toBeGreaterThan(2);
      const errors = result.messages.filter((m) => m.severity === "ERROR").length;
      expect(errors > 0).toBe(result.status === "failed_validation");
    }
  });
});
