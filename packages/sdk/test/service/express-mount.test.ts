import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackRouter } from "../../src/express";
import type { CallbackRequest } from "../../src/service/callback";

const seen: CallbackRequest[] = [];
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const app = express();
  app.use(
    callbackRouter(
      {
        async handleCallback(request) {
          seen.push(request);
          return { status: 200, body: { status: "accepted" } };
        },
      },
      { limit: 256 },
    ),
  );
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/validation-callbacks/`;
  close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
});
afterAll(async () => close());

describe("@validibot/sdk/express callbackRouter", () => {
  it("hands the raw body and lowercase headers to handleCallback", async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Worker-Key k" },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "accepted" });
    const last = seen.at(-1);
    expect(Buffer.isBuffer(last?.body) && last?.body.toString()).toBe('{"a":1}');
    expect(last?.headers.authorization).toBe("Worker-Key k");
  });

  it("refuses a body over the limit with 413 and the contract's error body", async () => {
    const before = seen.length;
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(1000),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      code: "payload_too_large",
      message: expect.any(String),
    });
    expect(seen.length).toBe(before);
  });

  it("takes a body whatever its content type (the service parses it)", async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    expect(response.status).toBe(200);
  });
});
