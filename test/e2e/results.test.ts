import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { synthesizePortalN42 } from "../../src/radiation/synthetic/index.ts";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

const CS137 = path.resolve(
  import.meta.dirname,
  "../../../shared/raddata/n42-2006/rase_generic-NaI/VABCD_M001_Cs137.n42",
);

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
      reason: "Radiological concern: consignee new, goods mismatch",
      scansRequested: ["isotope_id", "xray_image"],
    },
  });
  assert.equal(res.status(), 201, await res.text());
  return res.json();
}

/** A stand-in X-ray image: a container silhouette with a dense object, rendered by the browser itself. */
async function xrayPng(page: Page): Promise<Buffer> {
  const scratch = await page.context().newPage();
  await scratch.setContent(`<body style="margin:0;background:#000">
    <div id="img" style="width:900px;height:300px;background:linear-gradient(#222,#555 40%,#444);position:relative">
      <div style="position:absolute;left:60px;top:40px;width:780px;height:220px;border:6px solid #ddd;background:#777"></div>
      <div style="position:absolute;left:420px;top:120px;width:70px;height:60px;background:#fafafa;border-radius:8px"></div>
    </div></body>`);
  const png = await scratch.locator("#img").screenshot();
  await scratch.close();
  return png;
}

describe("browser: the partner sees plots of the officer's instrument files and the image viewer", () => {
  let harness: Harness;
  let request: { id: string; reference: string };

  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  it("the officer records a handheld spectrum through the form, a portal occupancy and an X-ray image", async () => {
    const partner = await harness.loginAs("partner.targeter");
    request = await requestInspection(partner, harness.baseUrl);
    const png = await xrayPng(partner);
    await partner.context().close();
    const supervisor = await harness.loginAs("host.supervisor");
    const decided = await supervisor.request.post(`${harness.baseUrl}/api/inspection-requests/${request.id}/decision`, {
      data: { decision: "accept" },
    });
    assert.equal(decided.status(), 200, await decided.text());
    await supervisor.context().close();

    const officer = await harness.loginAs("scan.officer");
    const card = officer.getByTestId("request-card").filter({ hasText: request.reference });
    await card.getByRole("button", { name: "Record scan…" }).click();
    await card.locator("select[name=scanType]").selectOption("isotope_id");
    await card.locator("select[name=finding]").selectOption("industrial");
    await card
      .locator("select[name=deviceId]")
      .selectOption({ label: "identiFINDER-NG handheld (NaI) · IDF-NG-20417 (USLAX)" });
    await card.locator("textarea[name=notes]").fill("Handheld NaI on the hot spot, rear left");
    await card
      .locator("input[name=attachment]")
      .setInputFiles({ name: "cs137.n42", mimeType: "application/xml", buffer: readFileSync(CS137) });
    await card.getByRole("button", { name: "Record scan", exact: true }).click();
    await card.getByTestId("request-status").filter({ hasText: "results recorded" }).waitFor();
    const portal = synthesizePortalN42({
      seed: 23,
      cargoMassKg: 10000,
      sources: [{ nuclide: "Cs-137", activityBq: 5e6, lateralM: 0.8 }],
    }).bytes;
    const scans: [string, string, string, Buffer][] = [
      ["radiation_portal", "lane4-occupancy.n42", "application/xml", Buffer.from(portal)],
      ["xray_image", "vacis.png", "image/png", png],
    ];
    for (const [scanType, fileName, mediaType, bytes] of scans) {
      const res = await officer.request.post(`${harness.baseUrl}/api/inspection-requests/${request.id}/scans`, {
        data: {
          scanType,
          outcome: "alarm",
          notes: `${scanType} evidence`,
          attachment: { fileName, mediaType, contentBase64: bytes.toString("base64") },
        },
      });
      assert.equal(res.status(), 201, await res.text());
    }
    await officer.context().close();
  });

  it("the partner sees the spectrum on a canvas with the Cs-137 peak labelled and the portal profile per panel", async () => {
    const page = await harness.loginAs("partner.targeter");
    await page.goto(`${harness.baseUrl}/requests/${request.id}`);
    const spectrum = page.getByTestId("spectrum-chart");
    await spectrum.locator("canvas").waitFor();
    assert.match((await page.getByTestId("peak-label").first().textContent()) ?? "", /Cs-137 6[56]\d\.\d keV/);
    await page.getByTestId("portal-chart").nth(4).locator("canvas").waitFor();
    assert.equal(await page.getByTestId("portal-chart").count(), 5, "four gamma panels and the neutron sum");
    // Each panel names its threshold line with the value and unit; the Cs-137 pass-by marks its alarm interval.
    const thresholds = await page.getByTestId("portal-threshold-label").allTextContents();
    assert.equal(thresholds.length, 5);
    for (const label of thresholds) {
      assert.match(label, /^alarm threshold [\d,]+ cps$/);
    }
    const alarms = await page.getByTestId("portal-alarm-interval").allTextContents();
    assert.ok(alarms.length >= 1, "the source's pass-by crosses the threshold on some panel");
    for (const a of alarms) {
      const m = /alarm (\d+(?:\.\d)?)–(\d+(?:\.\d)?) s/.exec(a);
      assert.ok(m, a);
      assert.ok(Number(m[2]) > Number(m[1]), a);
    }
    await page.screenshot({ path: path.join(SHOTS, "results-1-partner-plots.png"), fullPage: true });
    await spectrum.screenshot({ path: path.join(SHOTS, "results-2-spectrum.png") });
    await page
      .getByTestId("portal-chart")
      .first()
      .screenshot({ path: path.join(SHOTS, "results-3-portal-panel.png") });
    await page.context().close();
  });

  it("the image viewer zooms with the buttons and the wheel, pans by dragging and resets", async () => {
    const page = await harness.loginAs("partner.targeter");
    await page.goto(`${harness.baseUrl}/requests/${request.id}`);
    const image = page.getByTestId("viewer-image");
    await image.waitFor();
    await page.waitForFunction(
      () => (document.querySelector<HTMLImageElement>("[data-testid=viewer-image]")?.naturalWidth ?? 0) > 0,
    );
    const transform = () => image.evaluate((el) => (el as HTMLElement).style.transform);
    assert.equal(await transform(), "translate(0px, 0px) scale(1)");
    await page.getByRole("button", { name: "Zoom in" }).click();
    assert.match(await transform(), /scale\(1\.25\)/);
    const frame = page.getByTestId("image-viewer");
    // Plots above the image load after it and move it down the page: wait until nothing is in
    // flight, then let hover() scroll the frame into view and check that it is what the mouse is
    // over before any wheel or drag is aimed there.
    await page.waitForLoadState("networkidle");
    const aim = async () => {
      const size = await frame.boundingBox();
      assert.ok(size);
      const position = { x: size.width / 2, y: Math.min(size.height / 2, 100) };
      await frame.hover({ position });
      const at = await frame.boundingBox();
      assert.ok(at);
      return { x: at.x + position.x, y: at.y + position.y };
    };
    await aim();
    await page.mouse.wheel(0, -400);
    await page.waitForFunction(
      () => !document.querySelector<HTMLElement>("[data-testid=viewer-image]")?.style.transform.includes("scale(1.25)"),
    );
    const scale = Number(/scale\(([\d.]+)\)/.exec(await transform())?.[1]);
    assert.ok(scale > 1.25, `wheel zoomed in to ${scale}`);
    const before = await transform();
    const from = await aim();
    await page.mouse.down();
    await page.mouse.move(from.x - 120, from.y + 40, { steps: 5 });
    await page.mouse.up();
    // The pan is applied on the next render; wait for it rather than reading at once.
    await page
      .waitForFunction(
        (was) => document.querySelector<HTMLElement>("[data-testid=viewer-image]")?.style.transform !== was,
        before,
        { timeout: 5000 },
      )
      .catch(() => undefined);
    assert.notEqual(await transform(), before, "dragging pans");
    await frame.screenshot({ path: path.join(SHOTS, "results-4-image-zoomed.png") });
    await page.getByRole("button", { name: "Reset" }).click();
    assert.equal(await transform(), "translate(0px, 0px) scale(1)");
    await page.context().close();
  });
});
