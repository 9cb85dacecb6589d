import { sql, type Kysely } from "kysely";
import { withAgency } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import type { Actor } from "./actor.ts";

/** A change the browser should react to: what happened to which record. */
export interface ChangeEvent {
  seq: string;
  action: string;
  entityType: string;
  entityId: string | null;
  occurredAt: string;
}

// Live updates read the audit log: every change writes an event there in its own transaction, the
// log is ordered, and row-level security already limits it to what the agency may know about.

/** The newest audit sequence number the actor's agency can see ("0" when none). */
export async function latestEventSeq(db: Kysely<DB>, actor: Actor): Promise<string> {
  const row = await withAgency(db, actor.agencyId, (tx) =>
    tx
      .selectFrom("audit_event")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .executeTakeFirst(),
  );
  return String(row?.seq ?? "0");
}

/** How many changes one read returns at most; a full page means there may be more. */
export const CHANGE_PAGE = 200;

/**
 * The newest sequence number of the whole log, whoever may read it ("0" when empty). For the
 * server's own bookkeeping (has anything changed?), never shown to a user.
 */
export async function newestLogSeq(db: Kysely<DB>): Promise<string> {
  const { rows } = await sql<{ seq: string }>`select coalesce(max(seq), 0)::text as seq from audit_event`.execute(db);
  return rows[0]?.seq ?? "0";
}

/** Changes after `seq` visible to the actor's agency, oldest first. */
export async function changesSince(
  db: Kysely<DB>,
  actor: Pick<Actor, "agencyId">,
  seq: string,
  limit = CHANGE_PAGE,
): Promise<ChangeEvent[]> {
  const rows = await withAgency(db, actor.agencyId, (tx) =>
    tx
      .selectFrom("audit_event")
      .select(["seq", "action", "entity_type", "entity_id", "occurred_at"])
      .where("seq", ">", sql<string>`${seq}::bigint`)
      .where("action", "not like", "session.%")
      .orderBy("seq")
      .limit(limit)
      .execute(),
  );
  return rows.map((r) => ({
    seq: String(r.seq),
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    occurredAt: r.occurred_at.toISOString(),
  }));
}
