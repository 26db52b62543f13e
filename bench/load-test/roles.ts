import type { SeededRandom } from "@validibot/sdk";
import { FORGERIES, type Forgery } from "./forgeries";

/** What the load test does with one run's callback. */
export type Role =
  | { kind: "plain" }
  /** Sent twice: both at once (`concurrent`), or again after the first was answered. */
  | { kind: "duplicate"; concurrent: boolean }
  /** A forged callback first, then the genuine one. */
  | { kind: "forged"; forgery: Forgery };

/**
 * The role of each of `runs` runs: a seeded shuffle, whose first `duplicateRate` share is
 * duplicated (alternately at once and after) and whose next `forgeRate` share is forged (the
 * kinds of `FORGERIES` in turn).
 */
export function assignRoles(
  runs: number,
  duplicateRate: number,
  forgeRate: number,
  random: SeededRandom,
): Role[] {
  const order = Array.from({ length: runs }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const duplicates = Math.round(runs * duplicateRate);
  const forged = Math.round(runs * forgeRate);
  const roles: Role[] = order.map(() => ({ kind: "plain" }));
  order.forEach((run, position) => {
    if (position < duplicates) roles[run] = { kind: "duplicate", concurrent: position % 2 === 0 };
    else if (position < duplicates + forged) {
      const forgery = FORGERIES[(position - duplicates) % FORGERIES.length] as Forgery;
      roles[run] = { kind: "forged", forgery };
    }
  });
  return roles;
}
