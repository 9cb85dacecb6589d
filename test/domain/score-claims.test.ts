import assert from "node:assert/strict";
import { before, it } from "node:test";
import { sql } from "kysely";
import { withAgency } from "../../src/db/database.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { scorePending } from "../../src/domain/targeting/scoring.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR, type TestWorld } from "../helpers/world.ts";

// Scorers claim their shipments with FOR UPDATE SKIP LOCKED: however many run at once (server
// processes, an upload, the background sweep), each shipment is scored once for its version and
// rules. A trigger logs every write to shipment_score, so a second write cannot hide in an upsert.

const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 3_600_000));

describeOnEngines("scoring claims", (database) => seedTestWorld(database.db, 1500), (ctx) => {
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
      create trigger score_write_logged after insert or update on shipment_score for each row execute function log_score_write();`.execute(db);
  });

  /** Forgets every score (as the owner), so that every shipment is pending again, and clears the log. */
  async function forgetScores(): Promise<void> {
    await sql`delete from shipment_score; delete from score_write_log`.execute(ctx().database.db);
  }

  /** Shipments the agency can see and scores (not cancelled), as its own row-level security counts them. */
  async function scorable(agencyId: string): Promise<number> {
    const row = await withAgency(ctx().database.db, agencyId, (tx) =>
      tx.selectFrom("shipment").select((eb) => eb.fn.countAll<string>().as("n")).where("is_cancelled", "=", false).executeTakeFirstOrThrow(),
    );
    return Number(row.n);
  }

  async function writes(agencyId: string): Promise<{ total: number; distinct: number }> {
    const { rows } = await sql<{ total: number; distinct: number }>`
      select count(*)::int as total, count(distinct shipment_id)::int as distinct from score_write_log where agency_id = ${agencyId}`.execute(ctx().database.db);
    return rows[0] as { total: number; distinct: number };
  }

  it("scores every shipment exactly once when four scorers of two agencies run at the same time", async () => {
    const db = ctx().database.db;
    await forgetScores();
    const { us, jp } = world.agencies;
    const runs = await Promise.all([scorePending(db, clock, us), scorePending(db, clock, jp), scorePending(db, clock, us), scorePending(db, clock, jp), scorePending(db, clock, us)]);
    const [usA, jpA, usB, jpB, usC] = runs;
    const usScored = usA + usB + usC;
    const jpScored = jpA + jpB;
    const [usCount, jpCount] = [await scorable(us), await scorable(jp)];
    assert.ok(usCount > 1000 && jpCount > 0, `${usCount} and ${jpCount} shipments to score: more than one batch`);
    assert.equal(usScored, usCount, "the host scores all its shipments");
    assert.equal(jpScored, jpCount, "the partner scores those shared with it");
    assert.deepEqual(await writes(us), { total: usCount, distinct: usCount }, "one score write per shipment for the host");
    assert.deepEqual(await writes(jp), { total: jpCount, distinct: jpCount }, "one score write per shipment for the partner");
  });

  it("leaves nothing pending and writes nothing more when scored again", async () => {
    const db = ctx().database.db;
    await sql`delete from score_write_log`.execute(db);
    const again = await Promise.all([scorePending(db, clock, world.agencies.us), scorePending(db, clock, world.agencies.us)]);
    assert.deepEqual(again, [0, 0]);
    assert.deepEqual(await writes(world.agencies.us), { total: 0, distinct: 0 });
  });
});
