import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { sweepDeadlines } from "../../src/domain/deadlines.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

const raddata = path.resolve(import.meta.dirname, "../../../shared/raddata");
const HEADER =
  "bill_of_lading,message_ref,carrier_scac,vessel_imo,voyage,port_of_loading,port_of_discharge,etd,shipper_name,consignee_name,container_number,size_type,hs_code,description,packages,gross_weight_kg";

describeOnEngines(
  "request lifecycle and clock",
  (database) => seedTestWorld(database.db, 80),
  (ctx) => {
    let app: FastifyInstance;
    let clock: Awaited<ReturnType<typeof buildTestApp>>["clock"];
    let partner: Client;
    let supervisor: Client;
    let officer: Client;
    let admin: Client;

    // Sessions expire on the test clock too, so moving it forward means logging in again.
    async function relogin() {
      partner = await loginAs(app, "partner.targeter");
      supervisor = await loginAs(app, "host.supervisor");
      officer = await loginAs(app, "scan.officer");
      admin = await loginAs(app, "host.admin");
    }

    before(async () => {
      ({ app, clock } = await buildTestApp(ctx().database.db));
      partner = await loginAs(app, "partner.targeter");
      supervisor = await loginAs(app, "host.supervisor");
      officer = await loginAs(app, "scan.officer");
      admin = await loginAs(app, "host.admin");
    });
    after(async () => {
      await app.close();
    });

    let serial = 0;
    /** Files a Japan-bound shipment through ingest and returns it with its container. */
    async function newShipment(hs = "392690", description = "PLASTIC ARTICLES", etd = "2026-11-30T18:00") {
      serial++;
      const bill = `LC${String(serial).padStart(8, "0")}`;
      const container = [
        "CSQU3054383",
        "MWCU6059784",
        "CMAU5127498",
        "CXRU1255022",
        "SUDU1234569",
        "ZEPU0037255",
        "CBHU6818017",
        "MSKU7351770",
      ][serial % 8] as string;
      const csv = `${HEADER}\n${bill},L${serial},ONEY,9356127,0${serial}W,USLAX,JPTYO,${etd},ACME EXPORTS LLC,NIPPON KK,${container},22G1,${hs},${description},10,12000`;
      const report = (await admin.postRaw("/api/manifests?format=csv", csv, "text/csv")).json();
      assert.equal(report.inserted, 1, JSON.stringify(report));
      const id = (await partner.get(`/api/shipments?q=${bill.toLowerCase()}`)).json().items[0].id as string;
      return { id, container };
    }

    async function request(body: Record<string, unknown> = {}) {
      const s = await newShipment();
      const res = await partner.post("/api/inspection-requests", {
        shipmentId: s.id,
        containerNo: s.container,
        reason: "Targeting hit",
        ...body,
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    }

    it("runs the full path with a hold: schedule, scan, disposition hold, lift, close — every step on the timeline", async () => {
      const r = await request({ reasonCodes: ["radiological"] });
      assert.equal(r.legalBasis.length > 0, true);
      await supervisor.post(`/api/inspection-requests/${r.id}/decision`, { decision: "accept" });
      assert.equal(
        (
          await officer.post(`/api/inspection-requests/${r.id}/schedule`, { scheduledFor: "2026-11-27T14:00:00Z" })
        ).json().status,
        "scheduled",
      );
      assert.equal((await officer.post(`/api/inspection-requests/${r.id}/scanning`)).json().status, "scanning");
      const scanned = (
        await officer.post(`/api/inspection-requests/${r.id}/scans`, {
          scanType: "xray_image",
          outcome: "anomaly",
          notes: "Density anomaly behind the front wall",
          device: "Gamma imager VACIS M6500",
        })
      ).json();
      assert.equal(scanned.status, "results_recorded");
      assert.ok(scanned.firstResultAt);
      const held = (
        await officer.post(`/api/inspection-requests/${r.id}/disposition`, {
          disposition: "hold",
          note: "Devanning required",
        })
      ).json();
      assert.equal(held.holdActive, true);
      const early = await supervisor.post(`/api/inspection-requests/${r.id}/closure`);
      assert.equal(early.statusCode, 409);
      assert.equal(early.json().code, "inspection_request.hold_active");
      assert.equal(
        (
          await supervisor.post(`/api/inspection-requests/${r.id}/hold-release`, { reason: "Devanned, nothing found" })
        ).json().holdActive,
        false,
      );
      const closed = (await supervisor.post(`/api/inspection-requests/${r.id}/closure`)).json();
      assert.equal(closed.status, "closed");
      assert.deepEqual(
        closed.timeline.map((t: { action: string }) => t.action),
        ["request", "accept", "schedule", "start_scan", "record_result", "disposition", "lift_hold", "close"],
      );
      const seen = (await partner.get(`/api/inspection-requests/${r.id}`)).json();
      assert.equal(seen.timeline.length, 8);
    });

    it("refuses transitions out of order, and actions by the wrong side", async () => {
      const r = await request();
      assert.equal((await officer.post(`/api/inspection-requests/${r.id}/scanning`)).statusCode, 409);
      assert.equal(
        (await officer.post(`/api/inspection-requests/${r.id}/disposition`, { disposition: "cleared" })).statusCode,
        409,
      );
      assert.equal(
        (await supervisor.post(`/api/inspection-requests/${r.id}/withdrawal`, { reason: "not ours to withdraw" }))
          .statusCode,
        403,
      );
      const withdrawn = await partner.post(`/api/inspection-requests/${r.id}/withdrawal`, {
        reason: "Cleared by further analysis",
      });
      assert.equal(withdrawn.json().status, "withdrawn");
      const late = await supervisor.post(`/api/inspection-requests/${r.id}/decision`, { decision: "accept" });
      assert.equal(late.statusCode, 409);
    });

    it("holds a do-not-load request from acceptance, and answers a request for information", async () => {
      const hold = await request({ requestType: "hold", reason: "Consignee on watchlist" });
      assert.equal(
        (await supervisor.post(`/api/inspection-requests/${hold.id}/decision`, { decision: "accept" })).json()
          .holdActive,
        true,
      );
      const rfi = await request({ requestType: "information", reason: "Provide the shipper's export licence" });
      await supervisor.post(`/api/inspection-requests/${rfi.id}/decision`, { decision: "accept" });
      const answered = (
        await supervisor.post(`/api/inspection-requests/${rfi.id}/answer`, {
          response: "Licence EAR99, no licence required",
        })
      ).json();
      assert.equal(answered.status, "results_recorded");
      assert.equal(
        (await partner.get(`/api/inspection-requests/${rfi.id}`)).json().informationResponse,
        "Licence EAR99, no licence required",
      );
    });

    it("escalates a request near its cut-off and records a miss when the cut-off passes", async () => {
      const r = await request();
      const deadline = new Date(r.deadline as string);
      clock.set(new Date(deadline.getTime() - 3 * 3_600_000));
      await relogin();
      const first = await sweepDeadlines(ctx().database.db, clock);
      assert.ok(first.escalated >= 1);
      const escalated = (await partner.get(`/api/inspection-requests/${r.id}`)).json();
      assert.ok(escalated.escalatedAt);
      const notes = (await supervisor.get("/api/notifications")).json<
        { kind: string; requestId: string; params: Record<string, unknown> | null }[]
      >();
      const atRisk = notes.find((n) => n.kind === "request_at_risk" && n.requestId === r.id);
      assert.ok(atRisk);
      // The screens word it from its parameters in the reader's language.
      assert.deepEqual(atRisk.params, { reference: r.reference, containerNo: r.containerNo, hoursLeft: 3 });
      assert.equal(
        (await partner.get("/api/notifications")).json<{ kind: string }[]>().filter((n) => n.kind === "request_at_risk")
          .length,
        0,
        "the partner targeter is not the one to act",
      );
      clock.set(new Date(deadline.getTime() + 60_000));
      await relogin();
      await sweepDeadlines(ctx().database.db, clock);
      const missed = (await partner.get(`/api/inspection-requests/${r.id}`)).json();
      assert.equal(missed.missedAt, deadline.toISOString());
      assert.match(missed.missReason, /cut-off passed/);
      assert.equal(missed.missReasonCode, "cutoff_passed");
      const missedNote = (await supervisor.get("/api/notifications"))
        .json<{ kind: string; requestId: string; params: unknown }[]>()
        .find((n) => n.kind === "request_missed" && n.requestId === r.id);
      assert.deepEqual(missedNote?.params, { reference: r.reference, reason: "cutoff_passed" });
      const again = await sweepDeadlines(ctx().database.db, clock);
      assert.equal(again.missed, 0, "a miss is recorded once");
    });

    it("records a miss when the terminal reports the container loaded before any result", async () => {
      clock.set(new Date("2026-11-27T08:00:00Z"));
      const r = await request();
      await supervisor.post(`/api/inspection-requests/${r.id}/decision`, { decision: "accept" });
      const coarri = [
        "UNA:+.? '",
        "UNB+UNOC:3+TERMINAL+RECIPROCITY+261127:1000+CO1'",
        "UNH+1+COARRI:D:95B:UN:ITG12'",
        "BGM+270+CO1+9'",
        "TDT+20+042W+1++ONEY:172:20+++9356127:146:11:RECIPROCITY STAR'",
        "LOC+9+USLAX:139:6'",
        `EQD+CN+${r.containerNo}+22G1:102:5++2+5'`,
        "DTM+203:202611270930:203'",
        "LOC+147+0120482::5'",
        "UNT+8+1'",
        "UNZ+1+CO1'",
      ].join("");
      const report = (await admin.postRaw("/api/manifests?fileName=coarri.edi", coarri, "application/edifact")).json();
      assert.equal(report.events, 1, JSON.stringify(report));
      clock.set(new Date("2026-11-27T10:00:00Z"));
      await sweepDeadlines(ctx().database.db, clock);
      const missed = (await partner.get(`/api/inspection-requests/${r.id}`)).json();
      assert.equal(missed.missedAt, "2026-11-27T09:30:00.000Z");
      assert.match(missed.missReason, /loaded before/);
    });

    it("analyses an instrument file on upload and flags a result that contradicts the declared goods", async () => {
      clock.set(new Date("2026-11-27T08:00:00Z"));
      const tiles = await newShipment("690721", "GLAZED CERAMIC TILES");
      const req = (
        await partner.post("/api/inspection-requests", {
          shipmentId: tiles.id,
          containerNo: tiles.container,
          reason: "NORM commodity, verify",
        })
      ).json();
      await supervisor.post(`/api/inspection-requests/${req.id}/decision`, { decision: "accept" });
      const file = readFileSync(path.join(raddata, "n42-2006/rase_generic-NaI/VABCD_M001_Cs137.n42"));
      const res = await officer.post(`/api/inspection-requests/${req.id}/scans`, {
        scanType: "isotope_id",
        outcome: "alarm",
        notes: "Handheld on hot spot",
        device: "NaI handheld",
        attachment: { fileName: "cs137.n42", mediaType: "application/xml", contentBase64: file.toString("base64") },
      });
      assert.equal(res.statusCode, 201, res.body);
      const scan = res.json().scans[0];
      assert.equal(scan.verdict, "industrial");
      assert.equal(scan.isInconsistent, true);
      assert.match(scan.inconsistency, /Cs-137/);
      const seen = (await partner.get(`/api/inspection-requests/${req.id}`)).json().scans[0];
      assert.ok(
        seen.analysis.nuclides.some((n: { name: string }) => n.name === "Cs-137"),
        "the partner sees the analysis",
      );
    });
  },
);
