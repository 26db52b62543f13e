import type { EnergyPlusInputs } from "@validibot/contracts";
import { REVIEW_TAG } from "./codes";
import type { FindingSink } from "./findings";

/**
 * A sink that applies the review profile on the way through: under `leed_review`, a review
 * finding (tagged `energyplus-review`) at `WARNING` becomes an `ERROR`, tagged `leed_review`,
 * because a LEED submission must not carry unresolved review issues. `standard` passes
 * findings through unchanged.
 */
export function withReviewProfile(
  sink: FindingSink,
  profile: EnergyPlusInputs["review_profile"],
): FindingSink {
  if (profile !== "leed_review") return sink;
  return {
    finding(f) {
      if (f.severity === "WARNING" && f.tags?.includes(REVIEW_TAG)) {
        sink.finding({ ...f, severity: "ERROR", tags: [...(f.tags ?? []), "leed_review"] });
      } else {
        sink.finding(f);
      }
    },
  };
}
