import { ValidibotError } from "@validibot/contracts";

/** The pieces that place an attempt's bundle in storage. */
export interface BundleLocation {
  orgId: string;
  runId: string;
  attemptId: string;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkSegment(name: string, value: string): string {
  if (!SEGMENT.test(value) || value.includes("..")) {
    throw new ValidibotError(
      "invalid_request",
      `${name} is not a safe path segment: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * The key prefix of an attempt's bundle (CONTRACT.md storage layout):
 * `runs/<org_id>/<run_id>/attempts/<attempt_id>/`.
 */
export function bundlePrefix(location: BundleLocation): string {
  const org = checkSegment("org id", location.orgId);
  const run = checkSegment("run id", location.runId);
  const attempt = checkSegment("attempt id", location.attemptId);
  return `runs/${org}/${run}/attempts/${attempt}/`;
}

/** Whether `key` lies inside the bundle `prefix` (keys are already normalized by the adapter). */
export function isInsideBundle(prefix: string, key: string): boolean {
  return key.startsWith(prefix) && key.length > prefix.length;
}
