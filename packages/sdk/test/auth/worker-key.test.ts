import { WorkerKeyAuthenticator } from "@validibot/sdk/auth";
import { describe, expect, it } from "vitest";
import { expectAuthError } from "./expect-auth-error";

const KEY = "s3cret-worker-key-0123456789abcdef";

describe("WorkerKeyAuthenticator", () => {
  const auth = new WorkerKeyAuthenticator({ key: KEY });

  it("accepts the configured key, the scheme in any case", async () => {
    for (const scheme of ["Worker-Key", "worker-key"]) {
      await expect(auth.authenticate({ authorization: `${scheme} ${KEY}` })).resolves.toEqual({
        kind: "worker-key",
        subject: "worker-key",
      });
    }
  });

  it("rejects a request without Authorization header: auth_missing", async () => {
    await expectAuthError(auth, {}, "auth_missing");
  });

  it("rejects another scheme: auth_malformed", async () => {
    await expectAuthError(auth, { authorization: `Bearer ${KEY}` }, "auth_malformed");
    await expectAuthError(auth, { authorization: "Worker-Key" }, "auth_malformed");
  });

  it("rejects a wrong key of the same length: auth_invalid_worker_key", async () => {
    const wrong = `${KEY.slice(0, -1)}${KEY.endsWith("f") ? "e" : "f"}`;
    expect(wrong).toHaveLength(KEY.length);
    await expectAuthError(
      auth,
      { authorization: `Worker-Key ${wrong}` },
      "auth_invalid_worker_key",
    );
  });

  it("rejects a key of a different length: auth_invalid_worker_key", async () => {
    for (const other of [KEY.slice(0, -1), `${KEY}0`, `${KEY} ${KEY}`, "x".repeat(4096)]) {
      await expectAuthError(
        auth,
        { authorization: `Worker-Key ${other}` },
        "auth_invalid_worker_key",
      );
    }
  });

  it("refuses an empty, short or padded key at construction", () => {
    for (const key of ["", "short", "x".repeat(15), ` ${KEY}`, `${KEY}\n`]) {
      expect(() => new WorkerKeyAuthenticator({ key })).toThrow(/WorkerKeyAuthenticator/);
    }
    expect(() => new WorkerKeyAuthenticator({ key: "x".repeat(16) })).not.toThrow();
  });
});
