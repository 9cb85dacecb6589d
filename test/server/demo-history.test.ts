import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { ensureDemoWorld } from "../../src/domain/demo/seed.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { TEST_ANCHOR, TEST_PASSWORD } from "../helpers/world.ts";

describeOnEngines(
  "the demo's month of history and the dashboard's numbers",
  (database) =>
    ensureDemoWorld(database.db, { seed: 20021, anchor: TEST_ANCHOR, shipments: 1500, password: TEST_PASSWORD }),
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
      assert.ok(
        scans.some((s) => s.scan_type === "radiation_portal" && s.verdict === "norm_nuisance"),
        "NORM nuisance alarms",
      );
      assert.ok(
        scans.some((s) => s.scan_type === "isotope_id" && s.verdict === "industrial"),
        "a rare industrial source",
      );
      assert.ok(
        scans.some((s) => s.scan_type === "xray_image" && s.file_sha256),
        "radiographs",
      );
      assert.ok(
        scans.every((s) => s.scan_type === "xray_image" || s.verdict !== null),
        "every radiation file was analysed",
      );
      const hold = (await partner.get("/api/inspection-requests?status=dispositioned&limit=100"))
        .json()
        .items.find((r: { holdActive: boolean }) => r.holdActive);
      assert.ok(hold, "a container on hold");
    });

    it("tells the story on one clock: nothing received, filed or audited after its day, and the audit log in order", async () => {
      const { db } = ctx().database;
      const storyEnd = TEST_ANCHOR.getTime();
      const batches = await db.selectFrom("ingest_batch").select(["file_name", "received_at"]).execute();
      assert.ok(batches.length > 0);
      assert.deepEqual(
        batches.filter((b) => b.received_at.getTime() > storyEnd).map((b) => b.file_name),
        [],
        "no carrier file arrives after the story's day",
      );
      const shipments = await db
        .selectFrom("shipment as s")
        .leftJoin("voyage as v", "v.id", "s.voyage_id")
        .select(["s.filed_at", "v.loading_cutoff"])
        .execute();
      assert.equal(
        shipments.filter((s) => s.filed_at.getTime() > storyEnd).length,
        0,
        "no manifest is filed after the story's day",
      );
      const late = shipments.filter((s) => s.loading_cutoff && s.filed_at > s.loading_cutoff);
      assert.ok(late.length > 0, "a few manifests are filed after their cut-off");
      assert.ok(late.length < shipments.length * 0.06, "only a few");
      assert.ok(
        late.every((s) => (s.loading_cutoff as Date).getTime() < storyEnd),
        "only for sailings whose cut-off has passed",
      );
      const requests = await db
        .selectFrom("inspection_request")
        .select(["requested_at", "decided_at", "first_result_at"])
        .execute();
      assert.ok(
        requests.every(
          (r) =>
            r.requested_at.getTime() <= storyEnd &&
            (r.decided_at?.getTime() ?? 0) <= storyEnd &&
            (r.first_result_at?.getTime() ?? 0) <= storyEnd,
        ),
      );
      const events = await db
        .selectFrom("audit_event")
        .select(["seq", "occurred_at", "action"])
        .orderBy("seq")
        .execute();
      const story = events.slice(
        0,
        events.findIndex((e) => e.action === "demo.created"),
      );
      assert.ok(story.length > 100);
      assert.ok(
        story.every((e) => e.occurred_at.getTime() <= storyEnd),
        "the story's events are audited at the story's time",
      );
      const firstRequest = events.find((e) => e.action === "inspection_request.created");
      assert.ok(
        firstRequest && firstRequest.occurred_at.getTime() < storyEnd - 14 * 24 * 3_600_000,
        "history is audited weeks back, when it happened",
      );
      const outOfOrder = events.findIndex(
        (e, i) => i > 0 && e.occurred_at < (events[i - 1] as (typeof events)[number]).occurred_at,
      );
      assert.equal(outOfOrder, -1, "audit times follow the chain's order");
      const created = await db
        .selectFrom("inspection_request")
        .select((eb) => eb.fn.min("requested_at").as("first"))
        .executeTakeFirstOrThrow();
      assert.equal(
        new Date(created.first).getTime(),
        firstRequest.occurred_at.getTime(),
        "each event is stamped when its record says it happened",
      );
    });

    it("keeps each agency's audit chain intact", async () => {
      const auditors = [await loginAs(app, "host.auditor"), await loginAs(app, "partner.auditor")];
      for (const auditor of auditors) {
        const verdict = (await auditor.get("/api/audit-events/verification")).json();
        assert.equal(verdict.isIntact, true, JSON.stringify(verdict));
        assert.ok(verdict.events > 100);
      }
    });

    it("shows on the dashboard exactly what a hand count of the requests gives", async () => {
      const { db } = ctx().database;
      const all = await db
        .selectFrom("inspection_request as r")
        .innerJoin("agreement as a", "a.id", "r.agreement_id")
        .select(["a.code", "r.id", "r.status", "r.deadline", "r.first_result_at", "r.missed_at", "r.requested_at"])
        .execute();
      const accepts = new Set(
        (await db.selectFrom("request_transition").select("request_id").where("action", "=", "accept").execute()).map(
          (t) => t.request_id,
        ),
      );
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
