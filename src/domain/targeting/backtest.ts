import type { Kysely } from "kysely";
import { withAgency, type Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { notFound } from "../../errors.ts";
import { randomSelect, scoreShipment, type CompiledRuleSet } from "../../targeting/index.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { loadFacts } from "./facts.ts";
import { activeRuleSet, compileForAgency } from "./rule-sets.ts";
import type { Backtest, SelectionStats } from "../../contract/targeting.ts";

export type { Backtest, SelectionStats } from "../../contract/targeting.ts";

const MAX_SHIPMENTS = 50_000;

async function outcomes(tx: Tx, ids: string[]): Promise<{ inspected: Set<string>; found: Set<string> }> {
  const rows = await tx
    .selectFrom("inspection_request as r")
    .leftJoin("scan as sc", "sc.request_id", "r.id")
    .select(["r.shipment_id", "r.disposition", "sc.outcome", "sc.verdict"])
    .where("r.shipment_id", "in", ids.length > 0 ? ids : ["00000000-0000-0000-0000-000000000000"])
    .execute();
  const inspected = new Set(rows.map((r) => r.shipment_id));
  const isFinding = (r: (typeof rows)[number]) =>
    r.outcome === "alarm" ||
    r.outcome === "anomaly" ||
    ["industrial", "snm", "investigate"].includes(r.verdict ?? "") ||
    ["hold", "do_not_load", "referred"].includes(r.disposition ?? "");
  const found = new Set(rows.filter(isFinding).map((r) => r.shipment_id));
  return { inspected, found };
}

function stats(flagged: string[], o: { inspected: Set<string>; found: Set<string> }): SelectionStats {
  return {
    flagged: flagged.length,
    inspected: flagged.filter((id) => o.inspected.has(id)).length,
    found: flagged.filter((id) => o.found.has(id)).length,
  };
}

/** Runs a stored rule set (usually a draft) over the last `days` of shipments without storing scores. */
export async function backtestRuleSet(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  ruleSetId: string,
  days: number,
): Promise<Backtest> {
  requireRole(actor, ["targeter", "supervisor"], "backtest rules");
  return withAgency(db, actor.agencyId, async (tx) => {
    const draftRow = await tx
      .selectFrom("rule_set")
      .select(["id", "definition"])
      .where("id", "=", ruleSetId)
      .executeTakeFirst();
    if (!draftRow) {
      throw notFound("rule_set");
    }
    const draft = await compileForAgency(tx, draftRow.definition);
    const activeRow = await activeRuleSet(tx, actor.agencyId, clock);
    const active = await compileForAgency(tx, activeRow.definition);
    const since = new Date(clock.now().getTime() - days * 86_400_000);
    const ids = (
      await tx
        .selectFrom("shipment")
        .select("id")
        .where("filed_at", ">=", since)
        .where("is_cancelled", "=", false)
        .limit(MAX_SHIPMENTS)
        .execute()
    ).map((r) => r.id);
    const flaggedBy = { draft: [] as string[], active: [] as string[], random: [] as string[] };
    const byRule = new Map<string, number>();
    const rate = draft.ruleSet.random?.rate ?? 0.05;
    const seed = draft.ruleSet.random?.seed ?? `backtest-${ruleSetId}`;
    for (let i = 0; i < ids.length; i += 1000) {
      for (const f of await loadFacts(tx, ids.slice(i, i + 1000))) {
        flagIf(flaggedBy.draft, draft, f, byRule);
        flagIf(flaggedBy.active, active, f);
        if (randomSelect(seed, f.shipmentKey, rate).selected) {
          flaggedBy.random.push(f.shipmentKey);
        }
      }
    }
    const o = await outcomes(tx, [...new Set([...flaggedBy.draft, ...flaggedBy.active, ...flaggedBy.random])]);
    return {
      days,
      shipments: ids.length,
      draft: stats(flaggedBy.draft, o),
      active: stats(flaggedBy.active, o),
      random: { ...stats(flaggedBy.random, o), rate },
      byRule: [...byRule].map(([ruleId, hits]) => ({ ruleId, hits })).sort((a, b) => b.hits - a.hits),
    };
  });
}

function flagIf(
  into: string[],
  compiled: CompiledRuleSet,
  facts: Parameters<typeof scoreShipment>[1],
  byRule?: Map<string, number>,
): void {
  const result = scoreShipment(compiled, facts);
  for (const hit of byRule ? result.hits : []) {
    byRule?.set(hit.ruleId, (byRule.get(hit.ruleId) ?? 0) + 1);
  }
  if (result.level !== "low") {
    into.push(facts.shipmentKey);
  }
}
