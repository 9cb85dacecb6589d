import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Locator, Page } from "playwright-core";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

interface Created {
  id: string;
  reference: string;
  deadline: string;
}

/** Shipments shared with Japan loading after tomorrow, soonest first: each on a different sailing. */
async function shipmentsOnDifferentSailings(
  page: Page,
  baseUrl: string,
  n: number,
): Promise<{ id: string; etd: string }[]> {
  // Sailing two days ahead or more: a demo loading cut-off falls 24 to 36 hours before departure,
  // so each request asked here still has time left whatever the time of day.
  const later = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const list = (await (
    await page.request.get(`${baseUrl}/api/shipments?etdFrom=${later}&sort=etd&order=asc&limit=500`)
  ).json()) as { items: { id: string; etd: string }[] };
  const bySailing = new Map<string, { id: string; etd: string }>();
  for (const s of list.items) {
    if (!bySailing.has(s.etd)) {
      bySailing.set(s.etd, s);
    }
  }
  const picked = [...bySailing.values()].slice(0, n);
  assert.equal(picked.length, n, "enough sailings to Japan in the demo world");
  return picked;
}

async function ask(page: Page, baseUrl: string, shipmentId: string, reason: string): Promise<Created> {
  const shipment = (await (await page.request.get(`${baseUrl}/api/shipments/${shipmentId}`)).json()) as {
    containers: { containerNo: string }[];
  };
  const res = await page.request.post(`${baseUrl}/api/inspection-requests`, {
    data: {
      shipmentId,
      containerNo: shipment.containers[0]?.containerNo,
      reason,
      scansRequested: ["radiation_portal", "isotope_id"],
    },
  });
  assert.equal(res.status(), 201, await res.text());
  return (await res.json()) as Created;
}

async function statusOf(
  page: Page,
  baseUrl: string,
  id: string,
): Promise<{ status: string; holdActive: boolean; scans: unknown[] }> {
  return (await (await page.request.get(`${baseUrl}/api/inspection-requests/${id}`)).json()) as {
    status: string;
    holdActive: boolean;
    scans: unknown[];
  };
}

async function deadlinesOf(cards: Locator): Promise<string[]> {
  const n = await cards.count();
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push((await cards.nth(i).getByTestId("deadline").locator("time").getAttribute("datetime")) ?? "");
  }
  return out;
}

describe("browser: work screens — deadline-first queues, confirmations, the scan form, local times", () => {
  let harness: Harness;
  const requests: Created[] = [];

  before(async () => {
    harness = await startHarness();
    const partner = await harness.loginAs("partner.targeter");
    const sailings = await shipmentsOnDifferentSailings(partner, harness.baseUrl, 3);
    // Asked latest sailing first, so "newest first" and "nearest deadline first" differ.
    for (const s of [...sailings].reverse()) {
      requests.push(await ask(partner, harness.baseUrl, s.id, "Declared weight implausible for the goods"));
    }
    await partner.context().close();
  });
  after(async () => {
    await harness?.close();
  });

  it("opens the host supervisor's queue on requests to decide, nearest deadline first, each with goods, HS chapter, risk and a countdown, in Pacific time", async () => {
    const page = await harness.loginAs("host.supervisor");
    await page.click("a:has-text('Inspection requests')");
    assert.equal(await page.locator("select[name=status]").inputValue(), "requested");
    const cards = page.getByTestId("request-card");
    await cards.filter({ hasText: requests[0]?.reference ?? "" }).waitFor();
    const deadlines = await deadlinesOf(cards);
    assert.ok(deadlines.length >= 3);
    assert.deepEqual(deadlines, [...deadlines].sort(), "nearest deadline first");
    const first = cards.first();
    assert.match((await first.getByTestId("time-left").textContent()) ?? "", /(h|d) .*left/);
    assert.notEqual((await first.getByTestId("goods").textContent())?.trim(), "—");
    assert.match((await first.getByTestId("hs-chapter").textContent()) ?? "", /^\d{2}$/);
    assert.match((await first.getByTestId("risk-score").textContent()) ?? "", /^\d+$/);
    const deadline = first.getByTestId("deadline").locator("time");
    assert.match((await deadline.textContent()) ?? "", /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} P[SD]T$/);
    assert.match((await deadline.getAttribute("title")) ?? "", /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    assert.match((await page.getByTestId("zone").textContent()) ?? "", /America\/Los Angeles/);
    await page.screenshot({ path: path.join(SHOTS, "work-1-supervisor-queue.png"), fullPage: false });
    await page.context().close();
  });

  it("declines only through a dialog that names the consequence and takes a reason code and text", async () => {
    const page = await harness.loginAs("host.supervisor");
    await page.click("a:has-text('Inspection requests')");
    const target = requests[2] as Created;
    const card = page.getByTestId("request-card").filter({ hasText: target.reference });
    await card.getByRole("button", { name: "Decline…" }).click();
    const dialog = page.getByRole("dialog");
    assert.match(
      (await dialog.getByTestId("consequence").textContent()) ?? "",
      /will not be inspected.*cannot be reopened/,
    );
    const confirm = dialog.getByRole("button", { name: "Decline request" });
    assert.equal(await confirm.isDisabled(), true, "no decline without a code and a reason");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    assert.equal((await statusOf(page, harness.baseUrl, target.id)).status, "requested", "cancel changes nothing");

    await card.getByRole("button", { name: "Decline…" }).click();
    await dialog.locator("select[name=confirmReasonCode]").selectOption("no_capacity");
    assert.equal(await confirm.isDisabled(), true);
    await dialog.locator("textarea[name=confirmReason]").fill("Lane 3 closed for calibration this week");
    await page.screenshot({ path: path.join(SHOTS, "work-2-decline-dialog.png"), fullPage: false });
    await confirm.click();
    await dialog.waitFor({ state: "detached" });
    assert.equal((await statusOf(page, harness.baseUrl, target.id)).status, "declined");
    for (const r of requests.slice(0, 2)) {
      const accepted = await page.request.post(`${harness.baseUrl}/api/inspection-requests/${r.id}/decision`, {
        data: { decision: "accept" },
      });
      assert.equal(accepted.status(), 200);
    }
    await page.context().close();
  });

  it("gives the scan officer one form at a time, results that fit the scan type, no default, and a clean form after recording", async () => {
    const page = await harness.loginAs("scan.officer");
    await page.getByRole("heading", { name: "Work queue" }).waitFor();
    const [a, b] = [requests[0] as Created, requests[1] as Created];
    const cardA = page.getByTestId("request-card").filter({ hasText: a.reference });
    const cardB = page.getByTestId("request-card").filter({ hasText: b.reference });
    await cardA.waitFor();
    assert.deepEqual(
      await deadlinesOf(page.getByTestId("request-card")),
      [...(await deadlinesOf(page.getByTestId("request-card")))].sort(),
    );
    assert.equal(await page.locator("form[aria-label='Record scan']").count(), 0, "no form drawn until asked for");
    await cardA.getByRole("button", { name: "Record scan…" }).click();
    await cardB.getByRole("button", { name: "Record scan…" }).click();
    assert.equal(await page.locator("form[aria-label='Record scan']").count(), 1, "one scan form at a time");
    await cardA.getByRole("button", { name: "Record scan…" }).click();
    const form = cardA.locator("form[aria-label='Record scan']");
    assert.equal(await form.count(), 1);

    const finding = form.locator("select[name=finding]");
    assert.equal(await finding.inputValue(), "", "no result chosen for the officer");
    const submit = form.getByRole("button", { name: "Record scan", exact: true });
    assert.equal(await submit.isDisabled(), true);
    const portalResults = await finding.locator("option").allTextContents();
    assert.ok(portalResults.includes("Gamma alarm") && portalResults.includes("Neutron alarm"));
    assert.ok(!portalResults.includes("Density anomaly"), "no X-ray results for a portal");
    await form.locator("select[name=scanType]").selectOption("xray_image");
    assert.ok((await finding.locator("option").allTextContents()).includes("Density anomaly"));
    await form.locator("select[name=scanType]").selectOption("isotope_id");
    assert.ok((await finding.locator("option").allTextContents()).includes("Natural radioactivity (NORM)"));

    await form.locator("select[name=scanType]").selectOption("radiation_portal");
    await finding.selectOption("gamma_alarm");
    const device = form.locator("select[name=deviceId]");
    assert.equal(await submit.isDisabled(), true, "a registered device must be named");
    const portals = await device.locator("option").allTextContents();
    assert.ok(
      portals.some((o) => o.includes("LGB-RPM-01")),
      "the portals of the registry",
    );
    assert.ok(!portals.some((o) => o.includes("identiFINDER")), "no handheld for a portal scan");
    await device.selectOption({ label: "RPM lane 3 (4 PVT panels, 4 He-3 tubes) · LAX-RPM-03 (USLAX)" });
    await form.locator("textarea[name=notes]").fill("Broad profile over the rear half");
    await form.locator("input[name=attachment]").setInputFiles({
      name: "lane4.n42",
      mimeType: "application/xml",
      buffer: Buffer.from('<?xml version="1.0"?><RadInstrumentData xmlns="http://physics.nist.gov/N42/2011/N42"/>'),
    });
    const recorded = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/scans"));
    await submit.click();
    assert.equal((await recorded).status(), 201);
    await form.getByTestId("scan-recorded").waitFor();
    assert.equal(await finding.inputValue(), "", "the result is cleared");
    assert.equal(await form.locator("textarea[name=notes]").inputValue(), "");
    assert.equal(await device.inputValue(), "", "the device is cleared");
    assert.equal(await form.locator("input[name=attachment]").inputValue(), "", "the file is cleared");
    assert.equal(await form.locator("select[name=scanType]").inputValue(), "isotope_id", "the next scan asked for");
    await page.screenshot({ path: path.join(SHOTS, "work-3-officer-scan-form.png"), fullPage: false });
    const stored = (await statusOf(page, harness.baseUrl, a.id)) as {
      scans: { outcome: string; notes: string; device: string | null }[];
    };
    assert.equal(stored.scans[0]?.outcome, "alarm");
    assert.equal(stored.scans[0]?.device, "RPM lane 3 (4 PVT panels, 4 He-3 tubes) · LAX-RPM-03");
    assert.match(stored.scans[0]?.notes ?? "", /^Gamma alarm\. Broad profile/);
    await page.context().close();
  });

  it("dispositions through a dialog naming the consequence, and a supervisor lifts a hold only with a reason", async () => {
    const a = requests[0] as Created;
    const officer = await harness.loginAs("scan.officer");
    await officer.goto(`${harness.baseUrl}/requests/${a.id}`);
    await officer.getByRole("button", { name: "Disposition: hold…" }).click();
    const dialog = officer.getByRole("dialog");
    assert.match(
      (await dialog.getByTestId("consequence").textContent()) ?? "",
      /must not be loaded until a host supervisor lifts the hold/,
    );
    assert.equal(
      (await statusOf(officer, harness.baseUrl, a.id)).status,
      "results_recorded",
      "nothing happens before the confirmation",
    );
    await dialog.locator("textarea[name=confirmReason]").fill("Awaiting reach-back on the portal profile");
    await dialog.getByRole("button", { name: "Disposition: hold" }).click();
    await officer.getByTestId("request-status").filter({ hasText: "dispositioned" }).waitFor();
    await officer.context().close();

    const supervisor = await harness.loginAs("host.supervisor");
    await supervisor.goto(`${harness.baseUrl}/requests/${a.id}`);
    await supervisor.getByRole("button", { name: "Lift hold…" }).click();
    const lift = supervisor.getByRole("dialog");
    assert.match((await lift.getByTestId("consequence").textContent()) ?? "", /may then be loaded/);
    const confirm = lift.getByRole("button", { name: "Lift hold" });
    assert.equal(await confirm.isDisabled(), true, "a reason is required");
    await lift.locator("textarea[name=confirmReason]").fill("Reach-back: natural K-40 only");
    await supervisor.screenshot({ path: path.join(SHOTS, "work-4-lift-hold-dialog.png"), fullPage: false });
    await confirm.click();
    await lift.waitFor({ state: "detached" });
    assert.equal((await statusOf(supervisor, harness.baseUrl, a.id)).holdActive, false);
    await supervisor.context().close();
  });

  it("lets the partner withdraw only after confirming, and shows its times in Japan time", async () => {
    const page = await harness.loginAs("partner.targeter");
    const sailing = (await shipmentsOnDifferentSailings(page, harness.baseUrl, 4))[3] as { id: string };
    const created = await ask(page, harness.baseUrl, sailing.id, "Second look at the consignee");
    await page.click("a:has-text('Inspection requests')");
    const card = page.getByTestId("request-card").filter({ hasText: created.reference });
    await card.waitFor();
    assert.match((await page.getByTestId("zone").textContent()) ?? "", /Asia\/Tokyo/);
    assert.match((await card.getByTestId("deadline").textContent()) ?? "", / JST$/);
    assert.match((await card.locator("summary", { hasText: "History" }).textContent()) ?? "", /History \(1 step\)/);
    await card.getByRole("button", { name: "Withdraw request…" }).click();
    const dialog = page.getByRole("dialog");
    assert.match((await dialog.getByTestId("consequence").textContent()) ?? "", /cannot be reopened/);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.equal((await statusOf(page, harness.baseUrl, created.id)).status, "requested");
    await card.getByRole("button", { name: "Withdraw request…" }).click();
    await dialog.locator("textarea[name=confirmReason]").fill("Shipper's history explains the weight");
    await dialog.getByRole("button", { name: "Withdraw request" }).click();
    await dialog.waitFor({ state: "detached" });
    assert.equal((await statusOf(page, harness.baseUrl, created.id)).status, "withdrawn");
    await page.screenshot({ path: path.join(SHOTS, "work-5-partner-withdrawn.png"), fullPage: false });
    await page.context().close();
  });

  it("brings an alarm to the host supervisor's notifications live, and lets the supervisor dismiss it, audited", async () => {
    const b = requests[1] as Created;
    const supervisor = await harness.loginAs("host.supervisor");
    const badge = supervisor.getByTestId("notification-count");
    await badge.waitFor();
    await supervisor.getByTestId("notifications-button").click();
    const panel = supervisor.getByTestId("notifications-panel");
    await panel.waitFor();
    const item = panel.locator("[data-testid=notification][data-kind=scan_alarm]", { hasText: b.reference });
    assert.equal(await item.count(), 0);
    // The requesting agency's targeter watches too.
    const partner = await harness.loginAs("partner.targeter");
    const partnerBadge = partner.getByTestId("notification-count");
    await partnerBadge.waitFor();
    const partnerBefore = Number(await partnerBadge.textContent());
    await partner.getByTestId("notifications-button").click();
    const partnerItem = partner
      .getByTestId("notifications-panel")
      .locator("[data-testid=notification][data-kind=scan_alarm]", { hasText: b.reference });
    assert.equal(await partnerItem.count(), 0);
    const officer = await harness.loginAs("scan.officer");
    const scanned = await officer.request.post(`${harness.baseUrl}/api/inspection-requests/${b.id}/scans`, {
      data: { scanType: "radiation_portal", outcome: "alarm", notes: "Gamma alarm. Lane 2" },
    });
    assert.equal(scanned.status(), 201, await scanned.text());
    await officer.context().close();
    // No reload: the list and its count follow the live stream.
    await item.waitFor({ timeout: 15_000 });
    const counted = async () => Number(await badge.textContent()) === (await panel.getByTestId("notification").count());
    assert.ok(await counted(), "the count is the list's length");
    assert.match((await item.textContent()) ?? "", /radiation portal alarm recorded/);
    assert.match((await item.locator("time").textContent()) ?? "", / P[SD]T$/);
    await supervisor.screenshot({ path: path.join(SHOTS, "work-6-notifications.png"), fullPage: false });
    await partnerItem.waitFor({ timeout: 15_000 });
    // One alarm notice for this request; other notices (a deadline passing meanwhile) may arrive too.
    assert.equal(await partnerItem.count(), 1, "one alarm notice for the request");
    const partnerKinds = await partner
      .getByTestId("notifications-panel")
      .getByTestId("notification")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
    assert.ok(
      Number(await partnerBadge.textContent()) >= partnerBefore + 1,
      `the partner's count grows by the alarm (${partnerBefore} before; now ${JSON.stringify(partnerKinds)})`,
    );
    assert.equal(
      Number(await partnerBadge.textContent()),
      partnerKinds.length,
      "the partner's count is its list's length",
    );
    await partnerItem.getByRole("link").click();
    await partner.waitForURL(`**/requests/${b.id}`);
    await partner.getByTestId("request-card").filter({ hasText: b.reference }).waitFor();
    await partner.screenshot({ path: path.join(SHOTS, "work-7-partner-alarm.png"), fullPage: false });
    await partner.context().close();
    await item.getByRole("button", { name: /^Dismiss/ }).click();
    await item.waitFor({ state: "detached" });
    assert.ok(await counted(), "the count follows the dismissal");
    await supervisor.context().close();

    const auditor = await harness.loginAs("host.auditor");
    const log = (await (
      await auditor.request.get(`${harness.baseUrl}/api/audit-events?action=notification.dismissed&limit=5`)
    ).json()) as { items: { actorUsername: string }[] };
    assert.equal(log.items[0]?.actorUsername, "host.supervisor", "the dismissal is audited");
    await auditor.context().close();
  });
});
