import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

describe("browser journey: partner requests → supervisor accepts → officer records → partner sees the result", () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  const loginAs = (username: string): Promise<Page> => harness.loginAs(username);

  let reference = "";

  it("the partner targeter finds a shared shipment and requests an inspection", async () => {
    const page = await loginAs("partner.targeter");
    await page.getByRole("heading", { name: "Shipments" }).waitFor();
    await page.fill("input[name=port]", "JPTYO");
    await page.click("button:has-text('Filter')");
    // An empty table (between the old page and the filtered one) would pass "every row says JPTYO",
    // so wait for at least one row and all of them bound for Tokyo.
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll("tbody tr")];
      return rows.length > 0 && rows.every((tr) => tr.textContent?.includes("JPTYO"));
    });
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
    assert.match(reference, /^IR-JPCUS-\d{4}-\d{6}$/);
    await page.screenshot({ path: path.join(SHOTS, "2-partner-requested.png"), fullPage: true });
    await page.context().close();
  });

  it("the host supervisor accepts it", async () => {
    const page = await loginAs("host.supervisor");
    await page.click("a:has-text('Inspection requests')");
    await page.selectOption("select[name=status]", "requested");
    const card = page.getByTestId("request-card").filter({ hasText: reference });
    const decided = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/decision"));
    await card.getByRole("button", { name: "Accept" }).click();
    const decision = await decided;
    assert.equal(decision.status(), 200, await decision.text());
    // A live update soon takes the card out of the "requested" view; it is in the accepted one.
    await page.selectOption("select[name=status]", "accepted");
    await page
      .getByTestId("request-card")
      .filter({ hasText: reference })
      .getByTestId("request-status")
      .filter({ hasText: "accepted" })
      .waitFor();
    await page.screenshot({ path: path.join(SHOTS, "3-supervisor-accepted.png"), fullPage: true });
    await page.context().close();
  });

  it("the scan officer records a portal scan with its instrument file and a disposition", async () => {
    const page = await loginAs("scan.officer");
    await page.getByRole("heading", { name: "Work queue" }).waitFor();
    const card = page.getByTestId("request-card").filter({ hasText: reference });
    await card.getByRole("button", { name: "Record scan…" }).click();
    await card.locator("select[name=scanType]").selectOption("radiation_portal");
    await card.locator("select[name=finding]").selectOption("gamma_alarm");
    await card
      .locator("select[name=deviceId]")
      .selectOption({ label: "RPM lane 3 (4 PVT panels, 4 He-3 tubes) · LAX-RPM-03 (USLAX)" });
    await card
      .locator("textarea[name=notes]")
      .fill("Gamma alarm, broad profile; handheld ID: K-40 only, consistent with manifest");
    await card.locator("input[name=attachment]").setInputFiles({
      name: "occupancy-0042.n42",
      mimeType: "application/xml",
      buffer: Buffer.from('<?xml version="1.0"?><RadInstrumentData xmlns="http://physics.nist.gov/N42/2011/N42"/>'),
    });
    await card.locator("select[name=disposition]").selectOption("cleared");
    const recorded = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/scans"));
    await card.getByRole("button", { name: "Record scan", exact: true }).click();
    // Recording with a disposition names its consequence first.
    const dialog = page.getByRole("dialog");
    assert.match((await dialog.getByTestId("consequence").textContent()) ?? "", /released for loading/);
    await dialog.getByRole("button", { name: "Record and disposition: cleared" }).click();
    // The answer carries the request as it now stands; a live update then takes the finished card
    // off the work queue, and the partner's view below shows the disposition.
    const answer = await recorded;
    assert.equal(answer.status(), 201, await answer.text());
    assert.equal(((await answer.json()) as { status: string }).status, "dispositioned");
    await page.screenshot({ path: path.join(SHOTS, "4-officer-recorded.png"), fullPage: true });
    await page.context().close();
  });

  it("the partner targeter sees the result on the request and on the shipment", async () => {
    const page = await loginAs("partner.targeter");
    await page.click("a:has-text('Inspection requests')");
    // The queue opens on the agency's open requests; the answered one is under "dispositioned".
    await page.selectOption("select[name=status]", "dispositioned");
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
    // The table arrives after the heading; wait for the newest change before reading it.
    await page.locator("table").getByText("inspection_request.dispositioned").first().waitFor();
    const log = (await page.locator("table").textContent()) ?? "";
    for (const action of [
      "inspection_request.created",
      "inspection_request.accepted",
      "scan.recorded",
      "inspection_request.dispositioned",
    ]) {
      assert.ok(log.includes(action), `audit log misses ${action}: ${log.slice(0, 500)}`);
    }
    await page.click("button:has-text('Verify the chain')");
    await page.getByTestId("verdict").filter({ hasText: "Chain intact" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "6-partner-audit.png"), fullPage: false });
    await page.context().close();
  });
});
