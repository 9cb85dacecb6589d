import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fixedClock } from "../../src/domain/clock.ts";
import { bindAgreementToPeer } from "../../src/domain/federation/agreements.ts";
import { deliverOnce } from "../../src/domain/federation/delivery.ts";
import { enqueueMessage } from "../../src/domain/federation/outbox.ts";
import { fed } from "../../src/domain/federation/tables.ts";
import { makeContainerNumber } from "../../src/trade/index.ts";
import { loginAs, type Client } from "../helpers/api.ts";
import { engines } from "../helpers/db.ts";
import { AGREEMENT, JP, MANIFEST_HEADER, peerNodes, startNode, US, type Node } from "./nodes.ts";

// The journey across the border between two nodes, each with its own database and its own API:
// the US node shares a shipment, Japan's targeter asks for an inspection, the US supervisor
// accepts, the officer scans, the supervisor clears. Every step is made through one node's API
// and checked through the other node's API, as its own users would see it.

const DELIVERY = { batchSize: 100, timeoutMs: 10_000, baseMs: 10, capMs: 50, maxAttempts: 5 };
const CONTAINER = "MSKU7351770";
const OTHER_CONTAINER = "TGHU1234567";

const HEADER = MANIFEST_HEADER;

function row(bill: string, fn: string, to: string, consignee: string, container: string, etd: string): string {
  return `${bill},${bill}-${fn}-${consignee.length},${fn},ONEY,9356127,AZ1W,USLAX,${to},${etd},PACIFIC MACHINERY LLC,${consignee},${container},22G1,850440,STATIC CONVERTERS,10,12000`;
}

for (const engine of engines()) {
  describe(`the inspection journey across the border between two nodes [${engine.name}]`, () => {
    const clock = fixedClock(new Date());
    const etd = new Date(Date.now() + 4 * 86_400_000).toISOString().slice(0, 16);
    let us: Node;
    let jp: Node;
    let hostAdmin: Client;
    let hostSupervisor: Client;
    let officer: Client;
    let partnerTargeter: Client;
    let partnerAdmin: Client;

    const node = (users: { username: string; agency: string; roles: string[] }[]): Promise<Node> =>
      startNode(engine, clock, users);

    /** One delivery turn from a node; returns what its receipts said. */
    async function deliver(from: Node): Promise<number> {
      const turn = await deliverOnce(from.database.db, clock, DELIVERY);
      assert.equal(turn.failed, 0, "every message of the turn is delivered");
      return turn.delivered;
    }

    before(async () => {
      us = await node([
        { username: "host.admin", agency: US, roles: ["admin"] },
        { username: "host.supervisor", agency: US, roles: ["supervisor"] },
        { username: "scan.officer", agency: US, roles: ["scan_officer"] },
      ]);
      jp = await node([
        { username: "partner.targeter", agency: JP, roles: ["targeter"] },
        { username: "partner.admin", agency: JP, roles: ["admin"] },
      ]);
      await peerNodes(us.database, jp.database, { us: us.url, jp: jp.url });
      hostAdmin = await loginAs(us.app, "host.admin");
      hostSupervisor = await loginAs(us.app, "host.supervisor");
      officer = await loginAs(us.app, "scan.officer");
      partnerTargeter = await loginAs(jp.app, "partner.targeter");
      partnerAdmin = await loginAs(jp.app, "partner.admin");
    });
    after(async () => {
      await us.app.close();
      await jp.app.close();
      await us.drop();
      await jp.drop();
    });

    test("a shipment leaves the host only once its agreement names the partner's node, and only if the agreement covers it", async () => {
      const manifest = [
        HEADER,
        row("FEDJRNY0001", "original", "JPTYO", "TOKYO TRADING KK", CONTAINER, etd),
        row("FEDJRNY0002", "original", "CNSHA", "SHANGHAI IMPORT CO", OTHER_CONTAINER, etd),
      ].join("\n");
      const ingested = await hostAdmin.postRaw("/api/manifests?format=csv&fileName=journey.csv", manifest, "text/csv");
      assert.ok(ingested.statusCode < 300, ingested.body);
      const before = await fed(us.database.db)
        .selectFrom("federation_outbox")
        .select("kind")
        .where("kind", "like", "shipment.%")
        .execute();
      assert.equal(before.length, 0, "an agreement without a peer shares within this database only");

      const bound = await bindAgreementToPeer(us.database.db, { agreementCode: AGREEMENT, peerAgency: JP });
      assert.equal(bound.queued, 1, "the Japan-bound shipment is queued, the Shanghai one is not");
      await assert.rejects(
        bindAgreementToPeer(us.database.db, { agreementCode: AGREEMENT, peerAgency: JP, sharedFields: ["prices"] }),
        /Unknown field groups/,
      );
      assert.equal(await deliver(us), 1);

      const list = await partnerTargeter.get("/api/shipments?limit=50");
      assert.equal(list.statusCode, 200, list.body);
      const items = list.json<{ items: { id: string; billOfLading: string; isShared: boolean }[] }>().items;
      assert.deepEqual(
        items.map((i) => [i.billOfLading, i.isShared]),
        [["FEDJRNY0001", true]],
        "Japan's targeter sees the shared shipment, and nothing else of the host's",
      );
      const detail = (await partnerTargeter.get(`/api/shipments/${items[0]?.id}`)).json<{
        consigneeName: string;
        shipperName: string;
        containers: { containerNo: string }[];
        goods: { hsCode: string }[];
        version: number;
      }>();
      assert.equal(detail.consigneeName, "TOKYO TRADING KK");
      assert.equal(detail.shipperName, "PACIFIC MACHINERY LLC");
      assert.deepEqual(
        detail.containers.map((c) => c.containerNo),
        [CONTAINER],
      );
      assert.deepEqual(
        detail.goods.map((g) => g.hsCode),
        ["850440"],
      );
      const audit = await jp.database.db
        .selectFrom("audit_event")
        .select("action")
        .where("action", "=", "shipment.received")
        .execute();
      assert.equal(audit.length, 1, "the shipment's arrival is in the Japan node's audit log");
    });

    test("an amendment reaches the partner as the shipment's next version", async () => {
      const amended = [HEADER, row("FEDJRNY0001", "replace", "JPTYO", "YOKOHAMA TRADING KK", CONTAINER, etd)].join(
        "\n",
      );
      assert.ok(
        (await hostAdmin.postRaw("/api/manifests?format=csv&fileName=journey-2.csv", amended, "text/csv")).statusCode <
          300,
      );
      const kinds = await fed(us.database.db)
        .selectFrom("federation_outbox")
        .select("kind")
        .where("kind", "like", "shipment.%")
        .orderBy("id")
        .execute();
      assert.deepEqual(
        kinds.map((k) => k.kind),
        ["shipment.shared", "shipment.amended"],
      );
      assert.equal(await deliver(us), 1);
      const items = (await partnerTargeter.get("/api/shipments?limit=50")).json<{ items: { id: string }[] }>().items;
      const detail = (await partnerTargeter.get(`/api/shipments/${items[0]?.id}`)).json<{
        consigneeName: string;
        version: number;
      }>();
      assert.equal(detail.consigneeName, "YOKOHAMA TRADING KK");
      assert.equal(detail.version, 2);
    });

    test("request, decision, scan and disposition cross the border, and each side's API shows them", async () => {
      const shipmentId = (await partnerTargeter.get("/api/shipments?limit=50")).json<{ items: { id: string }[] }>()
        .items[0]?.id;
      const created = await partnerTargeter.post("/api/inspection-requests", {
        shipmentId,
        containerNo: CONTAINER,
        reason: "Consignee changed two days before loading",
        priority: "high",
        scansRequested: ["radiation_portal"],
      });
      assert.equal(created.statusCode, 201, created.body);
      const partnerRequest = created.json<{ id: string; reference: string }>();
      assert.equal(await deliver(jp), 1);

      // The host's officer sees Japan's request under Japan's reference, on the host's own shipment.
      const hostList = (await hostSupervisor.get("/api/inspection-requests?limit=50")).json<{
        items: {
          id: string;
          reference: string;
          status: string;
          requestingAgency: string;
          containerNo: string;
          billOfLading: string;
          priority: string;
        }[];
      }>().items;
      assert.equal(hostList.length, 1);
      const hostRequest = hostList[0];
      assert.ok(hostRequest);
      assert.deepEqual(
        [
          hostRequest.reference,
          hostRequest.status,
          hostRequest.requestingAgency,
          hostRequest.containerNo,
          hostRequest.billOfLading,
          hostRequest.priority,
        ],
        [partnerRequest.reference, "requested", JP, CONTAINER, "FEDJRNY0001", "high"],
      );

      const accepted = await hostSupervisor.post(`/api/inspection-requests/${hostRequest.id}/decision`, {
        decision: "accept",
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.equal(await deliver(us), 1);
      const afterDecision = (await partnerTargeter.get(`/api/inspection-requests/${partnerRequest.id}`)).json<{
        status: string;
        decidedAt: string | null;
      }>();
      assert.equal(afterDecision.status, "accepted");
      assert.ok(afterDecision.decidedAt);

      const scanned = await officer.post(`/api/inspection-requests/${hostRequest.id}/scans`, {
        scanType: "radiation_portal",
        outcome: "no_alarm",
        notes: "Lane 4, no alarm",
      });
      assert.equal(scanned.statusCode, 201, scanned.body);
      const cleared = await hostSupervisor.post(`/api/inspection-requests/${hostRequest.id}/disposition`, {
        disposition: "cleared",
        note: "Released for loading",
      });
      assert.equal(cleared.statusCode, 200, cleared.body);
      assert.equal(await deliver(us), 2);

      const result = (await partnerTargeter.get(`/api/inspection-requests/${partnerRequest.id}`)).json<{
        status: string;
        disposition: string | null;
        scans: { scanType: string; outcome: string; notes: string }[];
      }>();
      assert.equal(result.status, "dispositioned");
      assert.equal(result.disposition, "cleared");
      assert.deepEqual(
        result.scans.map((s) => [s.scanType, s.outcome, s.notes]),
        [["radiation_portal", "no_alarm", "Lane 4, no alarm"]],
      );
      const hostView = (await hostSupervisor.get(`/api/inspection-requests/${hostRequest.id}`)).json<{
        status: string;
        disposition: string | null;
      }>();
      assert.deepEqual([hostView.status, hostView.disposition], ["dispositioned", "cleared"]);

      // Nothing the Japan node applied went back: its outbox holds the request only.
      const jpOutbox = await fed(jp.database.db).selectFrom("federation_outbox").select("kind").execute();
      assert.deepEqual(
        jpOutbox.map((m) => m.kind),
        ["inspection_request.created"],
      );
      // The steps are in the Japan node's audit log under the US node's account.
      const steps = await jp.database.db
        .selectFrom("audit_event as e")
        .innerJoin("app_user as u", "u.id", "e.actor_user_id")
        .select(["e.action", "u.username"])
        .where("e.entity_id", "=", partnerRequest.id)
        .where("e.action", "in", ["inspection_request.accepted", "scan.recorded", "inspection_request.dispositioned"])
        .orderBy("e.seq")
        .execute();
      assert.deepEqual(
        steps.map((s) => [s.action, s.username]),
        [
          ["inspection_request.accepted", "federation.uscbp"],
          ["scan.recorded", "federation.uscbp"],
          ["inspection_request.dispositioned", "federation.uscbp"],
        ],
      );
    });

    test("a partner port's portal occupancy reaches the host's portal data", async () => {
      await jp.database.db.transaction().execute((tx) =>
        enqueueMessage(tx, {
          peerAgency: US,
          kind: "portal.occupancy",
          subject: `container:${CONTAINER}`,
          body: {
            occupancyId: "RPM-JPTYO-02-000917",
            portal: "RPM-JPTYO-02",
            locode: "JPTYO",
            containerNo: CONTAINER,
            startedAt: clock.now().toISOString(),
            endedAt: clock.now().toISOString(),
            grossGamma: [1210, 1250, 1890, 1240],
            grossNeutron: [3, 2, 4, 3],
            alarms: [{ kind: "gamma", at: clock.now().toISOString(), sigma: 5.2 }],
            analysis: { verdict: "naturally_occurring", nuclides: ["K-40"], note: "fertiliser" },
            n42: Buffer.from("<RadInstrumentData/>").toString("base64"),
          },
        }),
      );
      assert.equal(await deliver(jp), 1);
      const res = await officer.get(`/api/federation/portal-occupancies?containerNo=${CONTAINER}`);
      assert.equal(res.statusCode, 200, res.body);
      const items = res.json<{
        items: {
          reportedBy: string;
          portal: string;
          alarms: unknown[];
          analysis: { verdict: string } | null;
          n42Sha256: string | null;
        }[];
      }>().items;
      assert.equal(items.length, 1);
      assert.equal(items[0]?.reportedBy, JP);
      assert.equal(items[0]?.analysis?.verdict, "naturally_occurring");
      assert.equal(items[0]?.alarms.length, 1);
      assert.match(items[0]?.n42Sha256 ?? "", /^[0-9a-f]{64}$/);
    });

    test("a step the partner's copy cannot take is kept with its reason, shown to the operator, and blocks nothing", async () => {
      const hostRequestId = (await hostSupervisor.get("/api/inspection-requests?limit=50")).json<{
        items: { id: string }[];
      }>().items[0]?.id;
      // The host knows the partner's id of the request (it made its copy from it) and speaks of it so.
      const partnerId = (
        await fed(us.database.db)
          .selectFrom("federation_id_map")
          .select("peer_entity_id")
          .where("kind", "=", "inspection_request")
          .where("local_id", "=", hostRequestId as string)
          .executeTakeFirstOrThrow()
      ).peer_entity_id;
      // The request is dispositioned without a hold: no hold can be released on the partner's copy.
      await us.database.db.transaction().execute((tx) =>
        enqueueMessage(tx, {
          peerAgency: JP,
          kind: "inspection_request.hold_released",
          subject: `inspection_request:${hostRequestId}`,
          body: {
            requestId: partnerId,
            occurredAt: clock.now().toISOString(),
            from: "dispositioned",
            to: "dispositioned",
            note: "released",
          },
        }),
      );
      await us.database.db.transaction().execute((tx) =>
        enqueueMessage(tx, {
          peerAgency: JP,
          kind: "inspection_request.decided",
          subject: "inspection_request:never-made",
          body: { requestId: "never-made", occurredAt: clock.now().toISOString(), from: "requested", to: "accepted" },
        }),
      );
      assert.equal(await deliver(us), 2);
      const outbox = await fed(us.database.db)
        .selectFrom("federation_outbox")
        .select(["receipt_status", "last_error"])
        .where("receipt_status", "=", "failed")
        .execute();
      assert.equal(outbox.length, 2, "the sender learns that the partner could not apply them");
      const status = await partnerAdmin.get("/api/federation/status");
      assert.equal(status.statusCode, 200, status.body);
      const body = status.json<{ inbox: { failed: number }; inboxFailures: { kind: string; failure: string }[] }>();
      assert.equal(body.inbox.failed, 2);
      assert.deepEqual(body.inboxFailures.map((f) => f.kind).sort(), [
        "inspection_request.decided",
        "inspection_request.hold_released",
      ]);
      assert.ok(
        body.inboxFailures.some((f) => f.failure.startsWith("inspection_request.no_hold")),
        JSON.stringify(body.inboxFailures),
      );
      assert.ok(body.inboxFailures.some((f) => f.failure.startsWith("inspection_request.not_found")));
      const audited = await jp.database.db
        .selectFrom("audit_event")
        .select("seq")
        .where("action", "=", "federation.message_failed")
        .execute();
      assert.equal(audited.length, 2);
      // A partner cannot ask about a shipment no agreement shares with it, even by the host's own id.
      const hidden = await us.database.db
        .selectFrom("shipment")
        .select("id")
        .where("bill_of_lading", "=", "FEDJRNY0002")
        .executeTakeFirstOrThrow();
      await jp.database.db.transaction().execute((tx) =>
        enqueueMessage(tx, {
          peerAgency: US,
          kind: "inspection_request.created",
          subject: "inspection_request:guessed",
          body: {
            requestId: "guessed",
            occurredAt: clock.now().toISOString(),
            shipmentId: hidden.id,
            containerNo: OTHER_CONTAINER,
            reason: "guessing",
            priority: "high",
          },
        }),
      );
      assert.equal(await deliver(jp), 1);
      const refused = await fed(us.database.db)
        .selectFrom("federation_inbox")
        .select("failure")
        .where("subject", "=", "inspection_request:guessed")
        .executeTakeFirstOrThrow();
      assert.match(refused.failure ?? "", /^shipment\.not_found/);
      assert.equal(
        (await hostSupervisor.get("/api/inspection-requests?limit=50")).json<{ items: unknown[] }>().items.length,
        1,
        "no request was made",
      );
      // Nor can it push a shipment of its own: no agreement on the US node lets Japan share with it.
      await jp.database.db.transaction().execute((tx) =>
        enqueueMessage(tx, {
          peerAgency: US,
          kind: "shipment.shared",
          subject: "shipment:pushed",
          body: {
            shipmentId: "pushed",
            version: 1,
            billOfLading: "JPPUSHED0001",
            containers: [CONTAINER],
            portOfLoading: "JPTYO",
            portOfDischarge: "USLAX",
            vesselName: null,
            voyageNumber: null,
            departureAt: null,
            goods: [],
          },
        }),
      );
      assert.equal(await deliver(jp), 1);
      const pushed = await fed(us.database.db)
        .selectFrom("federation_inbox")
        .select("failure")
        .where("subject", "=", "shipment:pushed")
        .executeTakeFirstOrThrow();
      assert.match(pushed.failure ?? "", /^federation\.not_shared/);
      assert.equal(
        (
          await us.database.db
            .selectFrom("shipment")
            .select("id")
            .where("bill_of_lading", "=", "JPPUSHED0001")
            .execute()
        ).length,
        0,
        "nothing was stored",
      );
      // The partner's copy is as it was.
      const copy = (await partnerTargeter.get("/api/inspection-requests?limit=50")).json<{
        items: { status: string }[];
      }>().items;
      assert.deepEqual(
        copy.map((c) => c.status),
        ["dispositioned"],
      );
    });

    test("the agreement decides which field groups cross: parties withheld stay empty on the partner's copy", async () => {
      await bindAgreementToPeer(us.database.db, { agreementCode: AGREEMENT, peerAgency: JP, sharedFields: ["route"] });
      const amended = [HEADER, row("FEDJRNY0001", "replace", "JPTYO", "OSAKA TRADING KK", CONTAINER, etd)].join("\n");
      assert.ok(
        (await hostAdmin.postRaw("/api/manifests?format=csv&fileName=journey-3.csv", amended, "text/csv")).statusCode <
          300,
      );
      const sent = await fed(us.database.db)
        .selectFrom("federation_outbox")
        .select("body")
        .where("kind", "=", "shipment.amended")
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow();
      const body = sent.body as Record<string, unknown>;
      assert.equal(body.consignee, undefined, "no party leaves the host");
      assert.equal(body.carrierScac, undefined);
      assert.equal(await deliver(us), 1);
      const items = (await partnerTargeter.get("/api/shipments?limit=50")).json<{ items: { id: string }[] }>().items;
      const detail = (await partnerTargeter.get(`/api/shipments/${items[0]?.id}`)).json<{
        consigneeName: string;
        shipperName: string;
        version: number;
      }>();
      assert.deepEqual([detail.consigneeName, detail.shipperName, detail.version], ["", "", 3]);
      const hostDetail = await us.database.db
        .selectFrom("shipment")
        .select("consignee_name")
        .where("bill_of_lading", "=", "FEDJRNY0001")
        .executeTakeFirstOrThrow();
      assert.equal(hostDetail.consignee_name, "OSAKA TRADING KK", "the host keeps its own data");
    });

    test("the partner's requests keep the partner's references on the host, in whatever order they arrive", async () => {
      const containers = [makeContainerNumber("MSKU", 735_201), makeContainerNumber("MSKU", 735_202)];
      const bills = ["FEDJRNY0003", "FEDJRNY0004"];
      const manifest = [
        HEADER,
        ...bills.map((bill, i) => row(bill, "original", "JPTYO", "KOBE TRADING KK", containers[i] as string, etd)),
      ].join("\n");
      assert.ok(
        (await hostAdmin.postRaw("/api/manifests?format=csv&fileName=journey-4.csv", manifest, "text/csv")).statusCode <
          300,
      );
      assert.equal(await deliver(us), 2);
      const copies = (await partnerTargeter.get("/api/shipments?limit=50")).json<{
        items: { id: string; billOfLading: string }[];
      }>().items;
      const references: string[] = [];
      const subjects: string[] = [];
      for (const [i, bill] of bills.entries()) {
        const created = await partnerTargeter.post("/api/inspection-requests", {
          shipmentId: copies.find((c) => c.billOfLading === bill)?.id,
          containerNo: containers[i],
          reason: "Same shipper as an earlier alarm",
          priority: "high",
        });
        assert.equal(created.statusCode, 201, created.body);
        references.push(created.json<{ reference: string }>().reference);
        subjects.push(`inspection_request:${created.json<{ id: string }>().id}`);
      }
      // The first request waits (a retry after a failed send, say): the second reaches the host first.
      const outbox = () =>
        fed(jp.database.db)
          .updateTable("federation_outbox")
          .where("kind", "=", "inspection_request.created")
          .where("state", "=", "pending");
      const first = await fed(jp.database.db)
        .selectFrom("federation_outbox")
        .select("id")
        .where("kind", "=", "inspection_request.created")
        .where("state", "=", "pending")
        .orderBy("id")
        .executeTakeFirstOrThrow();
      await outbox()
        .set({ next_attempt_at: new Date(Date.now() + 3_600_000) })
        .where("id", "=", first.id)
        .execute();
      assert.equal(await deliver(jp), 1);
      await outbox()
        .set({ next_attempt_at: new Date(Date.now() - 1_000) })
        .execute();
      assert.equal(await deliver(jp), 1);

      const received = await fed(us.database.db)
        .selectFrom("federation_inbox")
        .select("failure")
        .where("subject", "in", subjects)
        .execute();
      assert.deepEqual(received, [{ failure: null }, { failure: null }], "both requests took effect on the host");
      const hostRequests = (await hostSupervisor.get("/api/inspection-requests?limit=50")).json<{
        items: { reference: string; containerNo: string }[];
      }>().items;
      assert.deepEqual(
        containers.map((c) => hostRequests.find((r) => r.containerNo === c)?.reference),
        references,
        "the host shows each request under the partner's reference",
      );
    });
  });
}
