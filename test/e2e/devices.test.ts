import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

describe("browser: the device registry — the admin keeps it, the officer picks from it, the dashboard counts by it with a weekly trend", () => {
  let harness: Harness;
  let request: { id: string; reference: string };

  before(async () => {
    harness = await startHarness();
    const base = harness.baseUrl;
    const partner = await harness.loginAs("partner.targeter");
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const list = (await (
      await partner.request.get(`${base}/api/shipments?etdFrom=${tomorrow}&sort=etd&order=asc&limit=1`)
    ).json()) as { items: { id: string }[] };
    const shipment = (await (await partner.request.get(`${base}/api/shipments/${list.items[0]?.id}`)).json()) as {
      id: string;
      containers: { containerNo: string }[];
    };
    const made = await partner.request.post(`${base}/api/inspection-requests`, {
      data: {
        shipmentId: shipment.id,
        containerNo: shipment.containers[0]?.containerNo,
        reason: "Relay through Busan",
        scansRequested: ["isotope_id"],
      },
    });
    assert.equal(made.status(), 201, await made.text());
    request = (await made.json()) as { id: string; reference: string };
    await partner.context().close();
    const supervisor = await harness.loginAs("host.supervisor");
    const accepted = await supervisor.request.post(`${base}/api/inspection-requests/${request.id}/decision`, {
      data: { decision: "accept" },
    });
    assert.equal(accepted.status(), 200);
    await supervisor.context().close();
  });
  after(async () => {
    await harness?.close();
  });

  it("lets the admin register a device at a site, refuses a serial twice, and takes one out of service after confirming", async () => {
    const page = await harness.loginAs("host.admin");
    await page.click("a:has-text('Administration')");
    const table = page.getByTestId("devices");
    const lane1 = table.locator("tbody tr", { hasText: "LGB-RPM-01" });
    await lane1.waitFor();
    assert.match((await lane1.textContent()) ?? "", /radiation portal.*RPM lane 1/);
    const form = page.locator("form[aria-label='Register a device']");
    await form.locator("select[name=deviceType]").selectOption("isotope_id");
    await form.locator("input[name=deviceModel]").fill("Detective-X HPGe");
    await form.locator("input[name=deviceSerial]").fill("DX-5561");
    await form.locator("select[name=deviceSite]").selectOption({ label: "USLGB — Port of Long Beach" });
    await form.getByRole("button", { name: "Register" }).click();
    await page.getByTestId("devices-notice").filter({ hasText: "Detective-X HPGe · DX-5561 is registered" }).waitFor();
    const added = table.locator("tbody tr", { hasText: "DX-5561" });
    await added.waitFor();
    assert.equal(
      await added.getByRole("combobox").inputValue(),
      await form.locator("select[name=deviceSite] option", { hasText: "USLGB" }).getAttribute("value"),
    );

    await form.locator("select[name=deviceType]").selectOption("isotope_id");
    await form.locator("input[name=deviceModel]").fill("Detective-X HPGe");
    await form.locator("input[name=deviceSerial]").fill("dx-5561");
    await form.getByRole("button", { name: "Register" }).click();
    await form.getByRole("alert").filter({ hasText: "already registered" }).waitFor();
    assert.equal(await table.locator("tbody tr", { hasText: /DX-5561/i }).count(), 1, "nothing registered twice");

    await lane1.getByRole("button", { name: "Take out of service" }).click();
    const dialog = page.getByRole("dialog");
    assert.match((await dialog.textContent()) ?? "", /can no longer pick it for a scan/);
    await dialog.getByRole("button", { name: "Take out of service" }).click();
    await lane1.getByTestId("device-state").filter({ hasText: "out of service" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "devices-1-admin-registry.png"), fullPage: true });

    const log = (await (
      await page.request.get(`${harness.baseUrl}/api/audit-events?actionPrefix=device.&limit=10`)
    ).json()) as { items: { action: string; actorUsername: string }[] };
    assert.deepEqual(
      log.items.map((e) => e.action),
      ["device.retired", "device.registered"],
    );
    assert.ok(log.items.every((e) => e.actorUsername === "host.admin"));
    await page.context().close();
  });

  it("offers the officer only devices in service that fit the scan type, and names the chosen one on the result", async () => {
    const page = await harness.loginAs("scan.officer");
    await page.getByRole("heading", { name: "Work queue" }).waitFor();
    const card = page.getByTestId("request-card").filter({ hasText: request.reference });
    await card.getByRole("button", { name: "Record scan…" }).click();
    const form = card.locator("form[aria-label='Record scan']");
    assert.equal(await form.locator("select[name=scanType]").inputValue(), "isotope_id");
    const device = form.locator("select[name=deviceId]");
    // The registry arrives after the form opens; until then the list says no device fits.
    await device.locator("option", { hasText: "DX-5561" }).waitFor({ state: "attached" });
    const handhelds = await device.locator("option").allTextContents();
    assert.ok(handhelds.includes("Detective-X HPGe · DX-5561 (USLGB)"), handhelds.join(" | "));
    assert.ok(!handhelds.some((o) => o.includes("RPM")), "no portal for an isotope identification");
    await form.locator("select[name=scanType]").selectOption("radiation_portal");
    const portals = await device.locator("option").allTextContents();
    assert.ok(portals.some((o) => o.includes("LAX-RPM-03")));
    assert.ok(!portals.some((o) => o.includes("LGB-RPM-01")), "a device out of service is not offered");
    await form.locator("select[name=scanType]").selectOption("physical_exam");
    assert.equal(await device.count(), 0, "a physical exam names no device");
    await form.locator("select[name=scanType]").selectOption("isotope_id");
    await form.locator("select[name=finding]").selectOption("norm");
    await device.selectOption({ label: "Detective-X HPGe · DX-5561 (USLGB)" });
    await form.getByRole("button", { name: "Record scan", exact: true }).click();
    await form.getByTestId("scan-recorded").waitFor();
    await page.screenshot({ path: path.join(SHOTS, "devices-2-officer-picks.png"), fullPage: false });
    const stored = (await (
      await page.request.get(`${harness.baseUrl}/api/inspection-requests/${request.id}`)
    ).json()) as { scans: { device: string | null }[] };
    assert.equal(stored.scans[0]?.device, "Detective-X HPGe · DX-5561");
    await page.context().close();
  });

  it("shows the supervisor scans per registered device with type and site, and the weekly trend as a chart with its legend", async () => {
    const page = await harness.loginAs("host.supervisor");
    await page.getByRole("link", { name: "Reciprocity dashboard" }).click();
    const direction = page.locator("[data-testid=direction][data-agreement=CSI-USCBP-JPCUS]");
    const equipment = direction.getByTestId("equipment");
    await equipment.filter({ hasText: "DX-5561" }).waitFor();
    assert.match((await equipment.textContent()) ?? "", /Detective-X HPGe · DX-5561 — isotope id, USLGB/);
    assert.match(
      (await direction.getByTestId("equipment-legend").textContent()) ?? "",
      /make and model · serial — type, site/,
    );
    const chart = direction.getByTestId("trend-chart");
    await chart.locator("canvas").waitFor();
    const legend = (await chart.locator(".u-legend").textContent()) ?? "";
    for (const label of ["Requests", "Accommodation", "Median time to result"]) {
      assert.ok(legend.includes(label), `legend names ${label}: ${legend}`);
    }
    await direction.getByText("The same figures as a table").click();
    const rows = direction.getByTestId("trend-table").locator("tbody tr");
    assert.ok((await rows.count()) >= 5, "every week of the last 30 days");
    const thisWeek = rows.last();
    const cells = await thisWeek.locator("td").allTextContents();
    assert.equal(cells[1], "1", "this week's request");
    assert.equal(cells[2], "100%", "accepted");
    await direction.screenshot({ path: path.join(SHOTS, "devices-3-dashboard-trend.png") });
    await page.context().close();
  });
});
