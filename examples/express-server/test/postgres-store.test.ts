import { randomUUID } from "node:crypto";
import { Run } from "@validibot/contracts";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { dropSchema, skipWithoutPostgres, TEST_DATABASE_URL } from "../../../test-support/postgres";
import { postRun, runForm, SAMPLE_IDF, startTestServer } from "./support/test-server";

const url = TEST_DATABASE_URL;
const skip = await skipWithoutPostgres("The DATABASE_URL server test");
const schema = `vbserver_${process.pid}_${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  if (!skip) await dropSchema(schema);
});

describe.skipIf(skip)("DATABASE_URL", () => {
  it("keeps runs in PostgreSQL and streams their changes to /events from the store's feed", async () => {
    const t = await startTestServer({ DATABASE_URL: url, VALIDIBOT_DATABASE_SCHEMA: schema });
    try {
      const controller = new AbortController();
      const events = await fetch(`${t.url}/events`, { signal: controller.signal });
      const reader = (events.body as ReadableStream<Uint8Array>).getReader();
      const { body } = await postRun(
        t.url,
        runForm("energyplus", [{ port: "primary_model", name: "m.idf", data: SAMPLE_IDF }]),
      );
      const id = Run.parse(body).id;
      let text = "";
      while (!text.includes(`"id":"${id}"`) || !text.includes('"status":"SUCCEEDED"')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      controller.abort();
      expect(text).toContain('"status":"SUCCEEDED"');

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const rows = await client.query(`SELECT status FROM ${schema}.runs WHERE id = $1`, [id]);
        expect(rows.rows).toEqual([{ status: "SUCCEEDED" }]);
      } finally {
        await client.end();
      }
    } finally {
      await t.close();
    }
  });
});
