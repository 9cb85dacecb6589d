import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { withAgency } from "../../src/db/database.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { sweepDeadlines } from "../../src/domain/deadlines.ts";
import { ingestFile } from "../../src/domain/ingest/pipeline.ts";
import { serviceActor } from "../../src/domain/service-accounts.ts";
import { loadFacts } from "../../src/domain/targeting/facts.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

// One sailing out of Busan, filed with both agencies: the host's manifest for Tokyo and Japan
// Customs' own for Los Angeles name the same vessel, voyage and port with different departures.
// Each agency's loading clock must run on its own schedule.

const HEADER =
  "bill_of_lading,message_ref,carrier_scac,vessel_imo,voyage,port_of_loading,port_of_discharge,etd,shipper_name,consignee_name,container_number,size_type,hs_code,description,packages,gross_weight_kg";
const SAILING = { vesselImo: "9356127", voyageNo: "VX7", portOfLoading: "KRPUS" };

function manifest(bill: string, to: string, etd: string, container: string): string {
  return `${HEADER}\n${bill},${bill}-1,ONEY,${SAILING.vesselImo},${SAILING.voyageNo},${SAILING.portOfLoading},${to},${etd},BUSAN TRADING CO,HARBOR IMPORTS,${container},22G1,392690,PLASTIC ARTICLES,10,12000`;
}

describeOnEngines(
  "voyage schedules per agency",
  (database) => seedTestWorld(database.db, 60),
  (ctx) => {
    let app: FastifyInstance;
    let hostAdmin: Client;
    let hostTargeter: Client;
    let hostSupervisor: Client;
    let partnerTargeter: Client;
    let partnerSupervisor: Client;
    let korea: Client;
    /** The host's shipment (shared with Japan Customs) and Japan Customs' (shared with the host). */
    const ids = { host: "", partner: "" };
    /** A request on each: Japan Customs' on the host's shipment, the host's on Japan Customs'. */
    const requests = { onHost: { id: "", reference: "" }, onPartner: { id: "", reference: "" } };

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      hostAdmin = await loginAs(app, "host.admin");
      hostTargeter = await loginAs(app, "host.targeter");
      hostSupervisor = await loginAs(app, "host.supervisor");
      partnerTargeter = await loginAs(app, "partner.targeter");
      partnerSupervisor = await loginAs(app, "partner.supervisor");
      korea = await loginAs(app, "kr.targeter");
    });
    after(async () => {
      await app.close();
    });

    const shipment = async (client: Client, id: string) => {
      const res = await client.get(`/api/shipments/${id}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ loadingCutoff: string | null; voyageNo: string | null }>();
    };
    const request = async (client: Client, id: string) => {
      const res = await client.get(`/api/inspection-requests/${id}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ deadline: string | null; missedAt: string | null }>();
    };

    it("rejects an unauthenticated schedule change", async () => {
      const res = await app.inject({
        method: "POST",
        url: "/api/voyage-schedules",
        payload: { ...SAILING, etd: "2026-11-29T20:00:00Z", loadingCutoff: "2026-11-28T20:00:00Z" },
      });
      assert.equal(res.statusCode, 401);
    });

    it("keeps each agency's ETD and cut-off when both file the same vessel, voyage and port", async () => {
      const { db } = ctx().database;
      const { agencies } = ctx().fixture;
      // The host files first, at the test clock (27 Nov 08:00): departure 29 Nov 12:00, cut-off taken as 24 h before.
      const hostFiled = await hostAdmin.postRaw(
        "/api/manifests?format=csv&fileName=busan-host.csv",
        manifest("VXHOST0001", "JPTYO", "2026-11-29T12:00", "CSQU3054383"),
        "text/csv",
      );
      assert.equal(hostFiled.statusCode, 201, hostFiled.body);
      assert.equal(hostFiled.json().inserted, 1, hostFiled.body);
      // Japan Customs files on 29 Nov, after the host's cut-off but well before its own: its manifest says 1 Dec 12:00.
      const feed = await serviceActor(db, "JPCUS", "feed.busan");
      const report = await ingestFile(db, fixedClock(new Date("2026-11-29T00:00:00Z")), feed, {
        fileName: "busan-partner.csv",
        text: manifest("VXPART0001", "USLAX", "2026-12-01T12:00", "MWCU6059784"),
        format: "csv",
      });
      assert.equal(report.inserted, 1, JSON.stringify(report.errors));
      const bills = await db
        .selectFrom("shipment")
        .select(["id", "bill_of_lading"])
        .where("bill_of_lading", "in", ["VXHOST0001", "VXPART0001"])
        .execute();
      ids.host = bills.find((b) => b.bill_of_lading === "VXHOST0001")?.id ?? "";
      ids.partner = bills.find((b) => b.bill_of_lading === "VXPART0001")?.id ?? "";

      const voyages = await db
        .selectFrom("voyage")
        .select(["agency_id", "etd", "loading_cutoff"])
        .where("vessel_imo", "=", SAILING.vesselImo)
        .where("voyage_no", "=", SAILING.voyageNo)
        .execute();
      const schedule = (agencyId: string) =>
        voyages
          .filter((v) => v.agency_id === agencyId)
          .map((v) => [v.etd.toISOString(), v.loading_cutoff.toISOString()]);
      assert.deepEqual(schedule(agencies.us), [["2026-11-29T12:00:00.000Z", "2026-11-28T12:00:00.000Z"]]);
      assert.deepEqual(schedule(agencies.jp), [["2026-12-01T12:00:00.000Z", "2026-11-30T12:00:00.000Z"]]);

      // Each shipment runs on its owner's clock, whoever looks at it.
      assert.equal((await shipment(hostTargeter, ids.host)).loadingCutoff, "2026-11-28T12:00:00.000Z");
      assert.equal((await shipment(partnerTargeter, ids.host)).loadingCutoff, "2026-11-28T12:00:00.000Z");
      assert.equal((await shipment(partnerTargeter, ids.partner)).loadingCutoff, "2026-11-30T12:00:00.000Z");
      assert.equal((await shipment(hostTargeter, ids.partner)).loadingCutoff, "2026-11-30T12:00:00.000Z");

      // Targeting's "filed after cut-off" sees Japan Customs' manifest as filed 36 h early, not 12 h late on the host's clock.
      const [facts] = await withAgency(db, agencies.jp, (tx) => loadFacts(tx, [ids.partner]));
      assert.equal(facts?.loadingCutoff, "2026-11-30T12:00:00.000Z");
      assert.ok(facts?.filedAt && facts.filedAt < facts.loadingCutoff);
    });

    it("moves only the changing agency's request deadlines when it changes its schedule", async () => {
      const onHost = await partnerTargeter.post("/api/inspection-requests", {
        shipmentId: ids.host,
        containerNo: "CSQU3054383",
        reason: "Transhipment via Busan",
      });
      assert.equal(onHost.statusCode, 201, onHost.body);
      const onPartner = await hostTargeter.post("/api/inspection-requests", {
        shipmentId: ids.partner,
        containerNo: "MWCU6059784",
        reason: "Reciprocal screening",
      });
      assert.equal(onPartner.statusCode, 201, onPartner.body);
      requests.onHost = onHost.json();
      requests.onPartner = onPartner.json();
      assert.equal((await request(partnerTargeter, requests.onHost.id)).deadline, "2026-11-28T12:00:00.000Z");
      assert.equal((await request(hostTargeter, requests.onPartner.id)).deadline, "2026-11-30T12:00:00.000Z");

      // The terminal moves the host's cut-off to the evening.
      const changed = await hostSupervisor.post("/api/voyage-schedules", {
        ...SAILING,
        etd: "2026-11-29T20:00:00Z",
        loadingCutoff: "2026-11-28T20:00:00Z",
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual(changed.json(), {
        ...SAILING,
        carrierScac: "ONEY",
        etd: "2026-11-29T20:00:00.000Z",
        loadingCutoff: "2026-11-28T20:00:00.000Z",
        isCutoffEstimated: false,
        movedRequests: [requests.onHost.reference],
      });
      assert.equal(
        (await request(partnerTargeter, requests.onHost.id)).deadline,
        "2026-11-28T20:00:00.000Z",
        "the requester sees the new deadline",
      );
      assert.equal(
        (await request(hostTargeter, requests.onPartner.id)).deadline,
        "2026-11-30T12:00:00.000Z",
        "Japan Customs' deadline stays",
      );
      assert.equal((await shipment(partnerTargeter, ids.partner)).loadingCutoff, "2026-11-30T12:00:00.000Z");

      // And Japan Customs moves its own, which leaves the host's alone.
      const own = await partnerSupervisor.post("/api/voyage-schedules", {
        ...SAILING,
        etd: "2026-12-01T18:00:00Z",
        loadingCutoff: "2026-11-30T18:00:00Z",
      });
      assert.equal(own.statusCode, 200, own.body);
      assert.deepEqual(own.json().movedRequests, [requests.onPartner.reference]);
      assert.equal((await request(hostTargeter, requests.onPartner.id)).deadline, "2026-11-30T18:00:00.000Z");
      assert.equal((await request(partnerTargeter, requests.onHost.id)).deadline, "2026-11-28T20:00:00.000Z");
    });

    it("runs the clock on each request's own deadline", async () => {
      // After the host's cut-off, before Japan Customs': only the request on the host's shipment is missed.
      await sweepDeadlines(ctx().database.db, fixedClock(new Date("2026-11-28T21:00:00Z")));
      assert.equal((await request(partnerTargeter, requests.onHost.id)).missedAt, "2026-11-28T20:00:00.000Z");
      assert.equal((await request(hostTargeter, requests.onPartner.id)).missedAt, null);
    });

    it("lets no agency name, move or read another agency's voyage", async () => {
      const { db } = ctx().database;
      const { agencies, notShared } = ctx().fixture;
      // A sailing only the host has filed.
      const hostOnly = await db
        .selectFrom("shipment as s")
        .innerJoin("voyage as v", "v.id", "s.voyage_id")
        .select(["v.id", "v.vessel_imo", "v.voyage_no", "v.port_of_loading", "v.loading_cutoff"])
        .where("s.id", "=", notShared.id)
        .executeTakeFirstOrThrow();
      const body = {
        vesselImo: hostOnly.vessel_imo,
        voyageNo: hostOnly.voyage_no,
        portOfLoading: hostOnly.port_of_loading,
        etd: "2026-12-20T00:00:00Z",
        loadingCutoff: "2026-12-19T00:00:00Z",
      };
      const refused = await partnerSupervisor.post("/api/voyage-schedules", body);
      assert.equal(refused.statusCode, 404, refused.body);
      assert.equal(refused.json().code, "voyage.not_found");
      assert.ok(
        !refused.body.includes(hostOnly.loading_cutoff.toISOString()),
        "the answer tells nothing of the host's schedule",
      );
      assert.equal((await partnerTargeter.post("/api/voyage-schedules", body)).statusCode, 403);
      assert.equal((await korea.post("/api/voyage-schedules", body)).statusCode, 403);
      const after = await db
        .selectFrom("voyage")
        .select(["agency_id", "loading_cutoff"])
        .where("id", "=", hostOnly.id)
        .executeTakeFirstOrThrow();
      assert.equal(after.agency_id, agencies.us);
      assert.equal(after.loading_cutoff.toISOString(), hostOnly.loading_cutoff.toISOString());
      // Its voyage is read through the shipment only, and that shipment is not shared.
      assert.equal((await partnerTargeter.get(`/api/shipments/${notShared.id}`)).statusCode, 404);
      const invalid = await hostSupervisor.post("/api/voyage-schedules", { ...body, etd: "2026-12-18T00:00:00Z" });
      assert.equal(invalid.statusCode, 400, "a cut-off after the departure is refused");
    });
  },
);
