import { isValidibotError } from "@validibot/contracts";
import { attemptCallbackCredential, WorkerKeyAuthenticator } from "@validibot/sdk/auth";
import { describe, expect, it } from "vitest";

const KEY = "host-worker-key-0123456789";
const header = (credential: string) => ({ authorization: `Worker-Key ${credential}` });

describe("per-attempt callback credentials", () => {
  it("accepts attempt A's credential for A's callback and refuses it for B's with auth_invalid_worker_key", async () => {
    const auth = new WorkerKeyAuthenticator({ key: KEY });
    const a = attemptCallbackCredential(KEY, "execution-attempt-a");
    await expect(
      auth.authenticate(header(a), { callbackId: "execution-attempt-a" }),
    ).resolves.toEqual({ kind: "worker-key", subject: "attempt:execution-attempt-a" });
    const error = await auth
      .authenticate(header(a), { callbackId: "execution-attempt-b" })
      .catch((e) => e);
    expect(isValidibotError(error) && error.code).toBe("auth_invalid_worker_key");
  });

  it("accepts the shared key unless the host turned it off", async () => {
    const on = new WorkerKeyAuthenticator({ key: KEY });
    await expect(on.authenticate(header(KEY), { callbackId: "x" })).resolves.toMatchObject({
      subject: "worker-key",
    });
    const off = new WorkerKeyAuthenticator({ key: KEY, acceptSharedKey: false });
    const error = await off.authenticate(header(KEY), { callbackId: "x" }).catch((e) => e);
    expect(isValidibotError(error) && error.code).toBe("auth_invalid_worker_key");
  });

  it("derives a different credential per callback id and per key", () => {
    const one = attemptCallbackCredential(KEY, "execution-attempt-a");
    expect(one).not.toBe(attemptCallbackCredential(KEY, "execution-attempt-b"));
    expect(one).not.toBe(attemptCallbackCredential(`${KEY}x`, "execution-attempt-a"));
    expect(one).not.toContain(KEY);
  });
});
