import { sql, type Kysely } from "kysely";
import { withAgency, type Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { scoreShipment } from "../../targeting/index.ts";
import type { Clock } from "../clock.ts";
import { mapInSlices } from "../slices.ts";
import { loadFacts } from "./facts.ts";
import { activeRuleSet, compileForAgency } from "./rule-sets.ts";

const BATCH = 1000;

/**
 * What a scorer takes on. After an ingest (batchId given) it scores what is queued and stops; the
 * background job also walks the sweeps that new rules, watchlist changes and the periodic check ask
 * for. The batch itself needs no lookup: its shipments were queued as they were written.
 */
export interface ScoreScope {
  batchId?: string;
  /**
   * Wall-clock milliseconds the caller may wait. A user's request (a rule set activated, a
   * watchlist entry added) scores what it can in that time and leaves the rest of the walk to the
   * background job, so the answer comes in seconds whether the list holds a thousand shipments or a
   * million. Without it the scorer runs until nothing is queued.
   */
  budgetMs?: number;
}

/** The hand-off budget of the routes that start a re-score. */
export const USER_SCORE_BUDGET_MS = 3_000;

/**
 * Scores, for one agency and with its active rules, what is queued for it (migration 0017): new
 * and amended shipments it may list, removed scores, and the shipments a sweep found stale. Returns
 * how many it scored.
 *
 * Several scorers may run at once (server processes, an upload, the background job). Each turn
 * reads up to BATCH of the oldest requests, makes sure their shipments have a claim row, then locks
 * the claims FOR UPDATE SKIP LOCKED: a shipment another scorer holds is left to it. Under the lock
 * the requests are read again, in a new statement that sees what others committed meanwhile; the
 * scorer scores those shipments and deletes exactly those requests. A request written while it
 * scored (an amendment arriving) has not been read, stays, and is scored in the next turn.
 */
export async function scorePending(
  db: Kysely<DB>,
  clock: Clock,
  agencyId: string,
  scope: ScoreScope = {},
): Promise<number> {
  let total = 0;
  const deadline = scope.budgetMs === undefined ? Infinity : performance.now() + scope.budgetMs;
  for (;;) {
    const turn = await scoreQueued(db, clock, agencyId);
    total += turn.scored;
    if (performance.now() >= deadline) {
      return total;
    }
    if (turn.read === BATCH && turn.locked > 0) {
      continue;
    }
    if (turn.read > 0 && turn.locked === 0) {
      // Every request read belongs to shipments another scorer holds: it finishes them.
      return total;
    }
    if (scope.batchId !== undefined || !(await advanceSweep(db, clock, agencyId))) {
      return total;
    }
  }
}

/** Asks for a walk of every agency's list that queues missing and stale scores (the periodic check). */
export async function requestStaleSweeps(db: Kysely<DB>): Promise<void> {
  await sql`select score_sweep_request(id, false) from agency`.execute(db);
}

async function scoreQueued(
  db: Kysely<DB>,
  clock: Clock,
  agencyId: string,
): Promise<{ read: number; locked: number; scored: number }> {
  const queued = await withAgency(db, agencyId, async (tx) => {
    const { rows } = await sql<{ shipment_id: string }>`
      select shipment_id from score_request where agency_id = ${agencyId} order by id limit ${BATCH}`.execute(tx);
    const ids = [...new Set(rows.map((r) => r.shipment_id))].sort();
    if (ids.length > 0) {
      // Claims are written in their own short transaction, in id order, so that two scorers adding
      // the same ones wait for each other only as long as this statement.
      await sql`
        insert into score_claim (agency_id, shipment_id)
        select ${agencyId}, id from unnest(${ids}::uuid[]) as id
        on conflict do nothing`.execute(tx);
    }
    return { read: rows.length, ids };
  });
  if (queued.ids.length === 0) {
    return { read: 0, locked: 0, scored: 0 };
  }
  const done = await withAgency(db, agencyId, (tx) => scoreClaimed(tx, clock, agencyId, queued.ids));
  return { read: queued.read, ...done };
}

/** Locks the claims of these shipments that no other scorer holds, and scores those still requested. */
async function scoreClaimed(
  tx: Tx,
  clock: Clock,
  agencyId: string,
  ids: readonly string[],
): Promise<{ locked: number; scored: number }> {
  const locked = await sql<{ shipment_id: string }>`
    select shipment_id from score_claim
    where agency_id = ${agencyId} and shipment_id = any(${ids}::uuid[])
    order by shipment_id
    for update skip locked`.execute(tx);
  if (locked.rows.length === 0) {
    return { locked: 0, scored: 0 };
  }
  // Requests another scorer finished a moment ago are gone from this new statement's view.
  const requests = await sql<{ id: string; shipment_id: string }>`
    select id, shipment_id from score_request
    where agency_id = ${agencyId} and shipment_id = any(${locked.rows.map((r) => r.shipment_id)}::uuid[])`.execute(tx);
  if (requests.rows.length === 0) {
    return { locked: locked.rows.length, scored: 0 };
  }
  const scored = await scoreShipments(tx, clock, agencyId, [...new Set(requests.rows.map((r) => r.shipment_id))]);
  await sql`delete from score_request where id = any(${requests.rows.map((r) => r.id)}::bigint[])`.execute(tx);
  return { locked: locked.rows.length, scored };
}

/**
 * One step of the agency's sweep, if one is asked for and no other scorer is taking it: the next
 * BATCH shipments of its list (in id order) are checked, and those whose score is missing or stale
 * (or all of them, for a walk of every row) are queued. Returns whether there was a step to take.
 */
async function advanceSweep(db: Kysely<DB>, clock: Clock, agencyId: string): Promise<boolean> {
  return withAgency(db, agencyId, async (tx) => {
    const sweep = await sql<{ every_row: boolean; after_shipment: string | null }>`
      select every_row, after_shipment from score_sweep where agency_id = ${agencyId} for update skip locked`.execute(
      tx,
    );
    const step = sweep.rows[0];
    if (!step) {
      return false;
    }
    const chunk = await sql<{ shipment_id: string }>`
      select shipment_id from shipment_listing
      where agency_id = ${agencyId} ${step.after_shipment === null ? sql`` : sql`and shipment_id > ${step.after_shipment}`}
      order by shipment_id
      limit ${BATCH}`.execute(tx);
    const ids = chunk.rows.map((r) => r.shipment_id);
    if (ids.length > 0) {
      const ruleSet = await activeRuleSet(tx, agencyId, clock);
      await sql`
        insert into score_request (agency_id, shipment_id)
        select ${agencyId}, s.id
        from shipment s
        left join shipment_score sc on sc.shipment_id = s.id and sc.agency_id = ${agencyId}
        where s.id = any(${ids}::uuid[]) and not s.is_cancelled
          and (${step.every_row} or sc.shipment_id is null or sc.rule_set_id <> ${ruleSet.id} or sc.shipment_version <> s.version)
          -- A shipment already queued is scored anyway. This also passes over one that another
          -- scorer is scoring right now: its request stays visible until that scorer's score
          -- commits in the same transaction, so the walk never queues it a second time.
          and not exists (select 1 from score_request r where r.agency_id = ${agencyId} and r.shipment_id = s.id)`.execute(
        tx,
      );
    }
    if (ids.length < BATCH) {
      await sql`delete from score_sweep where agency_id = ${agencyId}`.execute(tx);
    } else {
      await sql`update score_sweep set after_shipment = ${ids[ids.length - 1]} where agency_id = ${agencyId}`.execute(
        tx,
      );
    }
    return true;
  });
}

/** Scores these shipments (those of them the agency can see and that are not cancelled) with its active rules. */
async function scoreShipments(tx: Tx, clock: Clock, agencyId: string, shipmentIds: string[]): Promise<number> {
  const ruleSet = await activeRuleSet(tx, agencyId, clock);
  const compiled = await compileForAgency(tx, ruleSet.definition);
  const live = await sql<{
    id: string;
  }>`select id from shipment where id = any(${shipmentIds}::uuid[]) and not is_cancelled`.execute(tx);
  const facts = await loadFacts(
    tx,
    live.rows.map((r) => r.id),
  );
  const now = clock.now();
  const rows = await mapInSlices(facts, (f) => {
    const result = scoreShipment(compiled, f);
    return {
      shipment_id: f.shipmentKey,
      agency_id: agencyId,
      rule_set_id: ruleSet.id,
      shipment_version: f.version,
      score: result.score,
      level: result.level,
      hits: JSON.stringify(result.hits),
      is_random_selected: result.random?.selected ?? false,
      scored_at: now,
    };
  });
  if (rows.length > 0) {
    await tx
      .insertInto("shipment_score")
      .values(rows)
      .onConflict((oc) =>
        oc.columns(["shipment_id", "agency_id"]).doUpdateSet((eb) => ({
          rule_set_id: eb.ref("excluded.rule_set_id"),
          shipment_version: eb.ref("excluded.shipment_version"),
          score: eb.ref("excluded.score"),
          level: eb.ref("excluded.level"),
          hits: eb.ref("excluded.hits"),
          is_random_selected: eb.ref("excluded.is_random_selected"),
          scored_at: eb.ref("excluded.scored_at"),
        })),
      )
      .execute();
  }
  return rows.length;
}

/** Scores what is queued for every agency (after an ingest), and walks the sweeps too (the background job). */
export async function scoreAllAgencies(db: Kysely<DB>, clock: Clock, scope: ScoreScope = {}): Promise<number> {
  const agencies = await db.selectFrom("agency").select("id").execute();
  let total = 0;
  for (const a of agencies) {
    total += await scorePending(db, clock, a.id, scope);
  }
  return total;
}
