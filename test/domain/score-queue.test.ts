import assert from "node:assert/strict";
import { before, it } from "node:test";
import { sql } from "kysely";
import { withAgency } from "../../src/db/database.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { scorePending } from "../../src/domain/targeting/scoring.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR, type TestWorld } from "../helpers/world.ts";

// Scoring is a queue: what makes a score stale queues it (migration 0017), and scorers claim their
// shipments with FOR UPDATE SKIP LOCKED, so however many run at once (server processes, an upload,
// the background job) each shipment is scored once for what was queued. A trigger logs every write to shipment_score, so a second write cannot hide in an upsert.

const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 3_600_000));

describeOnEngines(
  "scoring queue",
  (database) => seedTestWorld(database.db, 1500),
  (ctx) => {
    let world: TestWorld;

    before(async () => {
      const db = ctx().database.db;
      world = ctx().fixture;
      await sql`
      create table score_write_log (shipment_id uuid not null, agency_id uuid not null);
      create function log_score_write() returns trigger language plpgsql security definer set search_path = public as $$
        begin
          insert into score_write_log (shipment_id, agency_id) values (new.shipment_id, new.agency_id);
          return null;
        end $$;
      create trigger score_write_logged after insert or update on shipment_score for each row execute function log_score_write();`.execute(
        db,
      );
    });

    /** Forgets every score (as the owner), so that every shipment is pending again, and clears the log. */
    async function forgetScores(): Promise<void> {
      await sql`delete from shipment_score; delete from score_write_log`.execute(ctx().database.db);
    }

    /** Shipments the agency can see and scores (not cancelled), as its own row-level security counts them. */
    async function scorable(agencyId: string): Promise<number> {
      const row = await withAgency(ctx().database.db, agencyId, (tx) =>
        tx
          .selectFrom("shipment")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("is_cancelled", "=", false)
          .executeTakeFirstOrThrow(),
      );
      return Number(row.n);
    }

    async function writes(agencyId: string): Promise<{ total: number; distinct: number }> {
      const { rows } = await sql<{ total: number; distinct: number }>`
      select count(*)::int as total, count(distinct shipment_id)::int as distinct from score_write_log where agency_id = ${agencyId}`.execute(
        ctx().database.db,
      );
      return rows[0] as { total: number; distinct: number };
    }

    it("scores every shipment exactly once when four scorers of two agencies run at the same time", async () => {
      const db = ctx().database.db;
      await forgetScores();
      const { us, jp } = world.agencies;
      const runs = await Promise.all([
        scorePending(db, clock, us),
        scorePending(db, clock, jp),
        scorePending(db, clock, us),
        scorePending(db, clock, jp),
        scorePending(db, clock, us),
      ]);
      const [usA, jpA, usB, jpB, usC] = runs;
      const usScored = usA + usB + usC;
      const jpScored = jpA + jpB;
      const [usCount, jpCount] = [await scorable(us), await scorable(jp)];
      assert.ok(usCount > 1000 && jpCount > 0, `${usCount} and ${jpCount} shipments to score: more than one batch`);
      assert.equal(usScored, usCount, "the host scores all its shipments");
      assert.equal(jpScored, jpCount, "the partner scores those shared with it");
      assert.deepEqual(
        await writes(us),
        { total: usCount, distinct: usCount },
        "one score write per shipment for the host",
      );
      assert.deepEqual(
        await writes(jp),
        { total: jpCount, distinct: jpCount },
        "one score write per shipment for the partner",
      );
    });

    /** What is left to do for the agency: queued requests and sweeps. */
    async function pending(agencyId: string): Promise<{ requests: number; sweeps: number }> {
      const { rows } = await sql<{ requests: number; sweeps: number }>`
      select (select count(*)::int from score_request where agency_id = ${agencyId}) as requests,
             (select count(*)::int from score_sweep where agency_id = ${agencyId}) as sweeps`.execute(
        ctx().database.db,
      );
      return rows[0] as { requests: number; sweeps: number };
    }

    it("leaves nothing pending and writes nothing more when scored again", async () => {
      const db = ctx().database.db;
      await sql`delete from score_write_log`.execute(db);
      const again = await Promise.all([
        scorePending(db, clock, world.agencies.us),
        scorePending(db, clock, world.agencies.us),
      ]);
      assert.deepEqual(again, [0, 0]);
      assert.deepEqual(await writes(world.agencies.us), { total: 0, distinct: 0 });
    });

    it("rescores an amended shipment, for every agency that lists it, and nothing else", async () => {
      const db = ctx().database.db;
      const { us, jp } = world.agencies;
      await scorePending(db, clock, us);
      await scorePending(db, clock, jp);
      await sql`delete from score_write_log`.execute(db);
      // A shipment shared with the partner, amended as an ingest would (the next version).
      const { rows } = await sql<{ shipment_id: string }>`
      select shipment_id from shipment_listing where agency_id = ${jp} limit 1`.execute(db);
      const shared = rows[0]?.shipment_id;
      assert.ok(shared, "the partner lists a shipment");
      await sql`update shipment set version = version + 1 where id = ${shared}`.execute(db);
      assert.equal(await scorePending(db, clock, us), 1);
      assert.equal(await scorePending(db, clock, jp), 1);
      const { rows: logged } = await sql<{
        shipment_id: string;
        agency_id: string;
      }>`select shipment_id, agency_id from score_write_log order by agency_id`.execute(db);
      assert.deepEqual(
        logged.map((r) => r.shipment_id),
        [shared, shared],
      );
      assert.deepEqual(new Set(logged.map((r) => r.agency_id)), new Set([us, jp]));
      const { rows: versions } = await sql<{ n: number }>`
      select count(*)::int as n from shipment_score sc join shipment s on s.id = sc.shipment_id where s.id = ${shared} and sc.shipment_version = s.version`.execute(
        db,
      );
      assert.equal(versions[0]?.n, 2, "both scores are of the new version");
    });

    it("keeps a request written while the shipment was being scored, and scores it again in the next turn", async () => {
      const db = ctx().database.db;
      const { us } = world.agencies;
      await scorePending(db, clock, us);
      // The first score written re-queues its shipment, as an amendment committed mid-turn would.
      await sql`
      create table requeue_once (done boolean not null);
      insert into requeue_once values (false);
      create function requeue_first() returns trigger language plpgsql security definer set search_path = public as $$
        begin
          if not (select done from requeue_once) then
            update requeue_once set done = true;
            insert into score_request (agency_id, shipment_id) values (new.agency_id, new.shipment_id);
          end if;
          return null;
        end $$;
      create trigger requeue_first after insert or update on shipment_score for each row execute function requeue_first();`.execute(
        db,
      );
      try {
        await forgetScores();
        const scorableCount = await scorable(us);
        const scored = await scorePending(db, clock, us);
        assert.equal(scored, scorableCount + 1, "every shipment once, and the re-queued one again");
        const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from score_write_log where agency_id = ${us} group by shipment_id having count(*) > 1`.execute(
          db,
        );
        assert.deepEqual(rows, [{ n: 2 }], "exactly one shipment scored twice");
        assert.deepEqual(await pending(us), { requests: 0, sweeps: 0 });
      } finally {
        await sql`drop trigger requeue_first on shipment_score; drop function requeue_first(); drop table requeue_once`.execute(
          db,
        );
      }
    });

    it("rescores every shipment after a watchlist change, only stale ones after new rules, and walks the list in steps", async () => {
      const db = ctx().database.db;
      const { us } = world.agencies;
      await scorePending(db, clock, us);
      const scorableCount = await scorable(us);

      await sql`delete from score_write_log`.execute(db);
      await sql`
      insert into watchlist_entry (agency_id, kind, value, reason, created_at)
      values (${us}, 'party', 'QUEUE TEST TRADING', 'named in a test', now())`.execute(db);
      assert.deepEqual(await pending(us), { requests: 0, sweeps: 1 }, "the change costs one row");
      assert.equal(await scorePending(db, clock, us), scorableCount, "a watchlist change can move any score");
      assert.deepEqual(await pending(us), { requests: 0, sweeps: 0 });

      // New rules: activating a copy makes every score stale by its rule set.
      await sql`delete from score_write_log`.execute(db);
      await sql`
      with old as (update rule_set set status = 'retired' where agency_id = ${us} and status = 'active' returning definition, version, name)
      insert into rule_set (agency_id, version, name, definition, status, created_at, activated_at)
      select ${us}, version + 1, name, definition, 'active', now(), now() from old`.execute(db);
      assert.equal(await scorePending(db, clock, us), scorableCount);
      assert.deepEqual(await writes(us), { total: scorableCount, distinct: scorableCount });

      // A check with nothing stale queues nothing.
      await sql`delete from score_write_log`.execute(db);
      await sql`select score_sweep_request(${us}::uuid, false)`.execute(db);
      assert.equal(await scorePending(db, clock, us), 0);
      assert.deepEqual(await pending(us), { requests: 0, sweeps: 0 });
    });

    it("stops a budgeted run after its time and leaves the rest of the walk queued for the next scorer", async () => {
      const db = ctx().database.db;
      const { us } = world.agencies;
      await scorePending(db, clock, us);
      const scorableCount = await scorable(us);
      await sql`delete from score_write_log`.execute(db);
      await sql`
      insert into watchlist_entry (agency_id, kind, value, reason, created_at)
      values (${us}, 'party', 'BUDGET TEST TRADING', 'named in a test', now())`.execute(db);
      // No time at all: one turn (the sweep's first step queues work, or a batch is scored), then back.
      const first = await scorePending(db, clock, us, { budgetMs: 0 });
      assert.ok(first < scorableCount, `a budget of 0 ms scored ${first} of ${scorableCount}`);
      const left = await pending(us);
      assert.ok(left.requests + left.sweeps > 0, "what is not done stays queued");
      // The background job (no budget) finishes the walk; together every shipment is scored once.
      const rest = await scorePending(db, clock, us);
      assert.equal(first + rest, scorableCount);
      assert.deepEqual(await writes(us), { total: scorableCount, distinct: scorableCount });
      assert.deepEqual(await pending(us), { requests: 0, sweeps: 0 });
    });
  },
);
