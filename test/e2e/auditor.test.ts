import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

describe("browser: the auditor's log — readable rows to the second, filters, CSV export", () => {
  let harness: Harness;
  let reference = "";

  before(async () => {
    harness = await startHarness();
    const partner = await harness.loginAs("partner.targeter");
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const list = (await (
      await partner.request.get(`${harness.baseUrl}/api/shipments?etdFrom=${tomorrow}&sort=etd&order=asc&limit=5`)
    ).json()) as { items: { id: string }[] };
    const id = (list.items[0] as { id: string }).id;
    const detail = (await (await partner.request.get(`${harness.baseUrl}/api/shipments/${id}`)).json()) as {
      containers: { containerNo: string }[];
    };
    const res = await partner.request.post(`${harness.baseUrl}/api/inspection-requests`, {
      data: { shipmentId: id, containerNo: detail.containers[0]?.containerNo, reason: "Audit trail check" },
    });
    assert.equal(res.status(), 201, await res.text());
    reference = ((await res.json()) as { reference: string }).reference;
    await partner.context().close();
  });
  after(async () => {
    await harness?.close();
  });

  it("shows who did what to which record and when, to the second, in the agency's time", async () => {
    const page = await harness.loginAs("host.auditor");
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    const row = page.locator("[data-testid=audit-log] tbody tr", { hasText: "inspection_request.created" }).first();
    await row.waitFor();
    const cells = await row.locator("td").allTextContents();
    assert.match(cells[1] ?? "", /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} P[SD]T$/, "when, to the second");
    assert.match(cells[2] ?? "", /^partner\.targeter \(JPCUS\)$/, "who");
    assert.match(cells[3] ?? "", /^Inspection request created/, "what, in words");
    assert.match(cells[4] ?? "", /^inspection request [0-9a-f]{8}$/, "which record");
    assert.match(cells[5] ?? "", new RegExp(`reference: ${reference}`), "details as readable pairs");
    assert.match((await row.locator("time").getAttribute("title")) ?? "", /:\d{2} UTC$/);
    await page.screenshot({ path: path.join(SHOTS, "audit-1-rows.png"), fullPage: false });
    await page.context().close();
  });

  it("filters by actor, action, record and time, and exports the filtered rows as CSV", async () => {
    const page = await harness.loginAs("host.auditor");
    await page.locator("[data-testid=audit-log] tbody tr").first().waitFor();
    await page.fill("input[name=actor]", "partner.targeter");
    await page.fill("input[name=actionPrefix]", "inspection_request.");
    await page.click("button:has-text('Apply filters')");
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll("[data-testid=audit-log] tbody tr")];
      return (
        rows.length > 0 &&
        rows.every(
          (r) =>
            r.children[2]?.textContent === "partner.targeter (JPCUS)" &&
            (r.children[3]?.textContent ?? "").includes("inspection_request."),
        )
      );
    });
    const entity = await page
      .locator("[data-testid=audit-log] tbody tr td:nth-child(5) span")
      .first()
      .getAttribute("title");
    assert.ok(entity);
    await page.fill("input[name=entityId]", entity);
    await page.click("button:has-text('Apply filters')");
    await page.waitForFunction((id) => {
      const cells = [...document.querySelectorAll("[data-testid=audit-log] tbody tr td:nth-child(5) span")];
      return cells.length > 0 && cells.every((s) => s.getAttribute("title") === id);
    }, entity);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("audit-csv").click()]);
    const csv = readFileSync(await download.path(), "utf8")
      .trim()
      .split("\n");
    assert.equal(csv[0], "seq,occurred_at_utc,actor,actor_agency,action,entity_type,entity_id,details,hash");
    assert.ok(csv.length >= 2);
    for (const line of csv.slice(1)) {
      assert.match(line, /^\d+,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z,partner\.targeter,JPCUS,inspection_request\./);
      assert.ok(line.includes(entity));
    }

    const future = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.fill("input[name=from]", future);
    await page.click("button:has-text('Apply filters')");
    await page.getByTestId("empty").filter({ hasText: "No events match." }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "audit-2-filters.png"), fullPage: false });

    const exported = (await (
      await page.request.get(`${harness.baseUrl}/api/audit-events?action=audit_events.exported&limit=5`)
    ).json()) as { items: { actorUsername: string }[] };
    assert.equal(exported.items[0]?.actorUsername, "host.auditor", "the export is itself audited");
    await page.context().close();
  });
});
