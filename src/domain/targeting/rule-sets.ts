import type { Kysely } from "kysely";
import { withAgency, type Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { conflict, invalid, notFound } from "../../errors.ts";
import { getDefaultScreener } from "../../screening/index.ts";
import {
  compileRuleSet,
  RuleSetError,
  screenerLookup,
  startingRuleSetFor,
  type CompiledRuleSet,
  type TargetingDeps,
  type WatchlistLookup,
} from "../../targeting/index.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import type { RuleSetView } from "../../contract/targeting.ts";

export type { RuleSetView } from "../../contract/targeting.ts";

type RuleSetRow = {
  id: string;
  version: number;
  name: string;
  status: string;
  definition: unknown;
  created_at: Date;
  activated_at: Date | null;
};

function present(r: RuleSetRow): RuleSetView {
  const rules = (r.definition as { rules?: unknown[] }).rules ?? [];
  return {
    id: r.id,
    version: r.version,
    name: r.name,
    status: r.status as RuleSetView["status"],
    definition: r.definition,
    createdAt: r.created_at.toISOString(),
    activatedAt: r.activated_at?.toISOString() ?? null,
    ruleCount: rules.length,
  };
}

async function watchlistOf(tx: Tx): Promise<WatchlistLookup> {
  const entries = await tx
    .selectFrom("watchlist_entry")
    .select(["id", "kind", "value", "country", "reason"])
    .where("is_active", "=", true)
    .execute();
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, "");
  const index = new Map(entries.map((e) => [`${e.kind}|${norm(e.value)}`, e]));
  return (subject, key, country) => {
    const hit = index.get(`${subject}|${norm(key)}`);
    if (!hit || (hit.country && country && hit.country !== country)) {
      return undefined;
    }
    return { list: "agency watchlist", id: hit.id, reason: hit.reason };
  };
}

let partyScreen: TargetingDeps["screenParty"] | undefined;

/** Compiles a definition with the agency's watchlist and the shipped screening lists; 400 with every issue when invalid. */
export async function compileForAgency(tx: Tx, definition: unknown): Promise<CompiledRuleSet> {
  partyScreen ??= screenerLookup(getDefaultScreener());
  try {
    return compileRuleSet(definition, { watchlist: await watchlistOf(tx), screenParty: partyScreen });
  } catch (err) {
    if (err instanceof RuleSetError) {
      throw invalid("rule_set.invalid", err.message, { issues: err.issues });
    }
    throw err;
  }
}

/**
 * The agency's active rule set, created on first use from the shipped starting set for its country (the host's U.S.
 * export rules, the partner's Japan-bound rules). Two scorers that
 * start together both find none; the second's insert waits for the first's and then reads its row.
 */
export async function activeRuleSet(tx: Tx, agencyId: string, clock: Clock): Promise<RuleSetRow> {
  const findActive = () =>
    tx
      .selectFrom("rule_set")
      .select(["id", "version", "name", "status", "definition", "created_at", "activated_at"])
      .where("agency_id", "=", agencyId)
      .where("status", "=", "active")
      .executeTakeFirst();
  const active = await findActive();
  if (active) {
    return active;
  }
  const agency = await tx.selectFrom("agency").select("country").where("id", "=", agencyId).executeTakeFirstOrThrow();
  const { name, definition } = startingRuleSetFor(agency);
  const now = clock.now();
  const created = await tx
    .insertInto("rule_set")
    .values({
      agency_id: agencyId,
      version: 1,
      name,
      definition: JSON.stringify(definition),
      status: "active",
      created_at: now,
      activated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning(["id", "version", "name", "status", "definition", "created_at", "activated_at"])
    .executeTakeFirst();
  const row = created ?? (await findActive());
  if (!row) {
    throw new Error(`agency ${agencyId} has rule sets but none active`);
  }
  return row;
}

/** Every version of the actor's agency's rules, newest first. */
export async function listRuleSets(db: Kysely<DB>, clock: Clock, actor: Actor): Promise<RuleSetView[]> {
  requireRole(actor, ["targeter", "supervisor", "admin", "auditor"], "read rule sets");
  return withAgency(db, actor.agencyId, async (tx) => {
    await activeRuleSet(tx, actor.agencyId, clock);
    const rows = await tx
      .selectFrom("rule_set")
      .select(["id", "version", "name", "status", "definition", "created_at", "activated_at"])
      .orderBy("version", "desc")
      .execute();
    return rows.map(present);
  });
}

/** Saves a new draft version after checking that it compiles. */
export async function createRuleSet(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  input: { name: string; definition: unknown },
): Promise<RuleSetView> {
  requireRole(actor, ["targeter", "supervisor"], "write rules");
  return withAgency(db, actor.agencyId, async (tx) => {
    await compileForAgency(tx, input.definition);
    await activeRuleSet(tx, actor.agencyId, clock);
    const last = await tx
      .selectFrom("rule_set")
      .select((eb) => eb.fn.max("version").as("v"))
      .executeTakeFirst();
    const row = await tx
      .insertInto("rule_set")
      .values({
        agency_id: actor.agencyId,
        version: Number(last?.v ?? 0) + 1,
        name: input.name,
        definition: JSON.stringify(input.definition),
        status: "draft",
        created_by: actor.userId,
        created_at: clock.now(),
      })
      .returning(["id", "version", "name", "status", "definition", "created_at", "activated_at"])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, {
      action: "rule_set.created",
      entityType: "rule_set",
      entityId: row.id,
      payload: { version: row.version, name: row.name },
    });
    return present(row);
  });
}

/** Makes a draft the active rule set (the previous one is retired); shipments are then re-scored. */
export async function activateRuleSet(db: Kysely<DB>, clock: Clock, actor: Actor, id: string): Promise<RuleSetView> {
  requireRole(actor, ["supervisor"], "activate rules");
  return withAgency(db, actor.agencyId, async (tx) => {
    const draft = await tx
      .selectFrom("rule_set")
      .select(["id", "status", "version", "definition"])
      .where("id", "=", id)
      .forUpdate()
      .executeTakeFirst();
    if (!draft) {
      throw notFound("rule_set");
    }
    if (draft.status !== "draft") {
      throw conflict(
        "rule_set.not_draft",
        `Version ${draft.version} is ${draft.status}; only a draft can be activated`,
      );
    }
    await compileForAgency(tx, draft.definition);
    await tx.updateTable("rule_set").set({ status: "retired" }).where("status", "=", "active").execute();
    const row = await tx
      .updateTable("rule_set")
      .set({ status: "active", activated_at: clock.now(), activated_by: actor.userId })
      .where("id", "=", id)
      .returning(["id", "version", "name", "status", "definition", "created_at", "activated_at"])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, {
      action: "rule_set.activated",
      entityType: "rule_set",
      entityId: id,
      payload: { version: row.version },
    });
    return present(row);
  });
}
