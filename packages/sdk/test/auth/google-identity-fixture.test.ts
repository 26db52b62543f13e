import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeGoogleIdentity,
  startFakeGoogleIdentity,
} from "../../../../test-support/google-identity";

// The shared fake must look like Google where the clients look, or every test built on it
// proves less than it claims.

let fake: FakeGoogleIdentity;

beforeAll(async () => {
  fake = await startFakeGoogleIdentity({ certsMaxAgeSeconds: 1234 });
});
afterAll(async () => {
  await fake.close();
});

describe("the fake Google identity endpoints", () => {
  it("serve X.509 certificates keyed by kid, with a max-age, that verify minted tokens' keys", async () => {
    const response = await fetch(fake.certsUrl);
    expect(response.headers.get("cache-control")).toMatch(/max-age=1234/);
    const certs = (await response.json()) as Record<string, string>;
    expect(Object.keys(certs)).toEqual([fake.currentKey.kid]);
    const certificate = new X509Certificate(certs[fake.currentKey.kid] ?? "");
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(fake.certsFetches).toBe(1);
  });

  it("publish old and new certificates during a rotation when asked", async () => {
    const old = fake.currentKey.kid;
    const next = fake.rotateKeys({ keepPrevious: true });
    const certs = (await (await fetch(fake.certsUrl)).json()) as Record<string, string>;
    expect(Object.keys(certs).sort()).toEqual([old, next.kid].sort());
  });

  it("answer metadata requests only with Metadata-Flavor: Google, and say so in the response", async () => {
    const url = `http://${fake.metadataHost}/computeMetadata/v1/instance/service-accounts/default/email`;
    expect((await fetch(url)).status).toBe(403);
    const response = await fetch(url, { headers: { "Metadata-Flavor": "Google" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("metadata-flavor")).toBe("Google");
    expect(await response.text()).toBe(fake.serviceAccountEmail);
  });

  it("mint identity tokens with the email claims only for format=full", async () => {
    const base = `http://${fake.metadataHost}/computeMetadata/v1/instance/service-accounts/default/identity`;
    const claims = async (query: string) => {
      const token = await (
        await fetch(`${base}?${query}`, { headers: { "Metadata-Flavor": "Google" } })
      ).text();
      return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    };
    const full = await claims("audience=https://a.example&format=full");
    expect(full).toMatchObject({
      aud: "https://a.example",
      email: fake.serviceAccountEmail,
      email_verified: true,
    });
    const bare = await claims("audience=https://a.example");
    expect(bare.aud).toBe("https://a.example");
    expect(bare.email).toBeUndefined();
  });
});
