import type { Kysely } from "kysely";
import { withAgency, type Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { notFound } from "../../errors.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import type { WatchlistView } from "../../contract/targeting.ts";

export type { WatchlistView } from "../../contract/targeting.ts";

/** The agency's active watchlist entries. */
export async function listWatchlist(db: Kysely<DB>, actor: Actor): Promise<WatchlistView[]> {
  requireRole(actor, ["targeter", "supervisor", "admin", "auditor"], "read the watchlist");
  const rows = await withAgency(db, actor.agencyId, (tx) =>
    tx
      .selectFrom("watchlist_entry")
      .select(["id", "kind", "value", "country", "reason", "created_at"])
      .where("is_active", "=", true)
      .orderBy("created_at", "desc")
      .execute(),
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as WatchlistView["kind"],
    value: r.value,
    country: r.country,
    reason: r.reason,
    createdAt: r.created_at.toISOString(),
  }));
}

/** Adds a party, vessel (IMO) or container to the agency's watchlist; rules see it on the next scoring. */
export async function addWatchlistEntry(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  input: { kind: WatchlistView["kind"]; value: string; country?: string; reason: string },
): Promise<WatchlistView> {
  requireRole(actor, ["targeter", "supervisor"], "edit the watchlist");
  return withAgency(db, actor.agencyId, async (tx) => {
    const row = await tx
      .insertInto("watchlist_entry")
      .values({
        agency_id: actor.agencyId,
        kind: input.kind,
        value: input.value,
        country: input.country ?? null,
        reason: input.reason,
        created_by: actor.userId,
        created_at: clock.now(),
      })
      .returning(["id", "kind", "value", "country", "reason", "created_at"])
      .executeTakeFirstOrThrow();
    await markScoresStale(tx, actor.agencyId);
    await recordAudit(tx, actor, {
      action: "watchlist.added",
      entityType: "watchlist_entry",
      entityId: row.id,
      payload: { kind: input.kind, value: input.value },
    });
    return {
      id: row.id,
      kind: row.kind as WatchlistView["kind"],
      value: row.value,
      country: row.country,
      reason: row.reason,
      createdAt: row.created_at.toISOString(),
    };
  });
}

/** An entry of the actor's agency, locked for a change; another agency's answers "not found". */
/** Any watchlist change can change any score: the agency's scores are marked stale for the scoring job. */
async function markScoresStale(tx: Tx, agencyId: string): Promise<void> {
  await tx.updateTable("shipment_score").set({ shipment_version: -1 }).where("agency_id", "=", agencyId).execute();
}

async function lockEntry(tx: Tx, actor: Actor, id: string) {
  const found = await tx
    .selectFrom("watchlist_entry")
    .select(["id", "kind", "value", "country", "reason", "created_at"])
    .where("id", "=", id)
    .where("agency_id", "=", actor.agencyId)
    .where("is_active", "=", true)
    .forUpdate()
    .executeTakeFirst();
  if (!found) {
    throw notFound("watchlist_entry");
  }
  return found;
}

/** Changes an entry's value, country or reason; the agency's scores are then re-computed. */
export async function updateWatchlistEntry(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  patch: { value?: string; country?: string | null; reason?: string },
): Promise<WatchlistView> {
  requireRole(actor, ["targeter", "supervisor"], "edit the watchlist");
  return withAgency(db, actor.agencyId, async (tx) => {
    const before = await lockEntry(tx, actor, id);
    const row = await tx
      .updateTable("watchlist_entry")
      .set({
        ...(patch.value !== undefined ? { value: patch.value } : {}),
        ...(patch.country !== undefined ? { country: patch.country } : {}),
        ...(patch.reason !== undefined ? { reason: patch.reason } : {}),
      })
      .where("id", "=", id)
      .returning(["id", "kind", "value", "country", "reason", "created_at"])
      .executeTakeFirstOrThrow();
    await markScoresStale(tx, actor.agencyId);
    await recordAudit(tx, actor, {
      action: "watchlist.changed",
      entityType: "watchlist_entry",
      entityId: id,
      payload: {
        kind: before.kind,
        before: { value: before.value, country: before.country, reason: before.reason },
        after: { value: row.value, country: row.country, reason: row.reason },
      },
    });
    return {
      id: row.id,
      kind: row.kind as WatchlistView["kind"],
      value: row.value,
      country: row.country,
      reason: row.reason,
      createdAt: row.created_at.toISOString(),
    };
  });
}

/** Takes an entry off the watchlist, with the reason; it stays in the record, inactive. */
export async function removeWatchlistEntry(db: Kysely<DB>, actor: Actor, id: string, reason: string): Promise<void> {
  requireRole(actor, ["targeter", "supervisor"], "edit the watchlist");
  await withAgency(db, actor.agencyId, async (tx) => {
    const before = await lockEntry(tx, actor, id);
    await tx.updateTable("watchlist_entry").set({ is_active: false }).where("id", "=", id).execute();
    await markScoresStale(tx, actor.agencyId);
    await recordAudit(tx, actor, {
      action: "watchlist.removed",
      entityType: "watchlist_entry",
      entityId: id,
      payload: { kind: before.kind, value: before.value, reason },
    });
  });
}
