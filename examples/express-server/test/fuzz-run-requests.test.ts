import { CALLBACK_PATH, ERROR_HTTP_STATUS, ErrorBody, Run, RunPage } from "@validibot/contracts";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_IDF, startTestServer, type TestServer } from "./support/test-server";

const RUNS = { numRuns: 80 };

let t: TestServer;
/** Ids of the runs answered 201. */
const created = new Set<string>();

beforeAll(async () => {
  t = await startTestServer({ VALIDIBOT_MAX_UPLOAD_BYTES: "4096" });
});
afterAll(async () => t.close());

/** Every answer is the contract's: a success body, or an error body whose status is its code's, never a 5xx. */
async function expectContractAnswer(
  response: Response,
  success: { status: number; parse: (body: unknown) => unknown },
) {
  const body: unknown = await response.json();
  if (response.status === success.status) {
    success.parse(body);
    return true;
  }
  const error = ErrorBody.parse(body);
  expect(response.status).toBe(ERROR_HTTP_STATUS[error.code]);
  expect(response.status).toBeLessThan(500);
  return false;
}

// Raw multipart bodies, so the framing itself can be wrong.

interface Part {
  name: string;
  filename: string | null;
  type: string | null;
  data: string;
}

const part: fc.Arbitrary<Part> = fc.record({
  name: fc.constantFrom(
    "validator",
    "inputs",
    "primary_model",
    "weather_file",
    "fmu",
    "x",
    "",
    'a"b',
  ),
  filename: fc.option(
    fc.constantFrom(
      "model.idf",
      "w.epw",
      "unit.fmu",
      "../../etc/passwd",
      "",
      "a/b.idf",
      "é😀.idf",
      "x\\y.idf",
      "m.txt",
    ),
    { nil: null },
  ),
  type: fc.option(
    fc.constantFrom(
      "application/octet-stream",
      "text/plain",
      "application/vnd.energyplus.idf",
      "application/vnd.fmi.fmu",
      "multipart/mixed; boundary=zz",
      "",
    ),
    { nil: null },
  ),
  data: fc.oneof(
    fc.constantFrom(
      "energyplus",
      "fmu",
      "nope",
      "",
      "{}",
      '{"run_simulation":"yes"}',
      "[1,2]",
      "{",
      "null",
      SAMPLE_IDF,
    ),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.integer({ min: 4000, max: 6000 }).map((n) => "x".repeat(n)),
  ),
});

function multipart(boundary: string, parts: Part[], close: boolean): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== null) head += `; filename="${p.filename}"`;
    head += "\r\n";
    if (p.type !== null) head += `Content-Type: ${p.type}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(p.data, "utf8"), Buffer.from("\r\n"));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** The parts of a good energyplus submission, which the other parts and the cut may spoil. */
const GOOD_PARTS: Part[] = [
  { name: "validator", filename: null, type: null, data: "energyplus" },
  { name: "inputs", filename: null, type: null, data: "{}" },
  {
    name: "primary_model",
    filename: "model.idf",
    type: "application/octet-stream",
    data: SAMPLE_IDF,
  },
];

const GOOD_TYPES = [
  "multipart/form-data; boundary=BOUNDARY",
  'multipart/form-data; boundary="BOUNDARY"; charset=utf-8',
];

const upload = fc.oneof(
  fc.record({
    parts: fc.array(part, { maxLength: 5 }),
    close: fc.boolean(),
    contentType: fc.constantFrom(
      ...GOOD_TYPES,
      "multipart/form-data; boundary=OTHER",
      "multipart/form-data",
      "application/json",
      "text/plain",
    ),
    cut: fc.option(fc.nat(), { nil: null }),
  }),
  // Mostly good submissions, which an extra part, a missing one or a cut may spoil.
  fc.record({
    parts: fc
      .tuple(fc.subarray(GOOD_PARTS, { minLength: 2 }), fc.array(part, { maxLength: 1 }))
      .map(([good, extra]) => [...good, ...extra]),
    close: fc.constant(true),
    contentType: fc.constantFrom(...GOOD_TYPES),
    cut: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
  }),
);

describe("the runs API on arbitrary requests", () => {
  it("answers any multipart upload with a run or a contract error; a run refused mid-stream ends FAILED", async () => {
    await fc.assert(
      fc.asyncProperty(upload, async (u) => {
        let body = multipart("BOUNDARY", u.parts, u.close);
        if (u.cut !== null) body = body.subarray(0, u.cut % (body.length + 1));
        const response = await fetch(`${t.url}/api/v1/validation-runs`, {
          method: "POST",
          headers: { "content-type": u.contentType },
          body,
        });
        await expectContractAnswer(response, {
          status: 201,
          parse: (b) => created.add(Run.parse(b).id),
        });
      }),
      RUNS,
    );
    // A streamed upload can fail after its run was created (a later part is bad, the form is cut
    // short): that run is kept, ended FAILED / VALIDATION_FAILED, never left open or launched.
    const listed = new Map<string, Run>();
    let cursor: string | null = null;
    do {
      const response = await fetch(
        `${t.url}/api/v1/validation-runs?limit=200${cursor ? `&cursor=${cursor}` : ""}`,
      );
      const page = RunPage.parse(await response.json());
      for (const run of page.items) listed.set(run.id, run);
      cursor = page.next_cursor;
    } while (cursor);
    for (const id of created) expect(listed.has(id)).toBe(true);
    for (const run of listed.values()) {
      if (created.has(run.id)) continue;
      expect({ status: run.status, category: run.error_category, started: run.started_at }).toEqual(
        {
          status: "FAILED",
          category: "VALIDATION_FAILED",
          started: null,
        },
      );
    }
  });

  it("answers any list query with a page or invalid_request", async () => {
    const pair = fc.tuple(
      fc.constantFrom("status", "limit", "cursor", "x", "status[]", "__proto__"),
      fc.oneof(
        fc.constantFrom(
          "PENDING",
          "SUCCEEDED",
          "nope",
          "0",
          "1",
          "200",
          "201",
          "-1",
          "1e2",
          "",
          "%",
          "%ZZ",
          "%00",
        ),
        fc.constantFrom("eyJ4IjoxfQ", "WyIyMDI2IiwieCJd", "bm90IGpzb24", "W10"),
        fc.string({ unit: "binary-ascii", maxLength: 12 }).map(encodeURIComponent),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(pair, { maxLength: 4 }), async (pairs) => {
        const query = pairs.map(([k, v]) => `${k}=${v}`).join("&");
        const response = await fetch(`${t.url}/api/v1/validation-runs?${query}`);
        await expectContractAnswer(response, { status: 200, parse: (b) => RunPage.parse(b) });
      }),
      RUNS,
    );
  });

  it("answers any run id or artifact name in the path with a contract error or the resource", async () => {
    const segment = fc.oneof(
      fc.constantFrom("%", "%ZZ", "%2F", "..", "%2e%2e", "a%00b", "😀", "x".repeat(300)),
      fc.string({ unit: "binary", maxLength: 20 }).map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(
        segment,
        segment,
        fc.constantFrom("", "/findings", "/cancel", "/artifacts/"),
        async (id, name, tail) => {
          const method = tail === "/cancel" ? "POST" : "GET";
          const path = `/api/v1/validation-runs/${id}${tail}${tail.endsWith("/") ? name : ""}`;
          const response = await fetch(`${t.url}${path}`, { method });
          const json = response.headers.get("content-type")?.includes("application/json");
          expect(json).toBe(true);
          await expectContractAnswer(response, { status: 200, parse: (b) => b });
        },
      ),
      RUNS,
    );
  });

  it("refuses any callback body it cannot authenticate or match, with a 4xx code, never a 2xx or 5xx", async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom("success", "failed_validation", "file:///etc/passwd", "x".repeat(43)),
      fc.integer(),
      fc.constant(null),
    );
    const body = fc.oneof(
      fc
        .dictionary(
          fc.constantFrom(
            "run_id",
            "callback_id",
            "callback_nonce",
            "status",
            "result_uri",
            "extra",
          ),
          value,
        )
        .map((o) => JSON.stringify(o)),
      fc.json(),
      fc.string({ unit: "binary", maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (text, withKey) => {
        const response = await fetch(`${t.url}${CALLBACK_PATH}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(withKey ? { authorization: `Worker-Key ${t.server.workerKey}` } : {}),
          },
          body: text,
        });
        const error = ErrorBody.parse(await response.json());
        expect(response.status).toBe(ERROR_HTTP_STATUS[error.code]);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        if (!withKey) expect(error.code.startsWith("auth_")).toBe(true);
      }),
      RUNS,
    );
  });
});
