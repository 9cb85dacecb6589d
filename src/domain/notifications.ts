import type { Kysely } from "kysely";
import { withAgency, type Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import type { Actor, Role } from "./actor.ts";

/** An in-app notification addressed to one of the actor's roles. */
export interface NotificationView {
  id: string;
  kind: string;
  requestId: string | null;
  message: string;
  createdAt: string;
  isRead: boolean;
}

/** The latest notifications for the actor's agency and roles. */
export async function listNotifications(db: Kysely<DB>, actor: Actor, limit = 50): Promise<NotificationView[]> {
  const rows = await withAgency(db, actor.agencyId, (tx) =>
    tx
      .selectFrom("notification")
      .select(["id", "kind", "request_id", "message", "created_at", "read_at"])
      .where("role", "in", actor.roles.length > 0 ? actor.roles : ["none"])
      .orderBy("created_at", "desc")
      .limit(limit)
      .execute(),
  );
  return rows.map((r) => ({ id: r.id, kind: r.kind, requestId: r.request_id, message: r.message, createdAt: r.created_at.toISOString(), isRead: r.read_at !== null }));
}

/** Addresses one notification to a role in each of the agencies, inside the caller's transaction. */
export async function notifyRole(tx: Tx, input: { agencyIds: string[]; role: Role; kind: string; requestId: string | null; message: string; at: Date }): Promise<void> {
  const agencies = [...new Set(input.agencyIds)];
  if (agencies.length === 0) {
    return;
  }
  await tx
    .insertInto("notification")
    .values(agencies.map((agencyId) => ({ agency_id: agencyId, role: input.role, kind: input.kind, request_id: input.requestId, message: input.message, created_at: input.at })))
    .execute();
}
