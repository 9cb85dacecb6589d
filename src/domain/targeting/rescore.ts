import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { activateRuleSet, type RuleSetView } from "./rule-sets.ts";
import { scorePending, USER_SCORE_BUDGET_MS } from "./scoring.ts";
import { addWatchlistEntry, removeWatchlistEntry, updateWatchlistEntry, type WatchlistView } from "./watchlist.ts";

// Changes that make the agency's scores stale re-score what they touched before answering, for as
// long as a user should wait (USER_SCORE_BUDGET_MS): a small list is current when the answer comes,
// and the rest of a large one is left queued for the background job.

/** Activates a rule set, then re-scores the agency's shipments under it (within the budget). */
export async function activateRuleSetAndRescore(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
): Promise<RuleSetView> {
  const activated = await activateRuleSet(db, clock, actor, id);
  await scorePending(db, clock, actor.agencyId, { budgetMs: USER_SCORE_BUDGET_MS });
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
  await scorePending(db, clock, actor.agencyId, { budgetMs: USER_SCORE_BUDGET_MS });
  return entry;
}

/** Changes a watchlist entry, then re-scores the agency's shipments. */
export async function updateWatchlistEntryAndRescore(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
  patch: Parameters<typeof updateWatchlistEntry>[3],
): Promise<WatchlistView> {
  const entry = await updateWatchlistEntry(db, actor, id, patch);
  await scorePending(db, clock, actor.agencyId, { budgetMs: USER_SCORE_BUDGET_MS });
  return entry;
}

/** Takes an entry off the watchlist, then re-scores the agency's shipments. */
export async function removeWatchlistEntryAndRescore(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
  reason: string,
): Promise<void> {
  await removeWatchlistEntry(db, actor, id, reason);
  await scorePending(db, clock, actor.agencyId, { budgetMs: USER_SCORE_BUDGET_MS });
}
