import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

/** An HPGe spectrum of uranium: the analysis calls it special nuclear material (U-235). */
const U235 = path.resolve(import.meta.dirname, "../../../shared/raddata/n42-2012/interspec_U235_Unshielded_6000.n42");
const REASON = "Reach-back reviewed the spectrum: depleted-uranium counterweights on the shipper's licence; released";

/** The partner asks for an inspection of the first container of a Japan-bound shipment loading after tomorrow. */
async function requestInspection(page: Page, baseUrl: string): Promise<{ id: string; reference: string }> {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const list = await (
    await page.request.get(`${baseUrl}/api/shipments?port=JPTYO&etdFrom=${tomorrow}&sort=etd&order=asc&limit=5`)
  ).json();
  const shipment = await (await page.request.get(`${baseUrl}/api/shipments/${list.items[0].id}`)).json();
  const res = await page.request.post(`${baseUrl}/api/inspection-requests`, {
    data: {
      shipmentId: shipment.id,
      containerNo: shipment.containers[0].containerNo,
      reason: "Radiological concern: new consignee",
      scansRequested: ["isotope_id"],
    },
  });
  assert.equal(res.status(), 201, await res.text());
  return res.json();
}

/** Opens the request's page and the clearance: the findings instead of a one-click clear. */
async function openClearance(page: Page, baseUrl: string, id: string) {
  await page.goto(`${baseUrl}/requests/${id}`);
  await page.getByRole("button", { name: "Disposition: cleared…" }).click();
  const guard = page.getByTestId("clearance-guard");
  await guard.waitFor();
  assert.match((await guard.getByTestId("clearance-findings").textContent()) ?? "", /special nuclear material.*U-235/);
  return guard;
}

describe("browser: clearing a container against an SNM finding takes a supervisor's override", () => {
  let harness: Harness;
  let request: { id: string; reference: string };

  before(async () => {
    harness = await startHarness();
    const partner = await harness.loginAs("partner.targeter");
    request = await requestInspection(partner, harness.baseUrl);
    await partner.context().close();
    const supervisor = await harness.loginAs("host.supervisor");
    const decided = await supervisor.request.post(`${harness.baseUrl}/api/inspection-requests/${request.id}/decision`, {
      data: { decision: "accept" },
    });
    assert.equal(decided.status(), 200, await decided.text());
    await supervisor.context().close();
    const officer = await harness.loginAs("scan.officer");
    const scanned = await officer.request.post(`${harness.baseUrl}/api/inspection-requests/${request.id}/scans`, {
      data: {
        scanType: "isotope_id",
        outcome: "alarm",
        notes: "Handheld HPGe on the rear doors",
        attachment: {
          fileName: "u235.n42",
          mediaType: "application/xml",
          contentBase64: readFileSync(U235).toString("base64"),
        },
      },
    });
    assert.equal(scanned.status(), 201, await scanned.text());
    await officer.context().close();
  });
  after(async () => {
    await harness?.close();
  });

  it("shows the scan officer the findings and that a supervisor must override, with no way to clear", async () => {
    const page = await harness.loginAs("scan.officer");
    const guard = await openClearance(page, harness.baseUrl, request.id);
    await guard.getByTestId("override-needed").waitFor();
    assert.match(
      (await guard.getByTestId("override-needed").textContent()) ?? "",
      /host supervisor must review these findings/,
    );
    assert.equal(await guard.getByRole("button", { name: "Clear with override" }).count(), 0);
    await page.screenshot({ path: path.join(SHOTS, "guard-1-officer.png"), fullPage: true });
    await guard.getByRole("button", { name: "Cancel" }).click();
    assert.equal(await page.getByTestId("clearance-guard").count(), 0);
    assert.equal((await page.getByTestId("request-status").textContent())?.trim(), "results recorded");
    await page.context().close();
  });

  it("lets the host supervisor clear with a reason, and the timeline shows who overrode and why", async () => {
    const page = await harness.loginAs("host.supervisor");
    const guard = await openClearance(page, harness.baseUrl, request.id);
    const submit = guard.getByRole("button", { name: "Clear with override" });
    assert.equal(await submit.isDisabled(), true, "no override without a reason");
    await guard.locator("textarea[name=overrideReason]").fill(REASON);
    await submit.click();
    await page.getByTestId("request-status").filter({ hasText: "dispositioned" }).waitFor();
    assert.match(
      (await page.getByTestId("disposition-override").textContent()) ?? "",
      new RegExp(`override by host\\.supervisor: ${REASON}`),
    );
    await page.getByText(/^History/).click();
    const step = page.getByTestId("timeline-override");
    await step.waitFor();
    assert.match(
      (await step.textContent()) ?? "",
      new RegExp(`^Override by host\\.supervisor: ${REASON} \\(overrode: isotope id scan .*U-235`),
    );
    await page.screenshot({ path: path.join(SHOTS, "guard-2-supervisor-override.png"), fullPage: true });
    await page.context().close();
  });

  it("shows the partner the override in the request and its timeline", async () => {
    const page = await harness.loginAs("partner.targeter");
    await page.goto(`${harness.baseUrl}/requests/${request.id}`);
    await page.getByTestId("disposition-override").waitFor();
    assert.match((await page.getByTestId("disposition-override").textContent()) ?? "", /override by host\.supervisor/);
    await page.getByText(/^History/).click();
    assert.match(
      (await page.getByTestId("timeline-override").textContent()) ?? "",
      new RegExp(`Override by host\\.supervisor: ${REASON}`),
    );
    await page.screenshot({ path: path.join(SHOTS, "guard-3-partner.png"), fullPage: true });
    await page.context().close();
  });
});
