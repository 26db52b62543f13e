import { randomBytes } from "node:crypto";
import { isValidibotError, type ValidibotError } from "@validibot/contracts";
import {
  GoogleIdTokenAuthenticator,
  type GoogleIdTokenAuthenticatorOptions,
} from "@validibot/sdk/auth";
import { OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSigningKey,
  type FakeGoogleIdentity,
  startFakeGoogleIdentity,
  tamperIdToken,
} from "../../../../test-support/google-identity";
import { createGoogleVerifier } from "../../src/auth/google-auth-library";
import { expectAuthError } from "./expect-auth-error";

const AUDIENCE = "https://host.example";
const ACCOUNT = "validator@fake-project.iam.gserviceaccount.com";

let fake: FakeGoogleIdentity;

beforeAll(async () => {
  fake = await startFakeGoogleIdentity({ serviceAccountEmail: ACCOUNT });
});
afterAll(async () => {
  await fake.close();
});

function authenticator(options: Partial<GoogleIdTokenAuthenticatorOptions> = {}) {
  return new GoogleIdTokenAuthenticator({
    audience: AUDIENCE,
    allowedServiceAccounts: [ACCOUNT],
    certsUrl: fake.certsUrl,
    ...options,
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const now = () => Math.floor(Date.now() / 1000);

describe("GoogleIdTokenAuthenticator rejects", () => {
  const auth = () => authenticator();

  it("a request without Authorization header: auth_missing", async () => {
    await expectAuthError(auth(), {}, "auth_missing");
    await expectAuthError(auth(), { authorization: "  " }, "auth_missing");
  });

  it("another scheme: auth_malformed", async () => {
    const token = fake.mintIdToken({ aud: AUDIENCE });
    await expectAuthError(auth(), { authorization: `Basic ${token}` }, "auth_malformed");
    await expectAuthError(
      auth(),
      { authorization: "Worker-Key 0123456789abcdef0123" },
      "auth_malformed",
    );
    await expectAuthError(auth(), { authorization: "Bearer" }, "auth_malformed");
  });

  it("a repeated Authorization header: auth_malformed", async () => {
    const token = fake.mintIdToken({ aud: AUDIENCE });
    await expectAuthError(
      auth(),
      { authorization: [`Bearer ${token}`, `Bearer ${token}`] },
      "auth_malformed",
    );
  });

  it("a garbage token: auth_malformed", async () => {
    for (const garbage of [
      "not-a-jwt",
      "a.b.c",
      "a.b",
      `${Buffer.from("[]").toString("base64url")}.e30.c2ln`,
      "eyJhbGciOiJSUzI1NiJ9.e30.c2ln.extra",
      "x".repeat(9000),
    ]) {
      await expectAuthError(auth(), bearer(garbage), "auth_malformed");
    }
  });

  it("a token not signed with RS256 (alg none, HS256): auth_malformed", async () => {
    const good = fake.mintIdToken({ aud: AUDIENCE });
    const [, payload] = good.split(".");
    const none = Buffer.from(JSON.stringify({ alg: "none", kid: fake.currentKey.kid }));
    await expectAuthError(
      auth(),
      bearer(`${none.toString("base64url")}.${payload}.`),
      "auth_malformed",
    );
    const hs = fake.mintIdToken({ aud: AUDIENCE }, { header: { alg: "HS256" } });
    await expectAuthError(auth(), bearer(hs), "auth_malformed");
  });

  it("a token without numeric iat or exp: auth_malformed", async () => {
    await expectAuthError(
      auth(),
      bearer(fake.mintIdToken({ aud: AUDIENCE, exp: undefined })),
      "auth_malformed",
    );
    await expectAuthError(
      auth(),
      bearer(fake.mintIdToken({ aud: AUDIENCE, iat: "yesterday" })),
      "auth_malformed",
    );
  });

  it("a bad signature (another key under Google's key id): auth_invalid_signature", async () => {
    const forged = fake.mintIdToken({ aud: AUDIENCE }, { key: createSigningKey().privateKey });
    await expectAuthError(auth(), bearer(forged), "auth_invalid_signature");
  });

  it("a key id Google does not publish: auth_invalid_signature", async () => {
    const stranger = createSigningKey();
    const token = fake.mintIdToken(
      { aud: AUDIENCE },
      { kid: stranger.kid, key: stranger.privateKey },
    );
    await expectAuthError(auth(), bearer(token), "auth_invalid_signature");
    const inherited = fake.mintIdToken(
      { aud: AUDIENCE },
      { kid: "__proto__", key: stranger.privateKey },
    );
    await expectAuthError(auth(), bearer(inherited), "auth_invalid_signature");
  });

  it("a tampered payload: auth_invalid_signature", async () => {
    const good = fake.mintIdToken({
      aud: AUDIENCE,
      email: "intruder@evil.iam.gserviceaccount.com",
    });
    await expectAuthError(
      auth(),
      bearer(tamperIdToken(good, { email: ACCOUNT })),
      "auth_invalid_signature",
    );
    const other = fake.mintIdToken({ aud: "https://other.example" });
    await expectAuthError(
      auth(),
      bearer(tamperIdToken(other, { aud: AUDIENCE })),
      "auth_invalid_signature",
    );
  });

  it("a token for another audience: auth_wrong_audience", async () => {
    for (const aud of ["https://other.example", `${AUDIENCE}/`, `${AUDIENCE}:443`]) {
      await expectAuthError(auth(), bearer(fake.mintIdToken({ aud })), "auth_wrong_audience");
    }
    await expectAuthError(
      auth(),
      bearer(fake.mintIdToken({ aud: [AUDIENCE] })),
      "auth_wrong_audience",
    );
  });

  it("a token from another issuer: auth_wrong_issuer", async () => {
    for (const iss of [
      "https://evil.example",
      "https://accounts.google.com.evil.example",
      undefined,
    ]) {
      await expectAuthError(
        auth(),
        bearer(fake.mintIdToken({ aud: AUDIENCE, iss })),
        "auth_wrong_issuer",
      );
    }
  });

  it("an expired token: auth_token_expired", async () => {
    // Long expired (the verifier itself refuses) and just past the 60 s skew (only we do).
    for (const ago of [7200, 120]) {
      const token = fake.mintIdToken({ aud: AUDIENCE, iat: now() - ago - 3600, exp: now() - ago });
      await expectAuthError(auth(), bearer(token), "auth_token_expired");
    }
  });

  it("a token issued in the future: auth_token_expired", async () => {
    for (const ahead of [3600, 120]) {
      const token = fake.mintIdToken({
        aud: AUDIENCE,
        iat: now() + ahead,
        exp: now() + ahead + 3600,
      });
      await expectAuthError(auth(), bearer(token), "auth_token_expired");
    }
  });

  it("an unverified email: auth_email_unverified", async () => {
    for (const email_verified of [false, "true", undefined]) {
      const token = fake.mintIdToken({ aud: AUDIENCE, email_verified });
      await expectAuthError(auth(), bearer(token), "auth_email_unverified");
    }
  });

  it("a service account not in the allow-list: auth_service_account_not_allowed", async () => {
    for (const email of ["intruder@other.iam.gserviceaccount.com", `x${ACCOUNT}`, undefined]) {
      const token = fake.mintIdToken({ aud: AUDIENCE, email });
      await expectAuthError(auth(), bearer(token), "auth_service_account_not_allowed");
    }
  });

  it("any token when Google's keys cannot be fetched: auth_keys_unavailable (503, retryable)", async () => {
    const gone = await startFakeGoogleIdentity();
    const certsUrl = gone.certsUrl;
    const token = gone.mintIdToken({ aud: AUDIENCE });
    await gone.close();
    const error = await authenticator({
      certsUrl,
      allowedServiceAccounts: [gone.serviceAccountEmail],
    })
      .authenticate(bearer(token))
      .catch((caught: unknown) => caught);
    expect(isValidibotError(error) && error.code).toBe("auth_keys_unavailable");
    expect((error as ValidibotError).status).toBe(503);
  });
});

describe("GoogleIdTokenAuthenticator accepts", () => {
  it("a good token, returning its service account", async () => {
    const principal = await authenticator().authenticate(
      bearer(fake.mintIdToken({ aud: AUDIENCE })),
    );
    expect(principal).toEqual({ kind: "google-id-token", subject: ACCOUNT });
  });

  it("any audience of a list", async () => {
    const auth = authenticator({ audience: ["https://a.example", AUDIENCE] });
    for (const aud of ["https://a.example", AUDIENCE]) {
      await expect(auth.authenticate(bearer(fake.mintIdToken({ aud })))).resolves.toMatchObject({
        subject: ACCOUNT,
      });
    }
  });

  it("emails in any case, both in the allow-list and in the token", async () => {
    const auth = authenticator({ allowedServiceAccounts: [ACCOUNT.toUpperCase()] });
    for (const email of [ACCOUNT, ACCOUNT.toUpperCase()]) {
      const principal = await auth.authenticate(bearer(fake.mintIdToken({ aud: AUDIENCE, email })));
      expect(principal.subject).toBe(ACCOUNT);
    }
  });

  it("both of Google's issuer spellings", async () => {
    for (const iss of ["https://accounts.google.com", "accounts.google.com"]) {
      await expect(
        authenticator().authenticate(bearer(fake.mintIdToken({ aud: AUDIENCE, iss }))),
      ).resolves.toMatchObject({ subject: ACCOUNT });
    }
  });

  it("a token expired by less than the clock skew", async () => {
    const token = fake.mintIdToken({ aud: AUDIENCE, iat: now() - 3630, exp: now() - 30 });
    await expect(authenticator().authenticate(bearer(token))).resolves.toMatchObject({
      subject: ACCOUNT,
    });
    await expectAuthError(
      authenticator({ clockSkewSeconds: 0 }),
      bearer(token),
      "auth_token_expired",
    );
  });

  it("the header under any name case and the scheme in any case", async () => {
    const token = fake.mintIdToken({ aud: AUDIENCE });
    await expect(
      authenticator().authenticate({ Authorization: `bearer ${token}` }),
    ).resolves.toMatchObject({
      subject: ACCOUNT,
    });
  });

  it("with an OAuth2Client the host passes in", async () => {
    const auth = authenticator({ oauthClient: new OAuth2Client() });
    await expect(
      auth.authenticate(bearer(fake.mintIdToken({ aud: AUDIENCE }))),
    ).resolves.toMatchObject({
      subject: ACCOUNT,
    });
  });
});

describe("GoogleIdTokenAuthenticator certificates", () => {
  it("are fetched once for many verifications while their max-age lasts", async () => {
    const own = await startFakeGoogleIdentity({ certsMaxAgeSeconds: 3600 });
    try {
      const auth = authenticator({
        certsUrl: own.certsUrl,
        allowedServiceAccounts: [own.serviceAccountEmail],
      });
      for (let i = 0; i < 10; i++)
        await auth.authenticate(bearer(own.mintIdToken({ aud: AUDIENCE })));
      expect(own.certsFetches).toBe(1);
    } finally {
      await own.close();
    }
  });

  it("are fetched once for many concurrent verifications on a cold cache", async () => {
    const own = await startFakeGoogleIdentity();
    try {
      const auth = authenticator({
        certsUrl: own.certsUrl,
        allowedServiceAccounts: [own.serviceAccountEmail],
      });
      const token = own.mintIdToken({ aud: AUDIENCE });
      const principals = await Promise.all(
        Array.from({ length: 20 }, () => auth.authenticate(bearer(token))),
      );
      expect(principals).toHaveLength(20);
      expect(own.certsFetches).toBe(1);
    } finally {
      await own.close();
    }
  });

  it("are fetched again for every verification when max-age is 0", async () => {
    const own = await startFakeGoogleIdentity({ certsMaxAgeSeconds: 0 });
    try {
      const auth = authenticator({
        certsUrl: own.certsUrl,
        allowedServiceAccounts: [own.serviceAccountEmail],
      });
      for (let i = 0; i < 3; i++)
        await auth.authenticate(bearer(own.mintIdToken({ aud: AUDIENCE })));
      expect(own.certsFetches).toBe(3);
    } finally {
      await own.close();
    }
  });

  it("are fetched again when Google rotates its keys, and the old key stops working", async () => {
    const own = await startFakeGoogleIdentity({ certsMaxAgeSeconds: 3600 });
    try {
      const auth = authenticator({
        certsUrl: own.certsUrl,
        allowedServiceAccounts: [own.serviceAccountEmail],
      });
      const before = own.mintIdToken({ aud: AUDIENCE });
      await auth.authenticate(bearer(before));
      expect(own.certsFetches).toBe(1);

      own.rotateKeys();
      await expect(
        auth.authenticate(bearer(own.mintIdToken({ aud: AUDIENCE }))),
      ).resolves.toMatchObject({
        kind: "google-id-token",
      });
      expect(own.certsFetches).toBe(2);
      await expectAuthError(auth, bearer(before), "auth_invalid_signature");
    } finally {
      await own.close();
    }
  });

  it("are fetched at most once per cooldown for tokens naming unknown key ids", async () => {
    const own = await startFakeGoogleIdentity({ certsMaxAgeSeconds: 3600 });
    try {
      const auth = authenticator({
        certsUrl: own.certsUrl,
        allowedServiceAccounts: [own.serviceAccountEmail],
        unknownKeyRefetchCooldownSeconds: 600,
      });
      await auth.authenticate(bearer(own.mintIdToken({ aud: AUDIENCE })));
      for (let i = 0; i < 10; i++) {
        const kid = randomBytes(20).toString("hex");
        await expectAuthError(
          auth,
          bearer(own.mintIdToken({ aud: AUDIENCE }, { kid })),
          "auth_invalid_signature",
        );
      }
      expect(own.certsFetches).toBe(2);
    } finally {
      await own.close();
    }
  });

  it("keep serving when a refresh fails", async () => {
    const own = await startFakeGoogleIdentity({ certsMaxAgeSeconds: 0 });
    const auth = authenticator({
      certsUrl: own.certsUrl,
      allowedServiceAccounts: [own.serviceAccountEmail],
    });
    const token = own.mintIdToken({ aud: AUDIENCE });
    await auth.authenticate(bearer(token));
    await own.close();
    await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({
      kind: "google-id-token",
    });
  });
});

describe("GoogleIdTokenAuthenticator construction", () => {
  const base = { audience: AUDIENCE, allowedServiceAccounts: [ACCOUNT] };

  it("is refused with an empty allow-list", () => {
    expect(() => new GoogleIdTokenAuthenticator({ ...base, allowedServiceAccounts: [] })).toThrow(
      /allowedServiceAccounts/,
    );
    expect(
      () => new GoogleIdTokenAuthenticator({ ...base, allowedServiceAccounts: [" "] }),
    ).toThrow(/allowedServiceAccounts/);
  });

  it("is refused with an empty audience", () => {
    expect(() => new GoogleIdTokenAuthenticator({ ...base, audience: "" })).toThrow(/audience/);
    expect(() => new GoogleIdTokenAuthenticator({ ...base, audience: [] })).toThrow(/audience/);
  });

  it("is refused with a clock skew beyond what the verifier tolerates, or a bad certs URL", () => {
    expect(() => new GoogleIdTokenAuthenticator({ ...base, clockSkewSeconds: 301 })).toThrow(
      /clockSkew/,
    );
    expect(() => new GoogleIdTokenAuthenticator({ ...base, clockSkewSeconds: -1 })).toThrow(
      /clockSkew/,
    );
    expect(() => new GoogleIdTokenAuthenticator({ ...base, certsUrl: "certs" })).toThrow(
      /certsUrl/,
    );
  });
});

describe("loading google-auth-library", () => {
  it("explains how to install it when it is absent", async () => {
    const absent = Object.assign(new Error("Cannot find package 'google-auth-library'"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const error = await createGoogleVerifier(() => Promise.reject(absent)).catch(
      (caught: unknown) => caught,
    );
    expect(isValidibotError(error) && error.code).toBe("internal_error");
    expect((error as Error).message).toMatch(/npm install google-auth-library/);
  });

  it("lets other failures through unchanged", async () => {
    const broken = new TypeError("boom");
    await expect(createGoogleVerifier(() => Promise.reject(broken))).rejects.toBe(broken);
  });
});
