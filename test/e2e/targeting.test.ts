import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

describe("browser: each targeter works a ranked list with explanations, and backtests rules", () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  for (const username of ["partner.targeter", "host.targeter"]) {
    it(`${username} sees shipments ranked by risk and why the top one scored`, async () => {
      const page = await harness.loginAs(username);
      await page.getByRole("heading", { name: "Shipments" }).waitFor();
      // The rows arrive after the heading; wait for them before reading the column.
      await page.getByTestId("risk").first().waitFor();
      const scores = (await page.getByTestId("risk").allTextContents()).map(Number);
      assert.ok(scores.length > 10);
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => b - a),
        "highest risk first",
      );
      await page.locator("tbody tr td a").first().click();
      const hits = page.getByTestId("hits");
      await hits.waitFor();
      assert.ok(((await hits.textContent()) ?? "").length > 20);
      await page.screenshot({ path: path.join(SHOTS, `9-${username}-top-shipment.png`), fullPage: false });
      await page.context().close();
    });
  }

  it("the partner targeter backtests the active rules", async () => {
    const page = await harness.loginAs("partner.targeter");
    await page.click("a:has-text('Rules')");
    await page.getByTestId("rule-sets").waitFor();
    await page.getByRole("button", { name: "Backtest 30 days" }).first().click();
    const result = page.getByTestId("backtest");
    await result.waitFor();
    assert.match((await result.textContent()) ?? "", /Random baseline/);
    await page.screenshot({ path: path.join(SHOTS, "10-partner-backtest.png"), fullPage: true });
    await page.context().close();
  });
});
