import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback fake of the Google Cloud Storage JSON API, enough for the real
 * `@google-cloud/storage` client: multipart, media and resumable uploads (with `Content-Range`
 * chunks and status checks), `ifGenerationMatch` preconditions (412), media downloads with ranges
 * and `x-goog-hash`, object metadata, paginated listing, delete. Point a client at it with
 * `new Storage({ apiEndpoint: fake.url, projectId: "test" })`: the client skips authentication
 * for a custom endpoint. Every bucket exists and starts empty.
 */
export interface FakeGcsServer {
  /** `http://127.0.0.1:<port>`, the client's `apiEndpoint`. */
  url: string;
  /**
   * Stored objects by `<bucket>/<name>`. Tests may read them, or change `data` without the
   * hashes to make the fake serve corrupted bytes.
   */
  objects: Map<string, FakeGcsObject>;
  /** Every request received, in order (bodies not kept). */
  requests: FakeGcsRequest[];
  /** Stores an object directly, as if uploaded (for seeding large listings). */
  insert(bucket: string, name: string, data: Uint8Array, contentType?: string): FakeGcsObject;
  /**
   * Flips a byte of the next uploaded object as it is stored, after the client sent it intact:
   * corruption in transit, which the client's CRC32C check must catch.
   */
  corruptNextUpload(): void;
  /** Answers the next `count` requests with `status` (a JSON API error), whatever they ask. */
  failNext(status: number, count?: number): void;
  /** Stops the server and drops its connections. */
  close(): Promise<void>;
}

/** One stored object of the fake. */
export interface FakeGcsObject {
  bucket: string;
  name: string;
  data: Buffer;
  generation: string;
  metageneration: string;
  contentType: string;
  /** Base64 MD5 of the bytes as uploaded. */
  md5Hash: string;
  /** Base64 big-endian CRC32C of the bytes as uploaded. */
  crc32c: string;
  timeCreated: string;
  updated: string;
}

/** What the fake logs of a request. */
export interface FakeGcsRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentRange: string | undefined;
}

interface UploadSession {
  bucket: string;
  name: string;
  contentType: string;
  ifGenerationMatch: string | undefined;
  received: Buffer[];
  receivedBytes: number;
  done: FakeGcsObject | null;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32C (Castagnoli) of `data`, continuing from `previous`. */
export function crc32c(data: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0;
  for (const byte of data) crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** CRC32C as Cloud Storage writes it: the 4 big-endian bytes in base64. */
export function crc32cBase64(data: Uint8Array): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32c(data));
  return out.toString("base64");
}

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeGcsServer(): Promise<FakeGcsServer> {
  const objects = new Map<string, FakeGcsObject>();
  const sessions = new Map<string, UploadSession>();
  const requests: FakeGcsRequest[] = [];
  const failures: number[] = [];
  let generation = BigInt(Date.now()) * 1000n;
  let corruptNext = false;
  let url = "";

  const keyOf = (bucket: string, name: string) => `${bucket}/${name}`;

  const checkPrecondition = (bucket: string, name: string, ifGenerationMatch?: string) => {
    if (ifGenerationMatch === undefined) return;
    const current = objects.get(keyOf(bucket, name));
    const ok =
      ifGenerationMatch === "0" ? current === undefined : current?.generation === ifGenerationMatch;
    if (!ok) {
      throw new HttpError(
        412,
        "At least one of the pre-conditions you specified did not hold.",
        "conditionNotMet",
      );
    }
  };

  const store = (
    bucket: string,
    name: string,
    data: Buffer,
    contentType: string,
    ifGenerationMatch?: string,
    uploaded = true,
  ): FakeGcsObject => {
    checkPrecondition(bucket, name, ifGenerationMatch);
    if (name.length === 0) throw new HttpError(400, "Required: object name", "required");
    if (uploaded && corruptNext && data.length > 0) {
      corruptNext = false;
      data = Buffer.from(data);
      data[0] = (data[0] as number) ^ 0xff;
    }
    const now = new Date().toISOString();
    generation += 1n;
    const object: FakeGcsObject = {
      bucket,
      name,
      data,
      generation: generation.toString(),
      metageneration: "1",
      contentType,
      md5Hash: createHash("md5").update(data).digest("base64"),
      crc32c: crc32cBase64(data),
      timeCreated: now,
      updated: now,
    };
    objects.set(keyOf(bucket, name), object);
    return object;
  };

  const resource = (object: FakeGcsObject) => {
    const id = encodeURIComponent(object.name);
    return {
      kind: "storage#object",
      id: `${object.bucket}/${object.name}/${object.generation}`,
      selfLink: `${url}/storage/v1/b/${object.bucket}/o/${id}`,
      mediaLink: `${url}/download/storage/v1/b/${object.bucket}/o/${id}?generation=${object.generation}&alt=media`,
      name: object.name,
      bucket: object.bucket,
      generation: object.generation,
      metageneration: object.metageneration,
      contentType: object.contentType,
      storageClass: "STANDARD",
      size: String(object.data.length),
      md5Hash: object.md5Hash,
      crc32c: object.crc32c,
      etag: `C${object.generation}`,
      timeCreated: object.timeCreated,
      updated: object.updated,
      timeStorageClassUpdated: object.timeCreated,
    };
  };

  const find = (bucket: string, name: string, query: Record<string, string>) => {
    const object = objects.get(keyOf(bucket, name));
    if (
      object === undefined ||
      (query.generation !== undefined && query.generation !== object.generation)
    ) {
      throw new HttpError(404, `No such object: ${bucket}/${name}`, "notFound");
    }
    return object;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const parsed = new URL(req.url ?? "/", url);
    const query = Object.fromEntries(parsed.searchParams);
    const method = req.method ?? "GET";
    const path = parsed.pathname;
    const contentRange = header(req, "content-range");
    requests.push({ method, path, query, contentRange });
    const failure = failures.shift();
    if (failure !== undefined) {
      await drain(req);
      throw new HttpError(failure, "injected failure", "backendError");
    }

    let match = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path);
    if (match !== null) {
      const bucket = decodeURIComponent(match[1] as string);
      if (method === "POST") return upload(req, res, bucket, query);
      if (method === "PUT" && query.upload_id !== undefined) {
        return resumableChunk(req, res, query.upload_id, contentRange);
      }
    }
    match = /^\/(storage|download\/storage)\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(path);
    if (match !== null) {
      const bucket = decodeURIComponent(match[2] as string);
      const name = decodeURIComponent(match[3] as string);
      if (method === "GET" && (query.alt === "media" || match[1] === "download/storage")) {
        return media(req, res, find(bucket, name, query));
      }
      if (method === "GET") return json(res, 200, resource(find(bucket, name, query)));
      if (method === "DELETE") {
        const object = find(bucket, name, query);
        checkPrecondition(bucket, name, query.ifGenerationMatch);
        objects.delete(keyOf(bucket, object.name));
        res.writeHead(204).end();
        return;
      }
    }
    match = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(path);
    if (match !== null && method === "GET") {
      return json(res, 200, list(decodeURIComponent(match[1] as string), query));
    }
    throw new HttpError(400, `fake-gcs-server does not implement ${method} ${path}`, "invalid");
  };

  const upload = async (
    req: IncomingMessage,
    res: ServerResponse,
    bucket: string,
    query: Record<string, string>,
  ) => {
    const body = await readBody(req);
    const name = query.name;
    switch (query.uploadType) {
      case "media": {
        if (name === undefined) throw new HttpError(400, "Required: name", "required");
        const contentType = header(req, "content-type") ?? "application/octet-stream";
        return json(
          res,
          200,
          resource(store(bucket, name, body, contentType, query.ifGenerationMatch)),
        );
      }
      case "multipart": {
        const [metadata, part] = parseMultipart(body, header(req, "content-type") ?? "");
        const objectName = name ?? (typeof metadata.name === "string" ? metadata.name : undefined);
        if (objectName === undefined) throw new HttpError(400, "Required: name", "required");
        const contentType =
          (typeof metadata.contentType === "string" ? metadata.contentType : undefined) ??
          part.contentType;
        return json(
          res,
          200,
          resource(store(bucket, objectName, part.data, contentType, query.ifGenerationMatch)),
        );
      }
      case "resumable": {
        const metadata =
          body.length > 0 ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};
        const objectName = name ?? (typeof metadata.name === "string" ? metadata.name : undefined);
        if (objectName === undefined) throw new HttpError(400, "Required: name", "required");
        checkPrecondition(bucket, objectName, query.ifGenerationMatch);
        const id = randomUUID();
        sessions.set(id, {
          bucket,
          name: objectName,
          contentType:
            header(req, "x-upload-content-type") ??
            (typeof metadata.contentType === "string"
              ? metadata.contentType
              : "application/octet-stream"),
          ifGenerationMatch: query.ifGenerationMatch,
          received: [],
          receivedBytes: 0,
          done: null,
        });
        const location = `${url}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&name=${encodeURIComponent(objectName)}&upload_id=${id}`;
        res.writeHead(200, { location, "content-length": "0" }).end();
        return;
      }
      default:
        throw new HttpError(400, `unsupported uploadType ${query.uploadType}`, "invalid");
    }
  };

  const resumableChunk = async (
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    contentRange: string | undefined,
  ) => {
    const session = sessions.get(id);
    if (session === undefined) throw new HttpError(404, "No such upload session", "notFound");
    const range = parseContentRange(contentRange);
    const body = await readBody(req);
    if (session.done !== null) return json(res, 200, resource(session.done));
    if (range.kind === "status") {
      if (range.total !== undefined && range.total === session.receivedBytes) {
        return finish(res, id, session);
      }
      return incomplete(res, session);
    }
    if (range.start > session.receivedBytes) {
      throw new HttpError(
        400,
        `chunk starts at ${range.start}, ${session.receivedBytes} bytes received`,
        "invalid",
      );
    }
    if (range.end !== undefined && range.end - range.start + 1 !== body.length) {
      throw new HttpError(400, "Content-Range does not match the body's length", "invalid");
    }
    // A resent chunk may overlap what is stored: keep only the new bytes.
    const fresh = body.subarray(session.receivedBytes - range.start);
    session.received.push(fresh);
    session.receivedBytes += fresh.length;
    const last =
      range.total === undefined ? range.end === undefined : session.receivedBytes >= range.total;
    if (range.total !== undefined && session.receivedBytes > range.total) {
      throw new HttpError(400, "more bytes than the declared total", "invalid");
    }
    if (!last) return incomplete(res, session);
    return finish(res, id, session);
  };

  const finish = (res: ServerResponse, id: string, session: UploadSession) => {
    const data = Buffer.concat(session.received, session.receivedBytes);
    try {
      session.done = store(
        session.bucket,
        session.name,
        data,
        session.contentType,
        session.ifGenerationMatch,
      );
    } finally {
      session.received = [];
      if (session.done === null) sessions.delete(id);
    }
    return json(res, 200, resource(session.done));
  };

  const incomplete = (res: ServerResponse, session: UploadSession) => {
    const headers: Record<string, string> = { "content-length": "0" };
    if (session.receivedBytes > 0) headers.range = `bytes=0-${session.receivedBytes - 1}`;
    res.writeHead(308, headers).end();
  };

  const media = (req: IncomingMessage, res: ServerResponse, object: FakeGcsObject) => {
    const headers: Record<string, string> = {
      "content-type": object.contentType,
      "x-goog-hash": `crc32c=${object.crc32c},md5=${object.md5Hash}`,
      "x-goog-generation": object.generation,
      "x-goog-metageneration": object.metageneration,
      "x-goog-stored-content-encoding": "identity",
      "x-goog-stored-content-length": String(object.data.length),
      etag: `C${object.generation}`,
      "accept-ranges": "bytes",
    };
    const range = header(req, "range");
    const size = object.data.length;
    const wanted = range === undefined ? null : parseRange(range, size);
    if (wanted === null) {
      res.writeHead(200, { ...headers, "content-length": String(size) }).end(object.data);
      return;
    }
    const [start, end] = wanted;
    if (start >= size || start > end) {
      throw new HttpError(
        416,
        "The requested range cannot be satisfied.",
        "requestedRangeNotSatisfiable",
      );
    }
    const last = Math.min(end, size - 1);
    res
      .writeHead(206, {
        ...headers,
        "content-length": String(last - start + 1),
        "content-range": `bytes ${start}-${last}/${size}`,
      })
      .end(object.data.subarray(start, last + 1));
  };

  const list = (bucket: string, query: Record<string, string>) => {
    const prefix = query.prefix ?? "";
    const delimiter = query.delimiter;
    const maxResults = Math.max(1, Math.min(Number(query.maxResults ?? 1000) || 1000, 1000));
    const after =
      query.pageToken === undefined
        ? undefined
        : Buffer.from(query.pageToken, "base64url").toString("utf8");
    const names = [...objects.values()]
      .filter((o) => o.bucket === bucket && o.name.startsWith(prefix))
      .map((o) => o.name)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const items: FakeGcsObject[] = [];
    const prefixes = new Set<string>();
    let nextPageToken: string | undefined;
    for (const name of names) {
      if (after !== undefined && Buffer.compare(Buffer.from(name), Buffer.from(after)) <= 0)
        continue;
      if (items.length + prefixes.size >= maxResults) {
        nextPageToken = Buffer.from(items.at(-1)?.name ?? [...prefixes].at(-1) ?? "").toString(
          "base64url",
        );
        break;
      }
      const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
      if (delimiter && cut >= 0) prefixes.add(name.slice(0, cut + delimiter.length));
      else items.push(objects.get(keyOf(bucket, name)) as FakeGcsObject);
    }
    return {
      kind: "storage#objects",
      ...(items.length > 0 ? { items: items.map(resource) } : {}),
      ...(prefixes.size > 0 ? { prefixes: [...prefixes] } : {}),
      ...(nextPageToken === undefined ? {} : { nextPageToken }),
    };
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent || error instanceof ClientAborted) {
        res.destroy();
        return;
      }
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      const reason = error instanceof HttpError ? error.reason : "backendError";
      json(res, status, {
        error: { code: status, message, errors: [{ message, domain: "global", reason }] },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    objects,
    requests,
    insert: (bucket, name, data, contentType = "application/octet-stream") =>
      store(bucket, name, Buffer.from(data), contentType, undefined, false),
    corruptNextUpload() {
      corruptNext = true;
    },
    failNext(status, count = 1) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      "content-type": "application/json; charset=UTF-8",
      "content-length": String(Buffer.byteLength(text)),
    })
    .end(text);
}

/** The client went away mid-request: nothing to answer, nothing to store. */
class ClientAborted extends Error {}

/** The whole request body; throws if the client aborts before the end, so nothing half-sent is stored. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch (cause) {
    throw new ClientAborted("the request was aborted", { cause });
  }
  if (!req.complete) throw new ClientAborted("the request was aborted");
  return Buffer.concat(chunks);
}

async function drain(req: IncomingMessage): Promise<void> {
  try {
    for await (const _ of req) {
      // discard
    }
  } catch {
    // aborted: nothing to answer
  }
}

function parseMultipart(
  body: Buffer,
  contentType: string,
): [Record<string, unknown>, { contentType: string; data: Buffer }] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (boundary === undefined)
    throw new HttpError(400, "multipart upload without a boundary", "invalid");
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { headers: string; data: Buffer }[] = [];
  let position = body.indexOf(delimiter);
  while (position >= 0) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const headerEnd = body.indexOf("\r\n\r\n", start);
    if (headerEnd < 0) break;
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), headerEnd + 4);
    if (next < 0) break;
    parts.push({
      headers: body.subarray(start, headerEnd).toString("utf8"),
      data: body.subarray(headerEnd + 4, next),
    });
    position = next + 2;
  }
  const [meta, media] = parts;
  if (meta === undefined || media === undefined) {
    throw new HttpError(400, "a multipart upload has a metadata part and a media part", "invalid");
  }
  const mediaType =
    /content-type:\s*([^\r\n]+)/i.exec(media.headers)?.[1]?.trim() ?? "application/octet-stream";
  return [
    JSON.parse(meta.data.toString("utf8")) as Record<string, unknown>,
    { contentType: mediaType, data: media.data },
  ];
}

type ContentRange =
  | { kind: "status"; total: number | undefined }
  | { kind: "bytes"; start: number; end: number | undefined; total: number | undefined };

function parseContentRange(value: string | undefined): ContentRange {
  if (value === undefined) return { kind: "bytes", start: 0, end: undefined, total: undefined };
  const status = /^bytes \*\/(\*|\d+)$/.exec(value);
  if (status !== null)
    return { kind: "status", total: status[1] === "*" ? undefined : Number(status[1]) };
  // An empty final chunk comes as "bytes 0--1/0" from the real client.
  const bytes = /^bytes (\d+)-(\*|-?\d+)\/(\*|\d+)$/.exec(value);
  if (bytes === null) throw new HttpError(400, `bad Content-Range ${value}`, "invalid");
  return {
    kind: "bytes",
    start: Number(bytes[1]),
    end: bytes[2] === "*" ? undefined : Number(bytes[2]),
    total: bytes[3] === "*" ? undefined : Number(bytes[3]),
  };
}

function parseRange(value: string, size: number): [number, number] | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (match === null) return null;
  const [, from, to] = match;
  if (from === "" && to === "") return null;
  if (from === "") return [Math.max(0, size - Number(to)), size - 1];
  return [Number(from), to === "" ? size - 1 : Number(to)];
}
