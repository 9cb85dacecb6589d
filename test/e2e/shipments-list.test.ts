import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

async function etds(page: Page): Promise<number[]> {
  const values = await page
    .locator("[data-testid=shipments] tbody tr td:nth-child(5) time")
    .evaluateAll((els) => els.map((e) => e.getAttribute("datetime") ?? ""));
  return values.map((v) => new Date(v).getTime());
}

describe("browser: the shipment list — upcoming sailings, departed, requested, source, sort, legend, count", () => {
  let harness: Harness;
  let requestedBl = "";

  before(async () => {
    harness = await startHarness();
    const partner = await harness.loginAs("partner.targeter");
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const list = (await (
      await partner.request.get(`${harness.baseUrl}/api/shipments?etdFrom=${tomorrow}&sort=etd&order=asc&limit=5`)
    ).json()) as { items: { id: string; billOfLading: string }[] };
    const target = list.items[0] as { id: string; billOfLading: string };
    const detail = (await (await partner.request.get(`${harness.baseUrl}/api/shipments/${target.id}`)).json()) as {
      containers: { containerNo: string }[];
    };
    const res = await partner.request.post(`${harness.baseUrl}/api/inspection-requests`, {
      data: {
        shipmentId: target.id,
        containerNo: detail.containers[0]?.containerNo,
        reason: "Consignee first seen this month",
      },
    });
    assert.equal(res.status(), 201, await res.text());
    requestedBl = target.billOfLading;
    await partner.context().close();
  });
  after(async () => {
    await harness?.close();
  });

  it("opens on upcoming sailings with the source, a legend and the result count; departed ones are a filter away", async () => {
    const page = await harness.loginAs("partner.targeter");
    await page.getByTestId("risk").first().waitFor();
    const now = Date.now();
    const upcoming = await etds(page);
    assert.ok(upcoming.length > 10);
    assert.ok(
      upcoming.every((t) => t >= now - 60_000),
      "only sailings still to leave",
    );
    assert.deepEqual(
      [...new Set(await page.getByTestId("source").allTextContents())],
      ["shared with you"],
      "the host's shipments are marked as shared",
    );
    assert.match((await page.getByTestId("legend").textContent()) ?? "", /filed after the loading cut-off/);
    assert.match((await page.getByTestId("result-count").textContent()) ?? "", /^Shipments 1–\d+/);
    await page.screenshot({ path: path.join(SHOTS, "list-1-upcoming.png"), fullPage: false });

    await page.selectOption("select[name=sailing]", "departed");
    await page.click("button:has-text('Filter')");
    await page.waitForFunction(() => {
      const times = [...document.querySelectorAll("[data-testid=shipments] tbody tr td:nth-child(5) time")];
      return times.length > 0 && times.every((t) => new Date(t.getAttribute("datetime") ?? "").getTime() < Date.now());
    });
    assert.ok((await etds(page)).length > 0, "departed sailings are there when asked for");
    await page.context().close();
  });

  it("marks shipments with requests, filters to them, and sorts by a column heading", async () => {
    const page = await harness.loginAs("partner.targeter");
    await page.getByTestId("risk").first().waitFor();
    await page.check("input[name=requested]");
    await page.click("button:has-text('Filter')");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=shipments] tbody tr").length === 1);
    const row = page.locator("[data-testid=shipments] tbody tr").first();
    assert.match((await row.textContent()) ?? "", new RegExp(requestedBl));
    await row.getByTestId("requested-marker").waitFor();

    await page.uncheck("input[name=requested]");
    await page.click("button:has-text('Filter')");
    await page.getByRole("button", { name: /^ETD/ }).click();
    await page.waitForFunction(
      () => document.querySelector("th[aria-sort=ascending]")?.textContent?.startsWith("ETD") === true,
    );
    await page.waitForFunction(() => {
      const times = [...document.querySelectorAll("[data-testid=shipments] tbody tr td:nth-child(5) time")].map((t) =>
        new Date(t.getAttribute("datetime") ?? "").getTime(),
      );
      return times.length > 1 && times.every((t, i) => i === 0 || (times[i - 1] as number) <= t);
    });
    await page.getByRole("button", { name: /^ETD/ }).click();
    await page.waitForFunction(
      () => document.querySelector("th[aria-sort=descending]")?.textContent?.startsWith("ETD") === true,
    );
    // The heading turns at once; the rows when the server's page arrives.
    await page.waitForFunction(() => {
      const times = [...document.querySelectorAll("[data-testid=shipments] tbody tr td:nth-child(5) time")].map((t) =>
        new Date(t.getAttribute("datetime") ?? "").getTime(),
      );
      return times.length > 1 && (times[0] as number) > (times[times.length - 1] as number);
    });
    const descending = await etds(page);
    assert.deepEqual(
      descending,
      [...descending].sort((a, b) => b - a),
    );
    await page.screenshot({ path: path.join(SHOTS, "list-2-sorted.png"), fullPage: false });
    await page.context().close();
  });
});
