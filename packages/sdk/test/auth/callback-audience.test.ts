import { isValidibotError } from "@validibot/contracts";
import { callbackAudienceFor } from "@validibot/sdk/auth";
import { describe, expect, it } from "vitest";

describe("callbackAudienceFor", () => {
  it("is the callback URL's origin: scheme, host and port, no path", () => {
    expect(callbackAudienceFor("https://host.example/api/v1/validation-callbacks/")).toBe(
      "https://host.example",
    );
    expect(callbackAudienceFor("http://127.0.0.1:8001/api/v1/validation-callbacks/?x=1#y")).toBe(
      "http://127.0.0.1:8001",
    );
    expect(callbackAudienceFor(new URL("https://host.example:8443/cb"))).toBe(
      "https://host.example:8443",
    );
  });

  it("is the normalized origin: host lowercased, default port dropped", () => {
    expect(callbackAudienceFor("https://Host.Example:443/cb")).toBe("https://host.example");
    expect(callbackAudienceFor("http://HOST.example:80/cb")).toBe("http://host.example");
  });

  it("rejects what is not an absolute http(s) URL with invalid_request", () => {
    for (const bad of [
      "/api/v1/validation-callbacks/",
      "not a url",
      "file:///tmp/x",
      "ftp://h/x",
    ]) {
      let caught: unknown;
      try {
        callbackAudienceFor(bad);
      } catch (error) {
        caught = error;
      }
      expect(isValidibotError(caught) && caught.code).toBe("invalid_request");
    }
  });
});
