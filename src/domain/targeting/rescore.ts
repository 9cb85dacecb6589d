import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { activateRuleSet, type RuleSetView } from "./rule-sets.ts";
import { scorePending } from "./scoring.ts";
import { addWatchlistEntry, type WatchlistView } from "./watchlist.ts";

// Changes that make the agency's scores stale re-score what they touched before answering, so the
// API, the CLI and any job that makes the change leave the scores current in the same way.

/** Activates a rule set, then re-scores the agency's shipments under it. */
export async function activateRuleSetAndRescore(db: Kysely<DB>, clock: Clock, actor: Actor, id: string): Promise<RuleSetView> {
  const activated = await activateRuleSet(db, clock, actor, id);
  await scorePending(db, clock, actor.agencyId);
  return activated;
}

/** Adds a watchlist entry, then re-scores the agency's shipments it may concern. */
export async function addWatchlistEntryAndRescore(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  input: Parameters<typeof addWatchlistEntry>[3],
): Promise<WatchlistView> {
  const entry = await addWatchlistEntry(db, clock, actor, input);
  await scorePending(db, clock, actor.agencyId);
  return entry;
}
