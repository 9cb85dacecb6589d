import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { systemClock } from "../../src/domain/clock.ts";
import { bindAgreementToPeer } from "../../src/domain/federation/agreements.ts";
import { deliverOnce } from "../../src/domain/federation/delivery.ts";
import { addPeer, initNode } from "../../src/domain/federation/node.ts";
import { generateNodeKey } from "../../src/federation/envelope.ts";
import { enqueueMessage } from "../../src/domain/federation/outbox.ts";
import { fed } from "../../src/domain/federation/tables.ts";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

describe("browser: the federation page — peers, queues, dead letters sent again", () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
    const { db } = harness.database;
    await initNode(db, "USCBP");
    // The Japan node's address refuses connections: what is sent to it fails, then dies.
    await addPeer(db, {
      agencyCode: "JPCUS",
      url: "http://127.0.0.1:9",
      publicPem: (await generateNodeKey()).publicPem,
    });
    await db.transaction().execute((tx) =>
      enqueueMessage(tx, {
        peerAgency: "JPCUS",
        kind: "shipment.withdrawn",
        subject: "shipment:e2e",
        body: { shipmentId: "e2e", reason: "cancelled" },
      }),
    );
    const turn = await deliverOnce(db, systemClock, {
      batchSize: 10,
      timeoutMs: 2_000,
      baseMs: 10,
      capMs: 10,
      maxAttempts: 1,
    });
    assert.equal(turn.failed, 1);
    await bindAgreementToPeer(db, { agreementCode: "CSI-USCBP-JPCUS", peerAgency: "JPCUS", sharedFields: ["route"] });
  });
  after(async () => {
    await harness?.close();
  });

  it("shows the peer and its key, the agreement that names it, the queues, and sends a dead letter again", async () => {
    const page = await harness.loginAs("host.admin");
    await page.click("a:has-text('Federation')");
    await page.getByTestId("federation").waitFor();
    const peers = page.getByTestId("federation-peers");
    await peers.locator("tbody tr", { hasText: "JPCUS" }).waitFor();
    assert.match((await peers.textContent()) ?? "", /127\.0\.0\.1:9/);
    assert.match(
      (await page.getByTestId("federation-agreements").textContent()) ?? "",
      /CSI-USCBP-JPCUS.*JPCUS.*route/s,
    );
    const pending = Number(((await page.getByTestId("outbox-pending").textContent()) ?? "").replace(/\D/g, ""));
    const queued = await fed(harness.database.db)
      .selectFrom("federation_outbox")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("state", "=", "pending")
      .executeTakeFirstOrThrow();
    assert.equal(pending, Number(queued.n), "the page shows the outbox as the database holds it");
    assert.ok(pending > 0, "the shipments the agreement covers wait for the Japan node");
    const dead = page.getByTestId("federation-dead");
    const row = dead.locator("tbody tr", { hasText: "shipment.withdrawn" });
    await row.waitFor();
    assert.match((await row.textContent()) ?? "", /ECONNREFUSED|fetch failed/);
    await page.getByTestId("outbox-dead").filter({ hasText: "1 dead letter" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "federation-1-dead-letter.png"), fullPage: true });

    await row.getByRole("button", { name: "Send again" }).click();
    await page.getByTestId("federation-notice").filter({ hasText: "shipment.withdrawn" }).waitFor();
    await page.getByTestId("outbox-dead").filter({ hasText: "0 dead letters" }).waitFor();
    const state = await fed(harness.database.db)
      .selectFrom("federation_outbox")
      .select(["state", "attempts"])
      .where("subject", "=", "shipment:e2e")
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [state.state, state.attempts],
      ["pending", 0],
      "the message is back in the queue with a fresh count",
    );
    const audited = await harness.database.db
      .selectFrom("audit_event")
      .select("seq")
      .where("action", "=", "federation.dead_letter_retried")
      .execute();
    assert.equal(audited.length, 1);
  });

  it("is the administrators' only: a targeter has no link and the API refuses", async () => {
    const page = await harness.loginAs("host.targeter");
    assert.equal(await page.locator("a:has-text('Federation')").count(), 0);
    const res = await page.request.get(`${harness.baseUrl}/api/federation/status`);
    assert.equal(res.status(), 403);
  });
});
