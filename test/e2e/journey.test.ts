import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser, type Page } from "playwright-core";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { systemClock } from "../../src/domain/clock.ts";
import { ensureDemoWorld, startOfUtcDay } from "../../src/domain/demo/seed.ts";
import { setDemoAccountsActive } from "../../src/domain/users.ts";
import { buildApp, DEFAULT_WEB_DIR } from "../../src/server/app.ts";

const PASSWORD = "journey-password-1";
const SHOTS = path.resolve("test-results");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

describe("browser journey: partner requests → supervisor accepts → officer records → partner sees the result", () => {
  let database: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let baseUrl: string;

  before(async () => {
    assert.ok(existsSync(path.join(DEFAULT_WEB_DIR, "index.html")), "build the UI first: npm run build:web");
    assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
    mkdirSync(SHOTS, { recursive: true });
    database = await openDatabase({ memory: true });
    await migrateToLatest(database.db);
    await ensureDemoWorld(database.db, { seed: 11, anchor: startOfUtcDay(new Date()), shipments: 400, password: PASSWORD });
    await setDemoAccountsActive(database.db, true);
    app = await buildApp({ db: database.db, clock: systemClock });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  async function loginAs(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(baseUrl);
    await page.fill("input[name=username]", username);
    await page.fill("input[name=password]", PASSWORD);
    await page.click("button[type=submit]");
    await page.getByTestId("who").waitFor();
    return page;
  }

  let reference = "";

  it("the partner targeter finds a shared shipment and requests an inspection", async () => {
    const page = await loginAs("partner.targeter");
    await page.getByRole("heading", { name: "Shipments" }).waitFor();
    await page.fill("input[name=port]", "JPTYO");
    await page.click("button:has-text('Filter')");
    await page.waitForFunction(() => [...document.querySelectorAll("tbody tr td:nth-child(2)")].every((td) => td.textContent?.includes("JPTYO")));
    const rows = await page.locator("tbody tr").count();
    assert.ok(rows > 0, "the partner sees shipments bound for Tokyo");
    await page.screenshot({ path: path.join(SHOTS, "1-partner-shipments.png"), fullPage: false });
    await page.locator("tbody tr td a").first().click();
    await page.getByText("shared with you").waitFor();
    await page.getByRole("button", { name: "Request inspection" }).first().click();
    await page.fill("textarea[name=reason]", "Consignee first seen; declared weight implausible for the goods");
    await page.selectOption("select[name=priority]", "high");
    await page.click("button:has-text('Send request')");
    const card = page.getByTestId("request-card").first();
    await card.getByTestId("request-status").filter({ hasText: "requested" }).waitFor();
    reference = (await card.locator("strong").first().textContent()) ?? "";
    assert.match(reference, /^IR-\d{4}-\d{6}$/);
    await page.screenshot({ path: path.join(SHOTS, "2-partner-requested.png"), fullPage: true });
    await page.context().close();
  });

  it("the host supervisor accepts it", async () => {
    const page = await loginAs("host.supervisor");
    await page.click("a:has-text('Inspection requests')");
    await page.selectOption("select[name=status]", "requested");
    const card = page.getByTestId("request-card").filter({ hasText: reference });
    await card.getByRole("button", { name: "Accept" }).click();
    await card.getByTestId("request-status").filter({ hasText: "accepted" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "3-supervisor-accepted.png"), fullPage: true });
    await page.context().close();
  });

  it("the scan officer records a portal scan with its instrument file and a disposition", async () => {
    const page = await loginAs("scan.officer");
    await page.getByRole("heading", { name: "Work queue" }).waitFor();
    const card = page.getByTestId("request-card").filter({ hasText: reference });
    await card.locator("select[name=scanType]").selectOption("radiation_portal");
    await card.locator("select[name=outcome]").selectOption("alarm");
    await card.locator("textarea[name=notes]").fill("Gamma alarm, broad profile; handheld ID: K-40 only, consistent with manifest");
    await card.locator("input[name=attachment]").setInputFiles({
      name: "occupancy-0042.n42",
      mimeType: "application/xml",
      buffer: Buffer.from('<?xml version="1.0"?><RadInstrumentData xmlns="http://physics.nist.gov/N42/2011/N42"/>'),
    });
    await card.locator("select[name=disposition]").selectOption("cleared");
    await card.getByRole("button", { name: "Record scan" }).click();
    await card.getByTestId("request-status").filter({ hasText: "dispositioned" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "4-officer-recorded.png"), fullPage: true });
    await page.context().close();
  });

  it("the partner targeter sees the result on the request and on the shipment", async () => {
    const page = await loginAs("partner.targeter");
    await page.click("a:has-text('Inspection requests')");
    const card = page.getByTestId("request-card").filter({ hasText: reference });
    await card.getByTestId("request-status").filter({ hasText: "dispositioned" }).waitFor();
    const results = await card.getByTestId("scan-results").textContent();
    assert.match(results ?? "", /alarm/);
    assert.match(results ?? "", /K-40 only/);
    assert.match(results ?? "", /occupancy-0042\.n42/);
    assert.match((await card.getByTestId("disposition").textContent()) ?? "", /cleared/);
    await card.locator("a", { hasText: reference }).click();
    await page.getByRole("link", { name: "Shipment", exact: true }).click();
    await page.getByTestId("scan-results").waitFor();
    await page.screenshot({ path: path.join(SHOTS, "5-partner-sees-result.png"), fullPage: true });
    await page.context().close();
  });

  it("the partner auditor sees the steps in the audit log and the chain verifies", async () => {
    const page = await loginAs("partner.auditor");
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    const log = (await page.locator("table").textContent()) ?? "";
    for (const action of ["inspection_request.created", "inspection_request.accepted", "scan.recorded", "inspection_request.dispositioned"]) {
      assert.ok(log.includes(action), `audit log misses ${action}`);
    }
    await page.click("button:has-text('Verify the chain')");
    await page.getByTestId("verdict").filter({ hasText: "Chain intact" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "6-partner-audit.png"), fullPage: false });
    await page.context().close();
  });
});
