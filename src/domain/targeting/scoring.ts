import type { Kysely } from "kysely";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { scoreShipment } from "../../targeting/index.ts";
import type { Clock } from "../clock.ts";
import { mapInSlices } from "../slices.ts";
import { loadFacts } from "./facts.ts";
import { activeRuleSet, compileForAgency } from "./rule-sets.ts";

const BATCH = 1000;

/**
 * Scores, for one agency and with its active rules, every shipment it can see whose score is
 * missing or stale (new version of the shipment, or new rules). Returns how many were scored.
 */
export async function scorePending(db: Kysely<DB>, clock: Clock, agencyId: string): Promise<number> {
  let total = 0;
  for (;;) {
    const scored = await withAgency(db, agencyId, async (tx) => {
      const ruleSet = await activeRuleSet(tx, agencyId, clock);
      const stale = await tx
        .selectFrom("shipment as s")
        .leftJoin("shipment_score as sc", (join) => join.onRef("sc.shipment_id", "=", "s.id").on("sc.agency_id", "=", agencyId))
        .select("s.id")
        .where((eb) => eb.or([eb("sc.shipment_id", "is", null), eb("sc.rule_set_id", "<>", ruleSet.id), eb("sc.shipment_version", "<>", eb.ref("s.version"))]))
        .where("s.is_cancelled", "=", false)
        .limit(BATCH)
        .execute();
      if (stale.length === 0) {
        return 0;
      }
      const compiled = await compileForAgency(tx, ruleSet.definition);
      const facts = await loadFacts(tx, stale.map((r) => r.id));
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
      return rows.length;
    });
    total += scored;
    if (scored < BATCH) {
      return total;
    }
  }
}

/** Scores stale shipments for every agency (the background job; also run after ingest). */
export async function scoreAllAgencies(db: Kysely<DB>, clock: Clock): Promise<number> {
  const agencies = await db.selectFrom("agency").select("id").execute();
  let total = 0;
  for (const a of agencies) {
    total += await scorePending(db, clock, a.id);
  }
  return total;
}
