import assert from "node:assert/strict";
import { before, it } from "node:test";
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { DB } from "../../src/db/schema.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { actorForUser } from "../../src/domain/auth.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { sweepDeadlines } from "../../src/domain/deadlines.ts";
import { ingestManifest } from "../../src/domain/ingest/pipeline.ts";
import { createInspectionRequest } from "../../src/domain/inspection-requests/index.ts";
import { serviceActor } from "../../src/domain/service-accounts.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { realBayPlan } from "../helpers/trade-samples.ts";
import { seedTestWorld } from "../helpers/world.ts";

// The real departure bay plan of the DEL MONTE ROSE (voyage 092025, leaving CRMOB on 2025-02-23,
// prepared 02:55): each of its 642 cells is the container on board, and closes the request clock.

const CONTAINER = "OTPU6302502";
const HEADER =
  "bill_of_lading,message_ref,carrier_scac,voyage,port_of_loading,port_of_discharge,etd,shipper_name,consignee_name,container_number,size_type,hs_code,description,packages,gross_weight_kg";
const MANIFEST = `${HEADER}\nDMRBAY0001,DMR1,DMOU,092025,CRMOB,JPTYO,2025-02-23T14:30,DEL MONTE FRESH PRODUCE,NIPPON FRUIT KK,${CONTAINER},45R1,080390,BANANAS FRESH,1200,23780`;

async function count(db: Kysely<DB>, query: RawBuilder<{ n: number }>): Promise<number> {
  const { rows } = await query.execute(db);
  return Number(rows[0]?.n);
}

describeOnEngines(
  "a departure bay plan feeds the request clock",
  (database) => seedTestWorld(database.db, 20),
  (ctx) => {
    let feed: Actor;
    let partner: Actor;
    let requestId: string;
    const plan = realBayPlan();

    before(async () => {
      const db = ctx().database.db;
      feed = await serviceActor(db, "USCBP", "feed.terminal");
      const user = await db
        .selectFrom("app_user")
        .select("id")
        .where("username", "=", "partner.targeter")
        .executeTakeFirstOrThrow();
      partner = await actorForUser(db, user.id);
    });

    it("files the shipment of one of the plan's containers, scores it for both agencies, and takes a request on it", async () => {
      const db = ctx().database.db;
      const report = await ingestManifest(db, fixedClock(new Date("2025-02-18T12:00:00Z")), feed, {
        fileName: "dmr-manifest.csv",
        text: MANIFEST,
        format: "csv",
      });
      assert.equal(report.inserted, 1, JSON.stringify(report));
      const shipment = await db
        .selectFrom("shipment")
        .select("id")
        .where("bill_of_lading", "=", "DMRBAY0001")
        .executeTakeFirstOrThrow();
      const scores = await db
        .selectFrom("shipment_score")
        .select("agency_id")
        .where("shipment_id", "=", shipment.id)
        .execute();
      assert.equal(scores.length, 2, "the owner and the partner it is shared with have each scored it");
      const request = await createInspectionRequest(db, fixedClock(new Date("2025-02-20T09:00:00Z")), partner, {
        requestType: "inspection",
        reasonCodes: ["intelligence"],
        shipmentId: shipment.id,
        containerNo: CONTAINER,
        reason: "Reefer from a port of concern",
        priority: "routine",
        scansRequested: [],
      });
      requestId = request.id;
      const swept = await sweepDeadlines(db, fixedClock(new Date("2025-02-24T00:00:00Z")));
      assert.equal(swept.missed, 0, "no container event yet, no cut-off: nothing to miss");
    });

    it("reports 642 stowage records, keeps each as an on-board event for its voyage, and counts those on no known shipment", async () => {
      const db = ctx().database.db;
      const report = await ingestManifest(db, fixedClock(new Date("2025-02-23T06:00:00Z")), feed, {
        fileName: plan.name,
        text: plan.text,
      });
      assert.equal(report.format, "baplie");
      assert.equal(report.stowage, 642);
      assert.equal(report.events, 642);
      assert.equal(report.unmatched, 641, "all but the one container filed above");
      assert.deepEqual(report.records, { read: 642, landed: 642, quarantined: 0, setAside: 0 });
      assert.equal(report.errors.length, 0, JSON.stringify(report.errors.slice(0, 3)));
      const events = await db
        .selectFrom("container_event")
        .select(["container_no", "event_type", "event_time", "place", "voyage_no", "is_planned"])
        .where("batch_id", "=", report.batchId as string)
        .execute();
      assert.equal(events.length, 642);
      assert.equal(new Set(events.map((e) => e.container_no)).size, 642);
      assert.ok(
        events.every(
          (e) => e.event_type === "on-board" && !e.is_planned && e.place === "CRMOB" && e.voyage_no === "092025",
        ),
      );
      assert.ok(
        events.every((e) => e.event_time?.toISOString() === "2025-02-23T02:55:00.000Z"),
        "as of the plan's preparation (DTM+137 day, UNB time)",
      );
      const batch = await db
        .selectFrom("ingest_batch")
        .select(["status", "events"])
        .where("id", "=", report.batchId as string)
        .executeTakeFirstOrThrow();
      assert.deepEqual(batch, { status: "completed", events: 642 });
    });

    it("records the open request on a container reported on board as missed, once, however often the plan comes", async () => {
      const db = ctx().database.db;
      const sweepClock = fixedClock(new Date("2025-02-24T00:00:00Z"));
      assert.equal((await sweepDeadlines(db, sweepClock)).missed, 1);
      const again = await ingestManifest(db, fixedClock(new Date("2025-02-23T07:00:00Z")), feed, {
        fileName: plan.name,
        text: plan.text,
      });
      assert.equal(again.stowage, 642);
      assert.equal(again.events, 0, "the same cells are not recorded twice");
      assert.equal((await sweepDeadlines(db, sweepClock)).missed, 0);
      const request = await db
        .selectFrom("inspection_request")
        .select(["missed_at", "miss_reason", "status"])
        .where("id", "=", requestId)
        .executeTakeFirstOrThrow();
      assert.equal(request.missed_at?.toISOString(), "2025-02-23T02:55:00.000Z");
      assert.match(request.miss_reason ?? "", /loaded before/);
      const misses = await count(
        db,
        sql<{
          n: number;
        }>`select count(*)::int as n from audit_event where action = 'inspection_request.missed' and entity_id = ${requestId}`,
      );
      assert.equal(misses, 1);
      const notices = await count(
        db,
        sql<{
          n: number;
        }>`select count(*)::int as n from notification where kind = 'request_missed' and request_id = ${requestId}`,
      );
      assert.equal(notices, 1);
      const onBoard = await count(
        db,
        sql<{
          n: number;
        }>`select count(*)::int as n from container_event where container_no = ${CONTAINER} and event_type = 'on-board'`,
      );
      assert.equal(onBoard, 1);
    });
  },
);
