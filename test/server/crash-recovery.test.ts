import assert from "node:assert/strict";
import { before, it } from "node:test";
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { DB } from "../../src/db/schema.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { ingestStream } from "../../src/domain/ingest/pipeline.ts";
import { recoverInterruptedBatches } from "../../src/domain/ingest/recover.ts";
import { syntheticShipments } from "../../src/domain/ingest/synthetic.ts";
import { serviceActor } from "../../src/domain/service-accounts.ts";
import { auditsOf, cuscar, versionsOf } from "../helpers/crash.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR } from "../helpers/world.ts";

// Crash recovery in the domain: a batch whose ingest throws ends "failed" with the counts of the
// whole chunks it stored, and sending the file again completes it. Real server processes killed
// with SIGKILL are in killed-servers.test.ts.

const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 3_600_000));

async function batchRow(db: Kysely<DB>, id: string) {
  return db
    .selectFrom("ingest_batch")
    .select(["status", "shipments", "containers", "messages", "report"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
}

describeOnEngines(
  "ingest batches that stop half-way",
  (database) => seedTestWorld(database.db, 20),
  (ctx) => {
    let actor: Actor;
    before(async () => {
      actor = await serviceActor(ctx().database.db, "USCBP", "feed.crash-test");
    });

    it("marks the batch failed with what it stored when the stream breaks, and a resend completes it", async () => {
      const db = ctx().database.db;
      const records = [...syntheticShipments(2500, { seed: 3, prefix: "BRK" })];
      const text = Buffer.from(cuscar(records, "BRK1"));
      // The connection drops after 2,400 shipments: two chunks are stored, the rest never arrives.
      const cut = text.indexOf("UNH+M0049+");
      async function* broken(): AsyncGenerator<Uint8Array> {
        yield text.subarray(0, cut);
        throw new Error("connection reset by peer");
      }
      let batchId: string | null = null;
      await assert.rejects(
        ingestStream(db, clock, actor, {
          fileName: "broken.edi",
          chunks: broken(),
          format: "cuscar",
          onProgress: (r) => (batchId = r.batchId),
        }),
        /connection reset/,
      );
      assert.ok(batchId);
      const row = await batchRow(db, batchId);
      assert.equal(row.status, "failed");
      assert.equal(row.shipments, 2000);
      assert.equal(await versionsOf(db, batchId), 2000);
      assert.equal(
        row.containers,
        records.slice(0, 2000).reduce((n, r) => n + r.containers.length, 0),
      );
      assert.equal(row.messages, 40);
      const report = row.report as { errors: { code: string; message: string }[]; shipments: number };
      assert.equal(report.errors[0]?.code, "ingest.failed");
      assert.match(report.errors[0]?.message ?? "", /internal error/, "a raw error message stays out of the report");
      assert.equal(await auditsOf(db, batchId, "manifest.failed"), 1);

      const again = await ingestStream(db, clock, actor, { fileName: "broken.edi", chunks: [text], format: "cuscar" });
      assert.equal(again.inserted, 500);
      assert.equal(again.duplicates, 2000);
      assert.equal(again.shipments, 2500);
    });

    it("leaves batches with a fresh heartbeat to their process and closes the stale ones once, however many recover at once", async () => {
      const db = ctx().database.db;
      const agency = actor.agencyId;
      const batch = (file: string, heartbeat: RawBuilder<Date>) =>
        db
          .insertInto("ingest_batch")
          .values({
            agency_id: agency,
            file_name: file,
            format: "cuscar",
            content_sha256: "0".repeat(64),
            size_bytes: 0,
            received_at: clock.now(),
            heartbeat_at: heartbeat,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
          .then((r) => r.id);
      const live = await batch("live.edi", sql<Date>`now()`);
      const dead = await Promise.all(
        ["a", "b", "c", "d", "e"].map((n) => batch(`dead-${n}.edi`, sql<Date>`now() - interval '10 minutes'`)),
      );
      const results = await Promise.all([
        recoverInterruptedBatches(db, clock),
        recoverInterruptedBatches(db, clock),
        recoverInterruptedBatches(db, clock),
      ]);
      const closed = results.flat().map((r) => r.id);
      assert.deepEqual([...closed].sort(), [...dead].sort(), "each stale batch closed exactly once");
      for (const id of dead) {
        assert.equal((await batchRow(db, id)).status, "failed");
        assert.equal(await auditsOf(db, id, "manifest.interrupted"), 1);
      }
      assert.equal((await batchRow(db, live)).status, "running");
      // The embedded database has one process: whatever still runs at its start is dead.
      assert.deepEqual(
        (await recoverInterruptedBatches(db, clock, { isSoleProcess: true })).map((r) => r.id),
        [live],
      );
      assert.equal((await batchRow(db, live)).status, "failed");
    });

    it("stops a live ingest whose batch was taken for dead without storing another chunk", async () => {
      const db = ctx().database.db;
      const text = Buffer.from(cuscar([...syntheticShipments(3000, { seed: 4, prefix: "SLO" })], "SLO1"));
      let release!: () => void;
      const paused = new Promise<void>((resolve) => (release = resolve));
      let stored = 0;
      async function* slow(): AsyncGenerator<Uint8Array> {
        const cut = text.indexOf("UNH+M0031+");
        yield text.subarray(0, cut);
        await paused;
        yield text.subarray(cut);
      }
      const running = ingestStream(db, clock, actor, {
        fileName: "slow.edi",
        chunks: slow(),
        format: "cuscar",
        onProgress: (r) => {
          stored = r.inserted;
          if (r.inserted === 1000) {
            void recoverInterruptedBatches(db, clock, { isSoleProcess: true }).then(release);
          }
        },
      });
      await assert.rejects(running, (err: { code?: string }) => err.code === "ingest_batch.closed");
      assert.equal(stored, 1000);
      const batch = await db
        .selectFrom("ingest_batch")
        .select(["id", "status", "shipments"])
        .where("file_name", "=", "slow.edi")
        .executeTakeFirstOrThrow();
      assert.equal(batch.status, "failed");
      assert.equal(batch.shipments, 1000);
      assert.equal(await versionsOf(db, batch.id), 1000, "nothing stored after recovery closed the batch");
      assert.equal(await auditsOf(db, batch.id, "manifest.failed"), 0, "closed once, by recovery");
    });
  },
);
