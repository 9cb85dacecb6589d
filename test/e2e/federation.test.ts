import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { systemClock } from "../../src/domain/clock.ts";
import { bindAgreementToPeer } from "../../src/domain/federation/agreements.ts";
import { deliverOnce } from "../../src/domain/federation/delivery.ts";
import { addPeer, initNode } from "../../src/domain/federation/node.ts";
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { receiveEnvelopes } from "../../src/domain/federation/inbox.ts";
import { generateNodeKey, importPrivateKey, signMessage } from "../../src/federation/envelope.ts";
import { makeContainerNumber } from "../../src/trade/index.ts";
import { enqueueMessage } from "../../src/domain/federation/outbox.ts";
import { fed } from "../../src/domain/federation/tables.ts";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

describe("browser: the federation page — peers, queues, dead letters sent again", () => {
  let harness: Harness;
  /** The Japan node's key pair: the test signs what "Japan" sends with its private half. */
  let japanKey: Awaited<ReturnType<typeof generateNodeKey>>;

  before(async () => {
    harness = await startHarness();
    const { db } = harness.database;
    await initNode(db, "USCBP");
    japanKey = await generateNodeKey();
    // The Japan node's address refuses connections: what is sent to it fails, then dies.
    await addPeer(db, {
      agencyCode: "JPCUS",
      url: "http://127.0.0.1:9",
      publicPem: japanKey.publicPem,
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

  it("keeps a received request that cannot take effect yet, and applies it once its cause is fixed", async () => {
    const { db } = harness.database;
    // A host shipment bound for Japan, still before its cut-off, with no request on it.
    const target = await sql<{ id: string; bill_of_lading: string }>`
      select s.id, s.bill_of_lading from shipment s
       where s.destination_country = 'JP' and s.etd > now() + interval '2 days'
         and not exists (select 1 from inspection_request r where r.shipment_id = s.id)
       order by s.etd limit 1`.execute(db);
    const shipment = target.rows[0];
    assert.ok(shipment, "the demo world has a Japan-bound shipment still to sail");
    // Japan asks about a container the carrier has not yet added to the host's manifest.
    const containerNo = makeContainerNumber("TGHU", 917_263);
    const now = new Date().toISOString();
    const messageId = randomUUID();
    const jws = await signMessage(
      {
        v: 1,
        id: messageId,
        kind: "inspection_request.created",
        sender: "JPCUS",
        recipient: "USCBP",
        createdAt: now,
        sentAt: now,
        subject: `container:${containerNo}`,
        seq: 1,
        body: {
          requestId: randomUUID(),
          reference: "JP-E2E-0001",
          occurredAt: now,
          shipmentId: shipment.id,
          containerNo,
          requestType: "inspection",
          priority: "routine",
          reason: "Consignee on the watchlist",
          scansRequested: ["radiation_portal"],
        },
      },
      { kid: japanKey.kid, agency: "JPCUS", privateKey: await importPrivateKey(japanKey.privatePem) },
    );
    const receipts = await receiveEnvelopes(db, systemClock, [jws]);
    assert.equal(receipts?.length, 1);

    const page = await harness.loginAs("host.admin");
    await page.click("a:has-text('Federation')");
    const kept = page.getByTestId("federation-inbox-failures").locator("tbody tr", { hasText: containerNo });
    await kept.waitFor();
    assert.match((await kept.textContent()) ?? "", /inspection_request\.created/);
    assert.match((await kept.textContent()) ?? "", /unknown_container|not on this shipment/);

    // Nothing has changed yet: applying again keeps it, and says why.
    await kept.getByTestId("reapply-kept").click();
    await page.getByRole("alert").filter({ hasText: "still cannot take effect" }).waitFor();
    assert.equal(await kept.count(), 1, "still kept");

    // The carrier's amended manifest adds the container to the shipment.
    await db
      .insertInto("shipment_container")
      .values({ shipment_id: shipment.id, container_no: containerNo, size_type: "45G1", seal_no: null })
      .execute();
    await kept.getByTestId("reapply-kept").click();
    await page.getByTestId("federation-notice").filter({ hasText: "inspection_request.created" }).waitFor();
    await kept.waitFor({ state: "detached" });
    await page.screenshot({ path: path.join(SHOTS, "federation-2-kept-applied.png"), fullPage: true });

    const requests = await db
      .selectFrom("inspection_request")
      .select(["reference", "container_no"])
      .where("shipment_id", "=", shipment.id)
      .execute();
    assert.deepEqual(requests, [{ reference: "JP-E2E-0001", container_no: containerNo }], "the request exists once");
    const audited = await db
      .selectFrom("audit_event")
      .select("payload")
      .where("action", "=", "federation.message_reapplied")
      .where("entity_id", "=", messageId)
      .orderBy("seq")
      .execute();
    assert.deepEqual(
      audited.map((e) => (e.payload as { outcome: string }).outcome),
      ["failed", "applied"],
    );
  });

  it("is the administrators' only: a targeter has no link and the API refuses", async () => {
    const page = await harness.loginAs("host.targeter");
    assert.equal(await page.locator("a:has-text('Federation')").count(), 0);
    const res = await page.request.get(`${harness.baseUrl}/api/federation/status`);
    assert.equal(res.status(), 403);
  });
});
