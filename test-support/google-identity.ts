/**
 * A loopback stand-in for the two Google endpoints ID-token callbacks touch: the public
 * signing certificates (`https://www.googleapis.com/oauth2/v1/certs`) and the GCE metadata
 * server that mints ID tokens for the job's service account. Everything else in a test
 * (google-auth-library, the authenticators, the runtime) runs for real against it.
 *
 * Shared by the tests of several packages through a relative import.
 */
import {
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Google's issuer in the form the metadata server writes it. */
export const GOOGLE_ISSUER = "https://accounts.google.com";

/** The claims of a Google ID token minted with `format=full`; tests may add any others. */
export interface IdTokenClaims {
  iss: string;
  aud: string;
  azp: string;
  sub: string;
  email: string;
  email_verified: boolean;
  iat: number;
  exp: number;
  [claim: string]: unknown;
}

/** An RSA signing key with the key id it is published under. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** The self-signed X.509 certificate, PEM, as Google publishes it. */
  certificatePem: string;
}

/** Options of `startFakeGoogleIdentity`. */
export interface FakeGoogleIdentityOptions {
  /** The service account the metadata server mints tokens for. Default `validator@fake-project.iam.gserviceaccount.com`. */
  serviceAccountEmail?: string;
  /** The project id the metadata server reports. Default `fake-project`. */
  projectId?: string;
  /** `Cache-Control: max-age` of the certs response, seconds. Default 3600. */
  certsMaxAgeSeconds?: number;
  /** Lifetime of minted tokens, seconds. Default 3600, as Google's. */
  tokenLifetimeSeconds?: number;
}

/** A running fake of Google's certs endpoint and of the GCE metadata server. */
export interface FakeGoogleIdentity {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Where the certs are served, in Google's v1 PEM-map format. */
  readonly certsUrl: string;
  /** `127.0.0.1:<port>`, the value for `GCE_METADATA_HOST`. */
  readonly metadataHost: string;
  /** The project id the metadata server reports. */
  readonly projectId: string;
  /** The service account the metadata server mints tokens for; tests may change it. */
  serviceAccountEmail: string;
  /** `Cache-Control: max-age` of the certs response; tests may change it. */
  certsMaxAgeSeconds: number;
  /** How many times the certs were fetched. */
  readonly certsFetches: number;
  /** The audiences of the ID tokens the metadata server minted, in order. */
  readonly identityRequests: readonly { audience: string; format: string | null }[];
  /** The key new tokens are signed with. */
  readonly currentKey: SigningKey;
  /**
   * Signs a token: Google-like claims for the current service account, with `claims`
   * merged over them (a claim set to `undefined` is removed). `kid` overrides the header's
   * key id, `key` the private key it is signed with (both default to the current key).
   */
  mintIdToken(
    claims?: Partial<Record<keyof IdTokenClaims | (string & {}), unknown>>,
    options?: { kid?: string; key?: KeyObject; header?: Record<string, unknown> },
  ): string;
  /**
   * Makes a new signing key current and publishes it. With `keepPrevious` (default false)
   * the old certificates stay published, as Google does during a rotation.
   */
  rotateKeys(options?: { keepPrevious?: boolean }): SigningKey;
  /** Environment variables that point google-auth-library at this metadata server. */
  metadataEnv(): Record<string, string | undefined>;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1, port 0. */
export async function startFakeGoogleIdentity(
  options: FakeGoogleIdentityOptions = {},
): Promise<FakeGoogleIdentity> {
  let serviceAccountEmail =
    options.serviceAccountEmail ?? "validator@fake-project.iam.gserviceaccount.com";
  const projectId = options.projectId ?? "fake-project";
  let certsMaxAgeSeconds = options.certsMaxAgeSeconds ?? 3600;
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  let published: SigningKey[] = [createSigningKey()];
  let current = published[0]!;
  let certsFetches = 0;
  const identityRequests: { audience: string; format: string | null }[] = [];
  const homeDir = mkdtempSync(join(tmpdir(), "fake-google-home-"));

  const mint: FakeGoogleIdentity["mintIdToken"] = (claims = {}, mintOptions = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const base: Record<string, unknown> = {
      iss: GOOGLE_ISSUER,
      aud: "http://127.0.0.1",
      azp: numericId(serviceAccountEmail),
      sub: numericId(serviceAccountEmail),
      email: serviceAccountEmail,
      email_verified: true,
      iat: now,
      exp: now + tokenLifetimeSeconds,
    };
    const payload: Record<string, unknown> = { ...base, ...claims };
    for (const [name, value] of Object.entries(payload)) {
      if (value === undefined) delete payload[name];
    }
    const header = {
      alg: "RS256",
      kid: mintOptions.kid ?? current.kid,
      typ: "JWT",
      ...mintOptions.header,
    };
    return signJwt(header, payload, mintOptions.key ?? current.privateKey);
  };

  const server = createServer((req, res) => {
    try {
      route(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/oauth2/v1/certs") {
      certsFetches += 1;
      const body = JSON.stringify(
        Object.fromEntries(published.map((key) => [key.kid, key.certificatePem])),
      );
      res.writeHead(200, {
        "content-type": "application/json; charset=UTF-8",
        "cache-control": `public, max-age=${certsMaxAgeSeconds}, must-revalidate, no-transform`,
      });
      res.end(body);
      return;
    }
    if (!url.pathname.startsWith("/computeMetadata/v1")) {
      res.writeHead(404).end();
      return;
    }
    const flavor = { "metadata-flavor": "Google", "content-type": "application/text" };
    if (req.headers["metadata-flavor"] !== "Google") {
      res.writeHead(403, flavor).end("Missing Metadata-Flavor:Google header.");
      return;
    }
    const path = url.pathname.slice("/computeMetadata/v1".length).replace(/\/$/, "");
    const accountPath = /^\/instance\/service-accounts\/([^/]+)\/(email|identity)$/.exec(path);
    if (accountPath) {
      const [, account, leaf] = accountPath;
      if (account !== "default" && account !== serviceAccountEmail) {
        res.writeHead(404, flavor).end("Not found");
        return;
      }
      if (leaf === "email") {
        res.writeHead(200, flavor).end(serviceAccountEmail);
        return;
      }
      const audience = url.searchParams.get("audience");
      if (!audience) {
        res.writeHead(400, flavor).end("non-empty audience parameter required");
        return;
      }
      const format = url.searchParams.get("format");
      identityRequests.push({ audience, format });
      // Without format=full the metadata server leaves out the email claims.
      const token =
        format === "full"
          ? mint({ aud: audience })
          : mint({ aud: audience, email: undefined, email_verified: undefined });
      res.writeHead(200, flavor).end(token);
      return;
    }
    const listings: Record<string, string> = {
      "": "instance/\nproject/\nuniverse/\n",
      "/instance": "attributes/\nhostname\nid\nservice-accounts/\nzone\n",
      "/instance/service-accounts": `default/\n${serviceAccountEmail}/\n`,
      "/project": "numeric-project-id\nproject-id\n",
      "/project/project-id": projectId,
      "/project/numeric-project-id": numericId(projectId),
      "/universe/universe-domain": "googleapis.com",
    };
    const listing = listings[path];
    if (listing === undefined) {
      res.writeHead(404, flavor).end("Not found");
      return;
    }
    res.writeHead(200, flavor).end(listing);
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    certsUrl: `${origin}/oauth2/v1/certs`,
    metadataHost: `127.0.0.1:${port}`,
    projectId,
    get serviceAccountEmail() {
      return serviceAccountEmail;
    },
    set serviceAccountEmail(email: string) {
      serviceAccountEmail = email;
    },
    get certsMaxAgeSeconds() {
      return certsMaxAgeSeconds;
    },
    set certsMaxAgeSeconds(seconds: number) {
      certsMaxAgeSeconds = seconds;
    },
    get certsFetches() {
      return certsFetches;
    },
    identityRequests,
    get currentKey() {
      return current;
    },
    mintIdToken: mint,
    rotateKeys({ keepPrevious = false } = {}) {
      current = createSigningKey();
      published = keepPrevious ? [...published, current] : [current];
      return current;
    },
    metadataEnv() {
      return {
        GCE_METADATA_HOST: `127.0.0.1:${port}`,
        GCE_METADATA_IP: undefined,
        METADATA_SERVER_DETECTION: undefined,
        GOOGLE_APPLICATION_CREDENTIALS: undefined,
        // Skips the `gcloud` CLI lookup google-auth-library would otherwise spawn.
        GOOGLE_CLOUD_PROJECT: projectId,
        // An empty home: no application_default_credentials.json takes precedence.
        HOME: homeDir,
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(homeDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `fn` with `process.env` pointing google-auth-library at `fake`'s metadata server,
 * then restores the environment. google-auth-library (through gcp-metadata) remembers per
 * process whether a metadata server answered; that memo is reset before and after, so the
 * probe really happens against `fake` and no later test inherits its answer.
 */
export async function withFakeMetadataServer<T>(
  fake: FakeGoogleIdentity,
  fn: () => Promise<T>,
): Promise<T> {
  const { gcpMetadata } = await import("google-auth-library");
  const env = fake.metadataEnv();
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  applyEnv(env);
  gcpMetadata.resetIsAvailableCache();
  try {
    return await fn();
  } finally {
    applyEnv(saved);
    gcpMetadata.resetIsAvailableCache();
  }
}

/** Creates a fresh RSA key and its certificate, under a random key id. */
export function createSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomBytes(20).toString("hex");
  return { kid, privateKey, certificatePem: selfSignedCertificate(privateKey, kid) };
}

/**
 * Replaces claims in a signed token's payload while keeping its header and signature:
 * a forged token whose signature no longer matches.
 */
export function tamperIdToken(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split(".");
  const decoded = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
  const forged = Buffer.from(JSON.stringify({ ...decoded, ...claims })).toString("base64url");
  return `${header}.${forged}.${signature}`;
}

function applyEnv(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject,
): string {
  const signed = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign("sha256", Buffer.from(signed), key).toString("base64url");
  return `${signed}.${signature}`;
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/** A stable 21-digit id derived from a name, like Google's numeric subject ids. */
function numericId(name: string): string {
  let digits = "1";
  for (const byte of Buffer.from(name)) digits += String(byte % 10);
  return digits.padEnd(21, "7").slice(0, 21);
}

// A minimal DER writer, enough for one self-signed X.509 v3 certificate.

function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  let length: Buffer;
  if (body.length < 0x80) {
    length = Buffer.from([body.length]);
  } else {
    const bytes: number[] = [];
    for (let n = body.length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const sequence = (...parts: Buffer[]) => der(0x30, ...parts);

function positiveInteger(bytes: Buffer): Buffer {
  return der(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function objectId(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let n = arc >>> 7; n > 0; n >>>= 7) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function commonName(name: string): Buffer {
  return sequence(der(0x31, sequence(objectId("2.5.4.3"), der(0x0c, Buffer.from(name)))));
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return der(0x17, Buffer.from(text));
}

function serialNumber(): Buffer {
  const bytes = randomBytes(8);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01; // positive and minimally encoded
  return bytes;
}

function selfSignedCertificate(privateKey: KeyObject, kid: string): string {
  const sha256WithRsa = sequence(objectId("1.2.840.113549.1.1.11"), Buffer.from([0x05, 0x00]));
  const name = commonName(`fake-google-identity-${kid.slice(0, 8)}`);
  const now = Date.now();
  const tbs = sequence(
    der(0xa0, positiveInteger(Buffer.from([2]))),
    positiveInteger(serialNumber()),
    sha256WithRsa,
    name,
    sequence(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 14 * 86_400_000))),
    name,
    createPublicKey(privateKey).export({ type: "spki", format: "der" }),
  );
  const signature = sign("sha256", tbs, privateKey);
  const certificate = sequence(tbs, sha256WithRsa, der(0x03, Buffer.from([0]), signature));
  const lines = certificate.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}
