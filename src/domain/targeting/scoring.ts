import { sql, type Kysely } from "kysely";
import { withAgency, type Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { scoreShipment } from "../../targeting/index.ts";
import type { Clock } from "../clock.ts";
import { mapInSlices } from "../slices.ts";
import { loadFacts } from "./facts.ts";
import { activeRuleSet, compileForAgency } from "./rule-sets.ts";

const BATCH = 1000;

/** Which stale shipments to score: all, or only those an ingest batch wrote a version of. */
export interface ScoreScope {
  batchId?: string;
}

function inScope(scope: ScoreScope) {
  return scope.batchId === undefined
    ? sql``
    : sql`and exists (select 1 from shipment_version v where v.shipment_id = s.id and v.batch_id = ${scope.batchId})`;
}

/**
 * Scores, for one agency and with its active rules, every shipment it can see whose score is
 * missing or stale (new version of the shipment, or new rules). Returns how many it scored.
 *
 * Several scorers may run at once (server processes, an upload and the background sweep). Each
 * batch is claimed: the claims of up to BATCH stale shipments are locked FOR UPDATE SKIP LOCKED,
 * so another scorer takes the next ones, and the lock is held until the scores commit. Once the
 * claims are held the batch is read again, in a new statement, and what another scorer finished
 * in the meantime is left alone: no shipment is scored twice for the same version and rules.
 */
export async function scorePending(db: Kysely<DB>, clock: Clock, agencyId: string, scope: ScoreScope = {}): Promise<number> {
  await withAgency(db, agencyId, (tx) => addClaims(tx, agencyId, scope));
  let total = 0;
  for (;;) {
    const batch = await withAgency(db, agencyId, (tx) => scoreBatch(tx, clock, agencyId, scope));
    total += batch.scored;
    if (batch.claimed < BATCH) {
      return total;
    }
  }
}

/**
 * Claims for the shipments the agency can see that have none yet: each scorer needs a row to lock.
 * Two scorers adding the same claims wait for one another (in id order, so neither waits for the
 * other twice) only as long as this statement.
 */
async function addClaims(tx: Tx, agencyId: string, scope: ScoreScope): Promise<void> {
  await sql`
    insert into score_claim (agency_id, shipment_id)
    select ${agencyId}, s.id from shipment s
    where not s.is_cancelled
      and not exists (select 1 from score_claim c where c.agency_id = ${agencyId} and c.shipment_id = s.id)
      ${inScope(scope)}
    order by s.id
    on conflict do nothing`.execute(tx);
}

/** The stale shipments in scope (of these ids, once claimed): no score, or one of another version or rule set. */
function staleShipments(agencyId: string, ruleSetId: string, scope: ScoreScope, ids: readonly string[] | null) {
  return sql`
    from score_claim c
    join shipment s on s.id = c.shipment_id
    left join shipment_score sc on sc.shipment_id = c.shipment_id and sc.agency_id = ${agencyId}
    where c.agency_id = ${agencyId}
      and not s.is_cancelled
      and (sc.shipment_id is null or sc.rule_set_id <> ${ruleSetId} or sc.shipment_version <> s.version)
      ${ids === null ? inScope(scope) : sql`and c.shipment_id = any(${ids}::uuid[])`}`;
}

/** Claims up to BATCH stale shipments and scores those still stale once claimed. */
async function scoreBatch(tx: Tx, clock: Clock, agencyId: string, scope: ScoreScope): Promise<{ claimed: number; scored: number }> {
  const ruleSet = await activeRuleSet(tx, agencyId, clock);
  const claimed = await sql<{ shipment_id: string }>`
    select c.shipment_id ${staleShipments(agencyId, ruleSet.id, scope, null)}
    limit ${BATCH}
    for update of c skip locked`.execute(tx);
  if (claimed.rows.length === 0) {
    return { claimed: 0, scored: 0 };
  }
  // A scorer that held some of these until a moment ago may have scored them: its commit is seen
  // by this new statement, and not by the snapshot the claims were chosen from.
  const stale = await sql<{ shipment_id: string }>`
    select c.shipment_id ${staleShipments(agencyId, ruleSet.id, scope, claimed.rows.map((r) => r.shipment_id))}`.execute(tx);
  if (stale.rows.length === 0) {
    return { claimed: claimed.rows.length, scored: 0 };
  }
  const compiled = await compileForAgency(tx, ruleSet.definition);
  const facts = await loadFacts(tx, stale.rows.map((r) => r.shipment_id));
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
  return { claimed: claimed.rows.length, scored: rows.length };
}

/** Scores stale shipments in scope for every agency (the background job; after an ingest, what its batch wrote). */
export async function scoreAllAgencies(db: Kysely<DB>, clock: Clock, scope: ScoreScope = {}): Promise<number> {
  const agencies = await db.selectFrom("agency").select("id").execute();
  let total = 0;
  for (const a of agencies) {
    total += await scorePending(db, clock, a.id, scope);
  }
  return total;
}
