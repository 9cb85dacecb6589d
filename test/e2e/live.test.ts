import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

describe("browser: live updates reach an open page without reloading", () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  it("the host supervisor's queue shows a new partner request as it is made", async () => {
    const supervisor = await harness.loginAs("host.supervisor");
    await supervisor.click("a:has-text('Inspection requests')");
    await supervisor.selectOption("select[name=status]", "requested");
    await supervisor.getByRole("heading", { name: "Inspection requests" }).waitFor();
    const before = await supervisor.getByTestId("request-card").count();

    const partner = await harness.loginAs("partner.targeter");
    const reference = await partner.evaluate(async () => {
      const list = (await (await fetch("/api/shipments?limit=5&sort=bill_of_lading&order=asc")).json()) as {
        items: { id: string }[];
      };
      const detail = (await (await fetch(`/api/shipments/${list.items[1]?.id ?? ""}`)).json()) as {
        id: string;
        containers: { containerNo: string }[];
      };
      const res = await fetch("/api/inspection-requests", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          shipmentId: detail.id,
          containerNo: detail.containers[0]?.containerNo,
          reason: "Live update check",
        }),
      });
      return ((await res.json()) as { reference: string }).reference;
    });
    assert.match(reference, /^IR-/);
    await supervisor.getByTestId("request-card").filter({ hasText: reference }).waitFor({ timeout: 15_000 });
    assert.equal(await supervisor.getByTestId("request-card").count(), before + 1);
    await supervisor.screenshot({ path: path.join(SHOTS, "11-supervisor-live-queue.png"), fullPage: false });
    await partner.context().close();
    await supervisor.context().close();
  });
});
