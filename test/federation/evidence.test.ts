import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fixedClock } from "../../src/domain/clock.ts";
import { bindAgreementToPeer } from "../../src/domain/federation/agreements.ts";
import { deliverOnce } from "../../src/domain/federation/delivery.ts";
import { scanEvidence } from "../../src/domain/federation/evidence.ts";
import { enqueueMessage } from "../../src/domain/federation/outbox.ts";
import { fed } from "../../src/domain/federation/tables.ts";
import { MAX_EVIDENCE_BYTES } from "../../src/federation/messages.ts";
import { loginAs, type Client } from "../helpers/api.ts";
import { engines } from "../helpers/db.ts";
import { AGREEMENT, JP, MANIFEST_HEADER, peerNodes, startNode, US, type Node } from "./nodes.ts";

// A scan result crosses the border with its evidence: the instrument file in the host's signed
// result bundle, checked on arrival and stored as the scan's file on the partner's node, where the
// partner's users see and download it as a local scan's, and are alerted as a local scan alerts.

const DELIVERY = { batchSize: 100, timeoutMs: 20_000, baseMs: 10, capMs: 50, maxAttempts: 5 };
const CONTAINER = "MSKU7351770";
const U235 = readFileSync(
  path.resolve(import.meta.dirname, "../../../shared/raddata/n42-2012/interspec_U235_Unshielded_6000.n42"),
);

const HEADER = MANIFEST_HEADER;

interface ScanOnCopy {
  id: string;
  scanType: string;
  outcome: string;
  notes: string;
  verdict: string | null;
  file: { sha256: string; name: string | null; mediaType: string; sizeBytes: number } | null;
  analysis: { verdict: string } | null;
}

for (const engine of engines()) {
  describe(`a scan's evidence on the partner's node [${engine.name}]`, () => {
    const clock = fixedClock(new Date());
    const etd = new Date(Date.now() + 4 * 86_400_000).toISOString().slice(0, 16);
    let us: Node;
    let jp: Node;
    let hostSupervisor: Client;
    let officer: Client;
    let partnerTargeter: Client;
    let partnerSupervisor: Client;
    let partnerAdmin: Client;
    let hostRequestId: string;
    let partnerRequestId: string;

    const node = (users: { username: string; agency: string; roles: string[] }[]): Promise<Node> =>
      startNode(engine, clock, users);

    async function deliver(from: Node): Promise<number> {
      const turn = await deliverOnce(from.database.db, clock, DELIVERY);
      assert.equal(turn.failed, 0, "every message of the turn is delivered");
      return turn.delivered;
    }

    async function partnerScans(): Promise<ScanOnCopy[]> {
      const view = await partnerTargeter.get(`/api/inspection-requests/${partnerRequestId}`);
      assert.equal(view.statusCode, 200, view.body);
      return view.json<{ scans: ScanOnCopy[] }>().scans;
    }

    async function notices(client: Client): Promise<{ kind: string; requestId: string | null }[]> {
      const res = await client.get("/api/notifications");
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ kind: string; requestId: string | null }[]>();
    }

    before(async () => {
      us = await node([
        { username: "host.admin", agency: US, roles: ["admin"] },
        { username: "host.supervisor", agency: US, roles: ["supervisor"] },
        { username: "scan.officer", agency: US, roles: ["scan_officer"] },
      ]);
      jp = await node([
        { username: "partner.targeter", agency: JP, roles: ["targeter"] },
        { username: "partner.supervisor", agency: JP, roles: ["supervisor"] },
        { username: "partner.admin", agency: JP, roles: ["admin"] },
      ]);
      await peerNodes(us.database, jp.database, { us: us.url, jp: jp.url });
      const hostAdmin = await loginAs(us.app, "host.admin");
      hostSupervisor = await loginAs(us.app, "host.supervisor");
      officer = await loginAs(us.app, "scan.officer");
      partnerTargeter = await loginAs(jp.app, "partner.targeter");
      partnerSupervisor = await loginAs(jp.app, "partner.supervisor");
      partnerAdmin = await loginAs(jp.app, "partner.admin");

      const manifest = [
        HEADER,
        `FEDEVID0001,FEDEVID0001-1,original,ONEY,9356127,AZ1W,USLAX,JPTYO,${etd},PACIFIC MACHINERY LLC,TOKYO TRADING KK,${CONTAINER},22G1,850440,STATIC CONVERTERS,10,12000`,
      ].join("\n");
      const ingested = await hostAdmin.postRaw("/api/manifests?format=csv&fileName=evidence.csv", manifest, "text/csv");
      assert.ok(ingested.statusCode < 300, ingested.body);
      await bindAgreementToPeer(us.database.db, { agreementCode: AGREEMENT, peerAgency: JP });
      assert.equal(await deliver(us), 1);
      const shipmentId = (await partnerTargeter.get("/api/shipments?limit=50")).json<{ items: { id: string }[] }>()
        .items[0]?.id;
      const created = await partnerTargeter.post("/api/inspection-requests", {
        shipmentId,
        containerNo: CONTAINER,
        reason: "Radiological concern",
        priority: "high",
        scansRequested: ["isotope_id"],
      });
      assert.equal(created.statusCode, 201, created.body);
      partnerRequestId = created.json<{ id: string }>().id;
      assert.equal(await deliver(jp), 1);
      hostRequestId = (await hostSupervisor.get("/api/inspection-requests?limit=50")).json<{
        items: { id: string }[];
      }>().items[0]?.id as string;
      const accepted = await hostSupervisor.post(`/api/inspection-requests/${hostRequestId}/decision`, {
        decision: "accept",
      });
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.equal(await deliver(us), 1);
    });
    after(async () => {
      await us.app.close();
      await jp.app.close();
      await us.drop();
      await jp.drop();
    });

    test("the instrument file arrives in the host's signed bundle, is stored as the scan's file and downloads byte for byte", async () => {
      const scanned = await officer.post(`/api/inspection-requests/${hostRequestId}/scans`, {
        scanType: "isotope_id",
        outcome: "alarm",
        notes: "Handheld RIID at the lane",
        attachment: { fileName: "riid-u235.n42", mediaType: "application/xml", contentBase64: U235.toString("base64") },
      });
      assert.equal(scanned.statusCode, 201, scanned.body);
      assert.ok(scanned.json<{ scans: ScanOnCopy[] }>().scans[0]?.file, "the host stored the file");
      assert.equal(await deliver(us), 1);
      const hostView = (await hostSupervisor.get(`/api/inspection-requests/${hostRequestId}`)).json<{
        scans: ScanOnCopy[];
      }>().scans[0];
      assert.ok(hostView?.analysis, "the host analysed the file");

      const [copy] = await partnerScans();
      assert.ok(copy);
      const sha256 = createHash("sha256").update(U235).digest("hex");
      assert.deepEqual(copy.file, {
        sha256,
        name: "riid-u235.n42",
        mediaType: "application/xml",
        sizeBytes: U235.byteLength,
      });
      assert.equal(copy.verdict, hostView.verdict, "the partner sees the host's verdict");
      assert.deepEqual(copy.analysis, hostView.analysis, "and the host's analysis, as the bundle records it");
      assert.equal(copy.notes, "Handheld RIID at the lane");

      const download = await partnerTargeter.get(`/api/files/${sha256}`);
      assert.equal(download.statusCode, 200, download.body);
      assert.deepEqual(download.rawPayload, U235);

      const events = await jp.database.db
        .selectFrom("audit_event")
        .select(["action", "payload"])
        .where("action", "=", "scan.evidence_received")
        .execute();
      assert.equal(events.length, 1);
      assert.equal((events[0]?.payload as { fileSha256: string }).fileSha256, sha256);
      // The signed bundle itself stays on the partner's node, in the envelope its inbox keeps.
      const kept = await fed(jp.database.db)
        .selectFrom("federation_inbox")
        .select("envelope")
        .where("kind", "=", "scan.result")
        .executeTakeFirstOrThrow();
      const payload = JSON.parse(Buffer.from(kept.envelope.split(".")[1] as string, "base64url").toString("utf8")) as {
        body: { evidence: { bundle: string } };
      };
      assert.ok(
        Buffer.from(payload.body.evidence.bundle, "base64").includes(U235),
        "the envelope holds the bundle with the file in it",
      );
    });

    test("possible SNM alerts the partner's supervisors, and the alarm its targeters, as a local scan would", async () => {
      const hostScan = (await partnerScans())[0];
      assert.equal(hostScan?.verdict, "snm", "the U-235 spectrum is analysed as special nuclear material on the host");
      const alerts = (await notices(partnerSupervisor)).filter(
        (n) => n.kind === "snm_alert" && n.requestId === partnerRequestId,
      );
      assert.equal(alerts.length, 1, "one SNM alert for the partner's supervisors");
      const alarms = (await notices(partnerTargeter)).filter(
        (n) => n.kind === "scan_alarm" && n.requestId === partnerRequestId,
      );
      assert.equal(alarms.length, 1, "the alarm outcome tells the partner's targeters");
      assert.equal(
        (await notices(partnerTargeter)).filter((n) => n.kind === "snm_alert").length,
        0,
        "SNM alerts go to supervisors, not targeters",
      );
      const audited = await jp.database.db
        .selectFrom("audit_event")
        .select("action")
        .where("action", "=", "inspection_request.snm_alert")
        .where("entity_id", "=", partnerRequestId)
        .execute();
      assert.equal(audited.length, 1);
      // What the partner's node applied does not go back to the host.
      const back = await fed(jp.database.db)
        .selectFrom("federation_outbox")
        .select("kind")
        .where("kind", "=", "scan.result")
        .execute();
      assert.equal(back.length, 0);
    });

    test("a bundle whose file was changed is refused: the message is kept with the reason and no scan is added", async () => {
      const scanId = (
        await us.database.db
          .selectFrom("scan")
          .select("id")
          .where("request_id", "=", hostRequestId)
          .executeTakeFirstOrThrow()
      ).id;
      const evidence = await scanEvidence(us.database.db, clock, scanId);
      assert.ok(evidence?.bundle);
      const bytes = Buffer.from(evidence.bundle, "base64");
      const at = bytes.indexOf(U235.subarray(0, 64));
      assert.ok(at > 0);
      bytes[at + 100] = (bytes[at + 100] as number) ^ 0x01;
      const partnerId = (
        await fed(us.database.db)
          .selectFrom("federation_id_map")
          .select("peer_entity_id")
          .where("kind", "=", "inspection_request")
          .where("local_id", "=", hostRequestId)
          .executeTakeFirstOrThrow()
      ).peer_entity_id;
      await us.database.db.transaction().execute((tx) =>
        enqueueMessage(tx, {
          peerAgency: JP,
          kind: "scan.result",
          subject: `inspection_request:${hostRequestId}`,
          body: {
            requestId: partnerId,
            occurredAt: clock.now().toISOString(),
            scanId,
            scanType: "isotope_id",
            outcome: "alarm",
            evidence: { ...evidence, bundle: bytes.toString("base64") },
          },
        }),
      );
      assert.equal(await deliver(us), 1);
      const kept = await fed(jp.database.db)
        .selectFrom("federation_inbox")
        .select("failure")
        .where("kind", "=", "scan.result")
        .where("failure", "is not", null)
        .execute();
      assert.equal(kept.length, 1);
      assert.match(kept[0]?.failure ?? "", /^federation\.evidence_invalid: .*changed/);
      assert.equal((await partnerScans()).length, 1, "the tampered scan did not land");
    });

    test(`a file past ${MAX_EVIDENCE_BYTES} bytes stays with the host; the partner's scan says where it is`, async () => {
      const big = Buffer.alloc(MAX_EVIDENCE_BYTES + 1, 7);
      const scanned = await officer.post(`/api/inspection-requests/${hostRequestId}/scans`, {
        scanType: "xray_image",
        outcome: "no_alarm",
        notes: "Image clear",
        attachment: { fileName: "xray.tif", mediaType: "image/tiff", contentBase64: big.toString("base64") },
      });
      assert.equal(scanned.statusCode, 201, scanned.body);
      assert.equal(await deliver(us), 1);
      const copy = (await partnerScans()).find((s) => s.scanType === "xray_image");
      assert.ok(copy);
      assert.equal(copy.file, null);
      const sha256 = createHash("sha256").update(big).digest("hex");
      assert.match(
        copy.notes,
        new RegExp(
          `^Image clear\\nInstrument file xray\\.tif \\(${big.byteLength} bytes, sha256 ${sha256}\\) is kept by the host`,
        ),
      );
      const sent = await fed(us.database.db)
        .selectFrom("federation_outbox")
        .select(["receipt_status"])
        .where("kind", "=", "scan.result")
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow();
      assert.equal(sent.receipt_status, "applied");
    });

    test("an administrator applies a kept message again once its cause is fixed; twice applies it once", async () => {
      await us.database.db.transaction().execute((tx) =>
        enqueueMessage(tx, {
          peerAgency: JP,
          kind: "scan.result",
          subject: "inspection_request:not-yet-known",
          body: {
            requestId: "not-yet-known",
            occurredAt: clock.now().toISOString(),
            scanType: "radiation_portal",
            outcome: "no_alarm",
            notes: "Late lane report",
          },
        }),
      );
      assert.equal(await deliver(us), 1);
      const kept = await fed(jp.database.db)
        .selectFrom("federation_inbox")
        .select(["message_id", "failure"])
        .where("subject", "=", "inspection_request:not-yet-known")
        .executeTakeFirstOrThrow();
      assert.match(kept.failure ?? "", /not_found/);
      const before = (await partnerScans()).length;

      const stillKept = await partnerAdmin.post("/api/federation/inbox-failures/reapply", {
        messageId: kept.message_id,
      });
      assert.equal(stillKept.statusCode, 200, stillKept.body);
      assert.equal(
        stillKept.json<{ status: string }>().status,
        "failed",
        "nothing changed: it still cannot take effect",
      );

      // The cause is fixed: the node learns which request the host meant.
      const peerId = (
        await fed(jp.database.db)
          .selectFrom("federation_peer")
          .select("id")
          .where("agency_code", "=", US)
          .executeTakeFirstOrThrow()
      ).id;
      await fed(jp.database.db)
        .insertInto("federation_id_map")
        .values({
          peer_id: peerId,
          kind: "inspection_request",
          peer_entity_id: "not-yet-known",
          local_id: partnerRequestId,
        })
        .execute();

      assert.equal(
        (await partnerTargeter.post("/api/federation/inbox-failures/reapply", { messageId: kept.message_id }))
          .statusCode,
        403,
      );
      const applied = await partnerAdmin.post("/api/federation/inbox-failures/reapply", { messageId: kept.message_id });
      assert.equal(applied.statusCode, 200, applied.body);
      assert.deepEqual(applied.json(), { messageId: kept.message_id, status: "applied", reason: null });
      const again = await partnerAdmin.post("/api/federation/inbox-failures/reapply", { messageId: kept.message_id });
      assert.deepEqual(again.json(), { messageId: kept.message_id, status: "applied", reason: null });

      const scans = await partnerScans();
      assert.equal(scans.length, before + 1, "applied once");
      assert.equal(scans.filter((s) => s.notes === "Late lane report").length, 1);
      const audited = await jp.database.db
        .selectFrom("audit_event")
        .select("payload")
        .where("action", "=", "federation.message_reapplied")
        .where("entity_id", "=", kept.message_id)
        .execute();
      assert.deepEqual(
        audited.map((e) => (e.payload as { outcome: string }).outcome),
        ["failed", "applied"],
      );
      const status = (await partnerAdmin.get("/api/federation/status")).json<{
        inboxFailures: { messageId: string }[];
      }>();
      assert.ok(!status.inboxFailures.some((f) => f.messageId === kept.message_id), "no longer listed as kept");
      const unknown = await partnerAdmin.post("/api/federation/inbox-failures/reapply", {
        messageId: "00000000-0000-4000-8000-000000000000",
      });
      assert.equal(unknown.statusCode, 404);
    });
  });
}
