import { callbackAudienceFor, GoogleIdTokenAuthenticator } from "@validibot/sdk/auth";
import { GoogleAuth } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeGoogleIdentity,
  startFakeGoogleIdentity,
  withFakeMetadataServer,
} from "../../../../test-support/google-identity";
import { expectAuthError } from "./expect-auth-error";

// The path a validator takes on Cloud Run: google-auth-library's GoogleAuth finds the
// metadata server (GCE_METADATA_HOST), mints an ID token for the callback's origin, and
// the host verifies it.

const SERVICE_ACCOUNT = "validibot-runner@fake-project.iam.gserviceaccount.com";
const CALLBACK_URL = "https://host.example:8443/api/v1/validation-callbacks/";

let fake: FakeGoogleIdentity;

beforeAll(async () => {
  fake = await startFakeGoogleIdentity({ serviceAccountEmail: SERVICE_ACCOUNT });
});
afterAll(async () => {
  await fake.close();
});

async function mintThroughMetadataServer(audience: string): Promise<string> {
  return withFakeMetadataServer(fake, async () => {
    const client = await new GoogleAuth().getIdTokenClient(audience);
    const headers = await client.getRequestHeaders();
    return headers.get("authorization") ?? "";
  });
}

describe("ID tokens minted by google-auth-library from the metadata server", () => {
  it("are accepted by GoogleIdTokenAuthenticator for the callback's origin", async () => {
    const before = process.env.GCE_METADATA_HOST;
    const audience = callbackAudienceFor(CALLBACK_URL);
    const authorization = await mintThroughMetadataServer(audience);

    expect(process.env.GCE_METADATA_HOST).toBe(before);
    expect(fake.identityRequests).toContainEqual({ audience, format: "full" });
    const auth = new GoogleIdTokenAuthenticator({
      audience,
      allowedServiceAccounts: [SERVICE_ACCOUNT],
      certsUrl: fake.certsUrl,
    });
    await expect(auth.authenticate({ authorization })).resolves.toEqual({
      kind: "google-id-token",
      subject: SERVICE_ACCOUNT,
    });
  });

  it("are refused by a host expecting another audience or another service account", async () => {
    const authorization = await mintThroughMetadataServer(callbackAudienceFor(CALLBACK_URL));
    const elsewhere = new GoogleIdTokenAuthenticator({
      audience: "https://other-host.example",
      allowedServiceAccounts: [SERVICE_ACCOUNT],
      certsUrl: fake.certsUrl,
    });
    await expectAuthError(elsewhere, { authorization }, "auth_wrong_audience");
    const strict = new GoogleIdTokenAuthenticator({
      audience: callbackAudienceFor(CALLBACK_URL),
      allowedServiceAccounts: ["someone-else@fake-project.iam.gserviceaccount.com"],
      certsUrl: fake.certsUrl,
    });
    await expectAuthError(strict, { authorization }, "auth_service_account_not_allowed");
  });
});
