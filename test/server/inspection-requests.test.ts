import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

describeOnEngines(
  "inspection requests",
  (database) => seedTestWorld(database.db),
  (ctx) => {
    let app: FastifyInstance;
    let partner: Client;
    let partnerSupervisor: Client;
    let partnerAuditor: Client;
    let supervisor: Client;
    let officer: Client;
    let hostTargeter: Client;
    let hostAuditor: Client;
    let korea: Client;
    let koreaAuditor: Client;

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      partner = await loginAs(app, "partner.targeter");
      partnerSupervisor = await loginAs(app, "partner.supervisor");
      partnerAuditor = await loginAs(app, "partner.auditor");
      supervisor = await loginAs(app, "host.supervisor");
      officer = await loginAs(app, "scan.officer");
      hostTargeter = await loginAs(app, "host.targeter");
      hostAuditor = await loginAs(app, "host.auditor");
      korea = await loginAs(app, "kr.targeter");
      koreaAuditor = await loginAs(app, "kr.auditor");
    });
    after(async () => {
      await app.close();
    });

    const newRequest = (client: Client, over: Record<string, unknown> = {}) =>
      client.post("/api/inspection-requests", {
        shipmentId: ctx().fixture.japanBound.id,
        containerNo: ctx().fixture.japanBound.containerNo,
        reason: "Shipper first seen this month; declared potash weight implausible",
        priority: "high",
        scansRequested: ["radiation_portal", "isotope_id"],
        ...over,
      });

    /** The n-th shipment the partner sees that is not the fixture's, with its first container. */
    const japanShipment = async (n: number) => {
      const list = (await partner.get("/api/shipments?sort=bill_of_lading&order=asc&limit=20")).json().items as {
        id: string;
      }[];
      const target = list.filter((s) => s.id !== ctx().fixture.japanBound.id)[n] as { id: string };
      const detail = (await partner.get(`/api/shipments/${target.id}`)).json();
      return { id: target.id, containerNo: detail.containers[0].containerNo as string };
    };

    it("walks the journey: partner requests, host accepts, officer scans, partner sees the result", async () => {
      const created = await newRequest(partner);
      assert.equal(created.statusCode, 201, created.body);
      const request = created.json();
      assert.equal(request.status, "requested");
      assert.equal(request.requestingAgency, "JPCUS");
      assert.equal(request.hostAgency, "USCBP");
      assert.match(request.reference, /^IR-JPCUS-2026-\d{6}$/);
      assert.ok(request.deadline, "deadline comes from the voyage's loading cut-off");

      const queue = (await supervisor.get("/api/inspection-requests?status=requested")).json().items as {
        id: string;
      }[];
      assert.ok(queue.some((r) => r.id === request.id));

      const accepted = await supervisor.post(`/api/inspection-requests/${request.id}/decision`, { decision: "accept" });
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.equal(accepted.json().status, "accepted");
      assert.equal(accepted.json().decidedBy, "host.supervisor");

      const work = (await officer.get("/api/inspection-requests?status=accepted")).json().items as { id: string }[];
      assert.ok(work.some((r) => r.id === request.id));

      const evidence = Buffer.from('<?xml version="1.0"?><RadInstrumentData/>');
      const scanned = await officer.post(`/api/inspection-requests/${request.id}/scans`, {
        scanType: "radiation_portal",
        outcome: "alarm",
        notes: "Gamma alarm on panels 2-3; profile broad, consistent with potash",
        attachment: {
          fileName: "occupancy.n42",
          mediaType: "application/xml",
          contentBase64: evidence.toString("base64"),
        },
        disposition: "cleared",
      });
      assert.equal(scanned.statusCode, 201, scanned.body);
      const result = scanned.json();
      assert.equal(result.status, "dispositioned");
      assert.equal(result.disposition, "cleared");
      assert.equal(result.scans.length, 1);
      const sha = createHash("sha256").update(evidence).digest("hex");
      assert.equal(result.scans[0].file.sha256, sha);
      assert.equal(result.scans[0].site, "USLAX");

      const seenByPartner = (await partner.get(`/api/inspection-requests/${request.id}`)).json();
      assert.equal(seenByPartner.status, "dispositioned");
      assert.equal(seenByPartner.scans[0].outcome, "alarm");
      const shipment = (await partner.get(`/api/shipments/${ctx().fixture.japanBound.id}`)).json();
      assert.equal(
        shipment.inspectionRequests[0].scans[0].notes,
        "Gamma alarm on panels 2-3; profile broad, consistent with potash",
      );

      const file = await partner.get(`/api/files/${sha}`);
      assert.equal(file.statusCode, 200);
      assert.equal(file.body, evidence.toString());
      assert.equal((await korea.get(`/api/files/${sha}`)).statusCode, 404);
      assert.equal((await korea.get(`/api/inspection-requests/${request.id}`)).statusCode, 404);
      assert.equal((await korea.get("/api/inspection-requests")).json().items.length, 0);
    });

    it("records every step in the audit log, readable by each side's auditors only", async () => {
      const partnerLog = (await partnerAuditor.get("/api/audit-events?entityType=inspection_request&limit=500")).json()
        .items as { action: string }[];
      const actions = partnerLog.map((e) => e.action).sort();
      for (const a of [
        "inspection_request.created",
        "inspection_request.accepted",
        "scan.recorded",
        "inspection_request.dispositioned",
      ]) {
        assert.ok(actions.includes(a), `partner auditor misses ${a}`);
      }
      const hostLog = (await hostAuditor.get("/api/audit-events?limit=500")).json().items as {
        action: string;
        actorUsername: string | null;
      }[];
      assert.ok(hostLog.some((e) => e.action === "scan.recorded" && e.actorUsername === "scan.officer"));
      // The host's own logins are not the partner's business.
      const partnerAll = (await partnerAuditor.get("/api/audit-events?limit=500")).json().items as {
        action: string;
        actorAgencyCode: string | null;
      }[];
      assert.ok(!partnerAll.some((e) => e.action === "session.opened" && e.actorAgencyCode === "USCBP"));
      assert.ok(partnerAll.some((e) => e.action === "shipment.viewed"));
      assert.ok(
        hostLog.some((e) => e.action === "file.downloaded"),
        "the host sees that the partner fetched its evidence",
      );
      const koreaLog = (await koreaAuditor.get("/api/audit-events?entityType=inspection_request")).json().items;
      assert.equal(koreaLog.length, 0);
      assert.equal((await partner.get("/api/audit-events")).statusCode, 403);
      const verdict = (await hostAuditor.get("/api/audit-events/verification")).json();
      assert.equal(verdict.isIntact, true);
      assert.ok(verdict.events > 10);
    });

    it("chains each audit event to the one before", async () => {
      const events = (await hostAuditor.get("/api/audit-events?limit=500")).json().items as {
        seq: string;
        hash: string;
        prevHash: string | null;
      }[];
      const bySeq = new Map(events.map((e) => [Number(e.seq), e]));
      let linked = 0;
      for (const e of events) {
        const previous = bySeq.get(Number(e.seq) - 1);
        if (previous) {
          assert.equal(e.prevHash, previous.hash);
          linked++;
        }
      }
      assert.ok(linked > 5);
    });

    it("refuses a second open request on the same container", async () => {
      const other = (await hostTargeter.get(`/api/shipments/${ctx().fixture.japanBound.id}`)).json();
      const container = other.containers[0].containerNo;
      const first = await newRequest(partner, { containerNo: container });
      assert.equal(first.statusCode, 201, first.body);
      const second = await newRequest(partner, { containerNo: container });
      assert.equal(second.statusCode, 409);
      assert.equal(second.json().code, "inspection_request.already_open");
    });

    it("validates requests: unknown container, bad check-digit shape, shipment not shared", async () => {
      const unknown = await newRequest(partner, { containerNo: "MSCU1234566" });
      assert.equal(unknown.statusCode, 400);
      assert.equal(unknown.json().code, "inspection_request.unknown_container");
      const malformed = await newRequest(partner, { containerNo: "NOT A BOX" });
      assert.equal(malformed.statusCode, 400);
      assert.match(malformed.json().message, /ISO 6346/);
      const hidden = await newRequest(partner, {
        shipmentId: ctx().fixture.notShared.id,
        containerNo: ctx().fixture.notShared.containerNo,
      });
      assert.equal(hidden.statusCode, 404);
      const fromKorea = await newRequest(korea);
      assert.equal(fromKorea.statusCode, 404);
    });

    it("needs a reason to decline, and only the host's supervisor decides", async () => {
      const target = await japanShipment(2);
      const req = (
        await newRequest(partnerSupervisor, { shipmentId: target.id, containerNo: target.containerNo })
      ).json();
      assert.equal(req.status, "requested", JSON.stringify(req));
      const noReason = await supervisor.post(`/api/inspection-requests/${req.id}/decision`, { decision: "decline" });
      assert.equal(noReason.statusCode, 400);
      assert.equal(noReason.json().code, "inspection_request.reason_required");
      const byPartner = await partnerSupervisor.post(`/api/inspection-requests/${req.id}/decision`, {
        decision: "accept",
      });
      assert.equal(byPartner.statusCode, 403);
      const byTargeter = await hostTargeter.post(`/api/inspection-requests/${req.id}/decision`, { decision: "accept" });
      assert.equal(byTargeter.statusCode, 403);
      const declined = await supervisor.post(`/api/inspection-requests/${req.id}/decision`, {
        decision: "decline",
        reasonCode: "examined_domestically",
        reason: "Container already loaded under a domestic hold",
      });
      assert.equal(declined.statusCode, 200);
      assert.equal(declined.json().decisionReason, "Container already loaded under a domestic hold");
      const scanDeclined = await officer.post(`/api/inspection-requests/${req.id}/scans`, {
        scanType: "xray_image",
        outcome: "no_anomaly",
      });
      assert.equal(scanDeclined.statusCode, 409);
    });

    it("lets exactly one of two simultaneous decisions win", async () => {
      const target = await japanShipment(3);
      const req = (await newRequest(partner, { shipmentId: target.id, containerNo: target.containerNo })).json();
      const [a, b] = await Promise.all([
        supervisor.post(`/api/inspection-requests/${req.id}/decision`, { decision: "accept" }),
        supervisor.post(`/api/inspection-requests/${req.id}/decision`, {
          decision: "decline",
          reasonCode: "no_capacity",
          reason: "No capacity",
        }),
      ]);
      assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 409]);
      const loser = a.statusCode === 409 ? a : b;
      assert.equal(loser.json().code, "inspection_request.already_decided");
    });
  },
);
