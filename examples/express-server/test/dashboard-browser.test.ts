import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Run } from "@validibot/contracts";
import { createValidibotClient } from "@validibot/sdk/client";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_IDF, startTestServer, type TestServer } from "./support/test-server";

// Debian's chromium, driven by playwright-core. Under CI=true a missing browser fails the suite
// (with the command that installs it); elsewhere the test is skipped with that message.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const MISSING = `no Chromium at ${CHROMIUM}: install it with "apt-get install chromium" (or set CHROMIUM_PATH)`;
const present = existsSync(CHROMIUM);
/**
 * Where the screenshots go: the docs' images with UPDATE_SCREENSHOTS=1 (to refresh them), else a
 * temp folder, so a test run leaves the working tree as it found it.
 */
const IMAGES = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL("../../../docs/images/", import.meta.url))
  : `${mkdtempSync(join(tmpdir(), "validibot-screens-"))}/`;

if (!present && process.env.CI === "true") throw new Error(MISSING);
if (!present) console.warn(`dashboard browser test skipped: ${MISSING}`);

let t: TestServer;

/** The login link that opens `path` with a session (each page has its own browser context). */
const loggedIn = (path: string) => `${t.loginUrl}&next=${encodeURIComponent(path)}`;
let browser: Browser;

describe.runIf(present || process.env.CI === "true")("the dashboard in Chromium", () => {
  beforeAll(async () => {
    t = await startTestServer({ VALIDIBOT_MOCK_DELAY_MS: "1500" });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("shows a run submitted through the API turn SUCCEEDED without a reload, then its findings", async () => {
    const client = createValidibotClient({ baseUrl: t.url, token: t.token });
    const model = { port_key: "primary_model", name: "office.idf", data: SAMPLE_IDF };
    const fmu = (name: string) => ({ port_key: "fmu", name, data: "PK" });
    const earlier = [
      await client.submitRun({ validator: "energyplus", files: [model] }),
      await client.submitRun({ validator: "fmu", files: [fmu("first_order.fmu")] }),
      await client.submitRun({
        validator: "energyplus",
        files: [{ ...model, name: "warehouse.idf" }],
      }),
      await client.submitRun({ validator: "fmu", files: [fmu("heat_pump.fmu")] }),
    ];
    await Promise.all(earlier.map((run) => client.waitForRun(run.id, { intervalMs: 100 })));
    const canceled = await client.submitRun({ validator: "fmu", files: [fmu("stale.fmu")] });
    await client.cancelRun(canceled.id);

    const page = await browser.newPage({ viewport: { width: 1280, height: 600 } });
    await page.goto(loggedIn(`/`));
    await page.locator('#live[data-state="live"]').waitFor();
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const submitted = Run.parse(
      await client.submitRun({
        validator: "energyplus",
        inputs: { run_simulation: false },
        files: [{ ...model, name: "school.idf" }],
      }),
    );
    const row = page.locator(`tr[data-run-id="${submitted.id}"]`);
    await row.locator('[data-field="status"]', { hasText: "RUNNING" }).waitFor();
    await row
      .locator('[data-field="status"]', { hasText: "SUCCEEDED" })
      .waitFor({ timeout: 15_000 });
    expect(
      await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded),
    ).toBe(true);
    expect(await row.locator('[data-field="counts"]').textContent()).toMatch(/warning/);
    mkdirSync(IMAGES, { recursive: true });
    await page.screenshot({ path: `${IMAGES}dashboard.png` });

    await row.locator('[data-field="link"]').click();
    await page.waitForURL(`${t.url}/runs/${submitted.id}`);
    await expect(page.locator("#run-status").textContent()).resolves.toBe("SUCCEEDED");
    const findings = await client.listFindings(submitted.id);
    const rows = page.locator("#findings tbody tr");
    expect(await rows.count()).toBe(findings.length);
    expect(await rows.first().textContent()).toContain(findings[0]?.message ?? "(none)");
    expect(await page.locator("#metrics").textContent()).toContain("site_eui_kwh_m2");
    await page.screenshot({ path: `${IMAGES}run.png`, fullPage: true });
    await page.close();
  });

  it("submits a run by hand from /new and opens its page", async () => {
    const page = await browser.newPage();
    await page.goto(loggedIn(`/new`));
    const form = page.locator('form[data-validator="fmu"]');
    await form.locator('input[name="fmu"]').setInputFiles({
      name: "by-hand.fmu",
      mimeType: "application/octet-stream",
      buffer: Buffer.from("PK"),
    });
    await form.locator('button[type="submit"]').click();
    await page.waitForURL(/\/runs\/[0-9a-f-]+$/);
    await page.locator("#run-status", { hasText: "SUCCEEDED" }).waitFor({ timeout: 15_000 });
    expect(await page.locator("#files").textContent()).toContain("by-hand.fmu");
    await page.close();
  });

  it("shows the server's refusal on the form instead of leaving the page", async () => {
    const page = await browser.newPage();
    await page.goto(loggedIn(`/new`));
    const form = page.locator('form[data-validator="energyplus"]');
    await form.locator('textarea[name="inputs"]').fill("{not json");
    await form.locator('input[name="primary_model"]').setInputFiles({
      name: "m.idf",
      mimeType: "application/octet-stream",
      buffer: Buffer.from(SAMPLE_IDF),
    });
    await form.locator('button[type="submit"]').click();
    await form.locator(".form-error", { hasText: "invalid_json" }).waitFor();
    expect(page.url()).toBe(`${t.url}/new`);
    await page.close();
  });

  it("updates an open run page when the run ends", async () => {
    const client = createValidibotClient({ baseUrl: t.url, token: t.token });
    const run = await client.submitRun({
      validator: "fmu",
      files: [{ port_key: "fmu", name: "unit.fmu", data: "PK" }],
    });
    const page = await browser.newPage();
    await page.goto(loggedIn(`/runs/${run.id}`));
    await page.locator("#run-status", { hasText: "SUCCEEDED" }).waitFor({ timeout: 15_000 });
    expect(await page.locator("#findings tbody tr").count()).toBeGreaterThan(0);
    await page.close();
  });
});
