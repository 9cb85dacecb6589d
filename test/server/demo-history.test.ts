import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { ensureDemoWorld } from "../../src/domain/demo/seed.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { TEST_ANCHOR, TEST_PASSWORD } from "../helpers/world.ts";

describeOnEngines(
  "the demo's month of history and the dashboard's numbers",
  (database) => ensureDemoWorld(database.db, { seed: 20021, anchor: TEST_ANCHOR, shipments: 1500, password: TEST_PASSWORD }),
  (ctx) => {
    let app: FastifyInstance;
    let supervisor: Client;
    let partner: Client;
    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      supervisor = await loginAs(app, "host.supervisor");
      partner = await loginAs(app, "partner.targeter");
    });
    after(async () => {
      await app.close();
    });

    it("has requests in both directions, scans with analysed files, images, holds and misses", async () => {
      const { db } = ctx().database;
      const scans = await db.selectFrom("scan").select(["scan_type", "verdict", "file_sha256"]).execute();
      assert.ok(scans.some((s) => s.scan_type === "radiation_portal" && s.verdict === "norm_nuisance"), "NORM nuisance alarms");
      assert.ok(scans.some((s) => s.scan_type === "isotope_id" && s.verdict === "industrial"), "a rare industrial source");
      assert.ok(scans.some((s) => s.scan_type === "xray_image" && s.file_sha256), "radiographs");
      assert.ok(scans.every((s) => s.scan_type === "xray_image" || s.verdict !== null), "every radiation file was analysed");
      const hold = (await partner.get("/api/inspection-requests?status=dispositioned&limit=100")).json().items.find((r: { holdActive: boolean }) => r.holdActive);
      assert.ok(hold, "a container on hold");
    });

    it("shows on the dashboard exactly what a hand count of the requests gives", async () => {
      const { db } = ctx().database;
      const all = await db
        .selectFrom("inspection_request as r")
        .innerJoin("agreement as a", "a.id", "r.agreement_id")
        .select(["a.code", "r.id", "r.status", "r.deadline", "r.first_result_at", "r.missed_at", "r.requested_at"])
        .execute();
      const accepts = new Set((await db.selectFrom("request_transition").select("request_id").where("action", "=", "accept").execute()).map((t) => t.request_id));
      const dashboard = (await supervisor.get("/api/metrics/reciprocity?from=2026-10-01&to=2026-12-31")).json();
      for (const code of ["CSI-USCBP-JPCUS", "CSI-JPCUS-USCBP"]) {
        const mine = all.filter((r) => r.code === code);
        const accepted = mine.filter((r) => accepts.has(r.id)).length;
        const declined = mine.filter((r) => r.status === "declined").length;
        const onTime = mine.filter((r) => r.first_result_at && (!r.deadline || r.first_result_at <= r.deadline)).length;
        const d = dashboard.directions.find((x: { agreement: string }) => x.agreement === code);
        assert.ok(mine.length > 0, `${code} has requests`);
        assert.equal(d.requests, mine.length, code);
        assert.equal(d.accepted, accepted, code);
        assert.equal(d.declined, declined, code);
        assert.equal(d.missed, mine.filter((r) => r.missed_at).length, code);
        assert.equal(d.accommodationRate, accepted / (accepted + declined), code);
        assert.equal(d.scannedBeforeCutoff, onTime / accepted, code);
      }
    });
  },
);
