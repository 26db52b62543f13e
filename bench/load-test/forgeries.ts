import { randomBytes, randomUUID } from "node:crypto";
import type { ValidationCallback } from "@validibot/contracts";
import type { PlayedAttempt } from "./validator-double";

/** One kind of forged callback: what it changes, and the code the host must refuse it with. */
export interface Forgery {
  kind: string;
  /** The error code a correct host answers with. */
  expectedCode: string;
  /** The forged body and Worker-Key, made from the genuine attempt and another run's. */
  forge(
    genuine: PlayedAttempt,
    other: PlayedAttempt,
    workerKey: string,
  ): {
    body: ValidationCallback;
    workerKey: string;
  };
}

const nonce = () => randomBytes(32).toString("base64url");

/**
 * The forgeries the load test sends, in turn: a wrong nonce, a wrong Worker-Key, an unknown
 * callback id, another run's callback id, and a `result_uri` outside the attempt's bundle
 * (another run's output, a path climbing out of the bundle, a system file).
 */
export const FORGERIES: readonly Forgery[] = [
  {
    kind: "wrong nonce",
    expectedCode: "callback_nonce_mismatch",
    forge: (g, _o, key) => ({ body: { ...g.body, callback_nonce: nonce() }, workerKey: key }),
  },
  {
    kind: "wrong Worker-Key",
    expectedCode: "auth_invalid_worker_key",
    forge: (g) => ({ body: g.body, workerKey: randomBytes(32).toString("base64url") }),
  },
  {
    kind: "unknown callback_id",
    expectedCode: "callback_unknown",
    forge: (g, _o, key) => ({ body: { ...g.body, callback_id: randomUUID() }, workerKey: key }),
  },
  {
    kind: "another run's callback_id",
    expectedCode: "callback_run_mismatch",
    forge: (g, o, key) => ({
      body: { ...g.body, callback_id: o.body.callback_id, callback_nonce: o.body.callback_nonce },
      workerKey: key,
    }),
  },
  {
    kind: "result_uri: another run's output",
    expectedCode: "result_uri_outside_bundle",
    forge: (g, o, key) => ({ body: { ...g.body, result_uri: o.outputUri }, workerKey: key }),
  },
  {
    kind: "result_uri: climbs out of the bundle",
    expectedCode: "result_uri_outside_bundle",
    forge: (g, o, key) => ({
      body: {
        ...g.body,
        result_uri: `${g.bundleUri.replace(/\/?$/, "/")}../../../../${o.outputUri.split("/runs/")[1] ?? ""}`,
      },
      workerKey: key,
    }),
  },
  {
    kind: "result_uri: a system file",
    expectedCode: "result_uri_outside_bundle",
    forge: (g, _o, key) => ({
      body: { ...g.body, result_uri: "file:///etc/passwd" },
      workerKey: key,
    }),
  },
];
