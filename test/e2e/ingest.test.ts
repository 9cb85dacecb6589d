import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

const HEADER =
  "bill_of_lading,message_ref,function,carrier_scac,vessel_imo,voyage,port_of_loading,port_of_discharge,etd,shipper_name,consignee_name,container_number,size_type,hs_code,description,packages,gross_weight_kg";

describe("browser: the host admin ingests a manifest, fixes the quarantined record, and the amendment shows as a version", () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  it("uploads, reads the report, resubmits the fixed record, and sees the version history", async () => {
    const page = await harness.loginAs("host.admin");
    await page.click("a:has-text('Manifest ingest')");
    const csv = [
      HEADER,
      "WEB0000001,W1,original,ONEY,9356127,042W,USLAX,JPTYO,2026-12-20T06:00,PACIFIC TILE EXPORTS INC,KERAMIK TRADING KK,CSQU3054383,22G1,690721,PORCELAIN TILES,60,24000",
      "WEB0000002,W1,original,ONEY,9356127,042W,USLAX,JPUKB,2026-12-20T06:00,VALLEY POTASH LLC,HOKKAI NOKYO,MSCU6639871,22G1,310430,POTASSIUM SULPHATE,400,25000",
    ].join("\n");
    await page
      .locator("input[name=manifest]")
      .setInputFiles({ name: "feed.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.click("button:has-text('Ingest')");
    const report = page.getByTestId("ingest-report");
    await report.waitFor();
    assert.match((await report.textContent()) ?? "", /1 shipments — 1 new/);
    assert.match(
      (await page.getByTestId("ingest-records").textContent()) ?? "",
      /2 records read: 1 landed, 1 quarantined, 0 set aside/,
    );
    const item = page.getByTestId("quarantine-item").filter({ hasText: "MSCU6639871" });
    await item.waitFor();
    await page.screenshot({ path: path.join(SHOTS, "7-admin-ingest-report.png"), fullPage: true });
    const raw = await item.locator("textarea").inputValue();
    await item.locator("textarea").fill(raw.replace("MSCU6639871", "MSKU7351770"));
    await item.getByRole("button", { name: "Resubmit corrected text" }).click();
    await page.getByTestId("quarantine-item").filter({ hasText: "MSCU6639871" }).waitFor({ state: "detached" });
    const amended = [
      HEADER,
      "WEB0000001,W2,replace,ONEY,9356127,042W,USLAX,JPNGO,2026-12-20T06:00,PACIFIC TILE EXPORTS INC,KERAMIK TRADING KK,CSQU3054383,22G1,690721,PORCELAIN TILES,60,24000",
    ].join("\n");
    await page
      .locator("input[name=manifest]")
      .setInputFiles({ name: "amendment.csv", mimeType: "text/csv", buffer: Buffer.from(amended) });
    await page.click("button:has-text('Ingest')");
    await page.getByTestId("ingest-report").filter({ hasText: "1 replaced" }).waitFor();
    await page.context().close();

    const partner = await harness.loginAs("partner.targeter");
    await partner.fill("input[name=q]", "WEB0000001");
    await partner.click("button:has-text('Filter')");
    await partner.locator("tbody tr td a", { hasText: "WEB0000001" }).click();
    const versions = partner.getByTestId("versions");
    await versions.waitFor();
    assert.match((await versions.textContent()) ?? "", /portOfDischarge: "JPTYO" → "JPNGO"/);
    await partner.screenshot({ path: path.join(SHOTS, "8-partner-version-history.png"), fullPage: true });
    await partner.context().close();
  });
});
