import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { synthesizePortalN42 } from "../../src/radiation/synthetic/index.ts";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

/** POSTs JSON through the page's session and returns the parsed answer, failing on a non-2xx status. */
async function post(page: Page, url: string, data: unknown): Promise<{ id: string; reference: string }> {
  const res = await page.request.post(url, { data });
  assert.ok(res.ok(), `${url}: ${res.status()} ${await res.text()}`);
  return res.json();
}

describe("browser: the reciprocity dashboard", () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
    const base = harness.baseUrl;
    // Two requests: one accepted and scanned (a NORM nuisance alarm), one declined for capacity.
    const partner = await harness.loginAs("partner.targeter");
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const list = await (
      await partner.request.get(`${base}/api/shipments?port=JPYOK&etdFrom=${tomorrow}&sort=etd&order=asc&limit=2`)
    ).json();
    const requests = [];
    for (const item of list.items as { id: string }[]) {
      const shipment = await (await partner.request.get(`${base}/api/shipments/${item.id}`)).json();
      requests.push(
        await post(partner, `${base}/api/inspection-requests`, {
          shipmentId: shipment.id,
          containerNo: shipment.containers[0].containerNo,
          reason: "Targeting rule hit",
        }),
      );
    }
    await partner.context().close();
    const [accepted, declined] = requests;
    assert.ok(accepted && declined, "two Japan-bound shipments loading after tomorrow");
    const supervisor = await harness.loginAs("host.supervisor");
    await post(supervisor, `${base}/api/inspection-requests/${accepted.id}/decision`, { decision: "accept" });
    await post(supervisor, `${base}/api/inspection-requests/${declined.id}/decision`, {
      decision: "decline",
      reasonCode: "no_capacity",
      reason: "Lane 4 down for maintenance",
    });
    await supervisor.context().close();
    const officer = await harness.loginAs("scan.officer");
    const occupancy = synthesizePortalN42({
      seed: 22,
      cargoMassKg: 20000,
      norm: [{ nuclide: "K-40", activityBq: 5e7 }],
    }).bytes;
    await post(officer, `${base}/api/inspection-requests/${accepted.id}/scans`, {
      scanType: "radiation_portal",
      outcome: "alarm",
      notes: "Broad profile, hard spectrum: NORM",
      device: "RPM lane 4",
      attachment: {
        fileName: "occupancy.n42",
        mediaType: "application/xml",
        contentBase64: Buffer.from(occupancy).toString("base64"),
      },
      disposition: "cleared",
    });
    await officer.context().close();
  });
  after(async () => {
    await harness?.close();
  });

  it("the supervisor sees the accommodation rate for CSI-USCBP-JPCUS and downloads the CSV", async () => {
    const page = await harness.loginAs("host.supervisor");
    await page.getByRole("link", { name: "Reciprocity dashboard" }).click();
    await page.getByRole("heading", { name: "Reciprocity dashboard" }).waitFor();
    assert.equal(
      await page.locator("input[name=from]").inputValue(),
      new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
      "the last 30 days by default",
    );
    const direction = page.locator("[data-testid=direction][data-agreement=CSI-USCBP-JPCUS]");
    await direction.getByTestId("accommodation-rate").filter({ hasText: "50%" }).waitFor();
    const text = (await direction.textContent()) ?? "";
    assert.match(text, /no capacity/);
    assert.match(text, /RPM lane 4/);
    assert.match((await direction.getByTestId("alarms-by-chapter").textContent()) ?? "", /1 \(1 nuisance\)/);
    await page.screenshot({ path: path.join(SHOTS, "dashboard-1-supervisor.png"), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("csv-link").click()]);
    assert.match(download.suggestedFilename(), /^reciprocity-.*\.csv$/);
    const csv = readFileSync(await download.path(), "utf8").split("\n");
    assert.match(csv[0] ?? "", /^agreement,host,requester,from,to,requests,accepted,declined/);
    const row = csv.find((line) => line.startsWith("CSI-USCBP-JPCUS,"));
    assert.ok(row, csv.join("\n"));
    assert.match(row, /,2,1,1,0,0,0\.5,/);
    assert.ok(!row.includes("{"), "one value per cell");
    const header = (csv[0] ?? "").split(",");
    assert.equal(row.split(",")[header.indexOf("declined_no_capacity")], "1");
    assert.match((await direction.getByTestId("alarms-legend").textContent()) ?? "", /of which nuisance/);
    await page.context().close();
  });
});
