import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

describeOnEngines(
  "reciprocity dashboard",
  (database) => seedTestWorld(database.db, 400),
  (ctx) => {
    let app: FastifyInstance;
    let partner: Client;
    let supervisor: Client;
    let officer: Client;
    let korea: Client;
    const made: { id: string; fate: string }[] = [];

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      partner = await loginAs(app, "partner.targeter");
      supervisor = await loginAs(app, "host.supervisor");
      officer = await loginAs(app, "scan.officer");
      korea = await loginAs(app, "kr.targeter");
      // Twelve requests with known fates, counted by hand below.
      const fates = [
        "scanned-alarm",
        "scanned-clear",
        "scanned-clear",
        "scanned-alarm",
        "declined-capacity",
        "declined-capacity",
        "declined-loaded",
        "withdrawn",
        "pending",
        "pending",
        "accepted",
        "scanned-clear",
      ];
      const shipments = (await partner.get("/api/shipments?limit=50&sort=bill_of_lading&order=asc")).json().items as {
        id: string;
      }[];
      for (const [i, fate] of fates.entries()) {
        const detail = (await partner.get(`/api/shipments/${(shipments[i] as { id: string }).id}`)).json();
        const r = (
          await partner.post("/api/inspection-requests", {
            shipmentId: detail.id,
            containerNo: detail.containers[0].containerNo,
            reason: `case ${i}`,
          })
        ).json();
        made.push({ id: r.id, fate });
        if (fate.startsWith("declined")) {
          await supervisor.post(`/api/inspection-requests/${r.id}/decision`, {
            decision: "decline",
            reasonCode: fate === "declined-loaded" ? "already_loaded" : "no_capacity",
            reason: "see code",
          });
        } else if (fate === "withdrawn") {
          await partner.post(`/api/inspection-requests/${r.id}/withdrawal`, { reason: "resolved by analysis" });
        } else if (fate !== "pending") {
          await supervisor.post(`/api/inspection-requests/${r.id}/decision`, { decision: "accept" });
        }
        if (fate.startsWith("scanned")) {
          const res = await officer.post(`/api/inspection-requests/${r.id}/scans`, {
            scanType: "radiation_portal",
            outcome: fate === "scanned-alarm" ? "alarm" : "no_alarm",
            device: i % 2 === 0 ? "RPM lane 1" : "RPM lane 2",
            notes: "",
          });
          assert.equal(res.statusCode, 201, res.body);
        }
      }
    });
    after(async () => {
      await app.close();
    });

    it("rejects anonymous callers", async () => {
      assert.equal((await app.inject({ method: "GET", url: "/api/metrics/reciprocity" })).statusCode, 401);
    });

    it("matches a hand count for the US→Japan direction, seen the same by both agencies", async () => {
      const count = (p: (f: string) => boolean) => made.filter((m) => p(m.fate)).length;
      const fromHost = (await supervisor.get("/api/metrics/reciprocity?from=2026-11-01&to=2026-12-31")).json();
      const fromPartner = (await partner.get("/api/metrics/reciprocity?from=2026-11-01&to=2026-12-31")).json();
      const usJp = fromHost.directions.find((d: { agreement: string }) => d.agreement === "CSI-USCBP-JPCUS");
      assert.deepEqual(
        fromPartner.directions.find((d: { agreement: string }) => d.agreement === "CSI-USCBP-JPCUS"),
        usJp,
      );
      const accepted = count((f) => f.startsWith("scanned") || f === "accepted");
      const declined = count((f) => f.startsWith("declined"));
      assert.equal(usJp.requests, made.length);
      assert.equal(usJp.accepted, accepted);
      assert.equal(usJp.declined, declined);
      assert.deepEqual(usJp.declinedByReason, { already_loaded: 1, no_capacity: 2 });
      assert.equal(
        usJp.withdrawn,
        count((f) => f === "withdrawn"),
      );
      assert.equal(
        usJp.pending,
        count((f) => f === "pending"),
      );
      assert.equal(usJp.accommodationRate, accepted / (accepted + declined));
      const views = await Promise.all(
        made.map(async (m) => (await partner.get(`/api/inspection-requests/${m.id}`)).json()),
      );
      const onTime = views.filter((v) => v.firstResultAt && (!v.deadline || v.firstResultAt <= v.deadline)).length;
      assert.equal(usJp.scannedBeforeCutoff, onTime / accepted);
      assert.equal(
        views.filter((v) => v.firstResultAt).length,
        count((f) => f.startsWith("scanned")),
      );
      assert.deepEqual(usJp.scansByType, { radiation_portal: count((f) => f.startsWith("scanned")) });
      assert.equal(
        usJp.alarms,
        count((f) => f === "scanned-alarm"),
      );
      assert.equal(
        usJp.equipmentUse.reduce((n: number, e: { scans: number }) => n + e.scans, 0),
        count((f) => f.startsWith("scanned")),
      );
      assert.equal(usJp.medianHoursToResult, 0, "results were recorded at the request time on the frozen clock");
      const jpUs = fromHost.directions.find((d: { agreement: string }) => d.agreement === "CSI-JPCUS-USCBP");
      assert.equal(jpUs.requests, 0);
      assert.equal(jpUs.accommodationRate, null);
    });

    it("exports the same numbers as CSV, and shows an agency without agreements nothing", async () => {
      const csv = await supervisor.get("/api/metrics/reciprocity?from=2026-11-01&to=2026-12-31&format=csv");
      assert.equal(csv.statusCode, 200);
      assert.match(csv.headers["content-type"] as string, /text\/csv/);
      const [header, first] = csv.body.trim().split("\n");
      assert.ok(header?.startsWith("agreement,host,requester,from,to,requests,accepted,declined"));
      assert.ok(first?.startsWith(`CSI-JPCUS-USCBP,JPCUS,USCBP`) || first?.startsWith("CSI-USCBP-JPCUS"));
      assert.ok(
        csv.body.includes(
          `CSI-USCBP-JPCUS,USCBP,JPCUS,2026-11-01T00:00:00.000Z,2026-12-31T00:00:00.000Z,${made.length},`,
        ),
      );
      assert.deepEqual((await korea.get("/api/metrics/reciprocity")).json().directions, []);
      assert.equal((await supervisor.get("/api/metrics/reciprocity?from=2026-12-01&to=2026-11-01")).statusCode, 400);
    });
  },
);
