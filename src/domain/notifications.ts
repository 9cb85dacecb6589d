import type { ExpressionBuilder, Kysely } from "kysely";
import { withAgency, type Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { notFound } from "../errors.ts";
import { requestIsVisible } from "./access.ts";
import type { Actor, Role } from "./actor.ts";
import { recordAudit, recordSharedRead } from "./audit.ts";
import type { Clock } from "./clock.ts";
import type { NotificationParams, NotificationView } from "../contract/session.ts";

export type { NotificationParams, NotificationView } from "../contract/session.ts";

/** How many notifications one list holds at most. */
export const MAX_NOTIFICATIONS = 100;

/** A notification about no request, or about one the actor's agency still sees. */
function aboutVisibleRequest(actor: Actor) {
  return (eb: ExpressionBuilder<DB & { n: DB["notification"] }, "n">) =>
    eb.or([
      eb("n.request_id", "is", null),
      eb.exists(
        eb
          .selectFrom("inspection_request as r")
          .select("r.id")
          .whereRef("r.id", "=", "n.request_id")
          .where(requestIsVisible(actor)),
      ),
    ]);
}

function addressedTo(actor: Actor): string[] {
  return actor.roles.length > 0 ? actor.roles : ["none"];
}

/**
 * The latest notifications for the actor's agency and roles that the actor has not dismissed.
 * Those about another agency's request are a read of its data and audited as such; those about a
 * request the agency no longer sees (its agreement ended) are left out.
 */
export async function listNotifications(db: Kysely<DB>, actor: Actor, limit = 50): Promise<NotificationView[]> {
  return withAgency(db, actor.agencyId, async (tx) => {
    const rows = await tx
      .selectFrom("notification as n")
      .leftJoin("inspection_request as rq", "rq.id", "n.request_id")
      .select([
        "n.id",
        "n.kind",
        "n.request_id",
        "n.message",
        "n.params",
        "n.created_at",
        "n.read_at",
        "rq.host_agency_id",
        "rq.requesting_agency_id",
      ])
      .where("n.role", "in", addressedTo(actor))
      // About a request the agency may no longer see (its agreement ended): not shown.
      .where(aboutVisibleRequest(actor))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("notification_dismissal as d")
              .select("d.user_id")
              .whereRef("d.notification_id", "=", "n.id")
              .where("d.user_id", "=", actor.userId),
          ),
        ),
      )
      .orderBy("n.created_at", "desc")
      .orderBy("n.id", "desc")
      .limit(Math.min(limit, MAX_NOTIFICATIONS))
      .execute();
    await recordSharedRead(tx, actor, {
      action: "notifications.listed",
      entityType: "notification",
      records: rows
        .filter((r) => r.request_id && r.host_agency_id && r.requesting_agency_id)
        .map((r) => ({
          id: r.request_id as string,
          ownerAgencyId:
            r.host_agency_id === actor.agencyId ? (r.requesting_agency_id as string) : (r.host_agency_id as string),
        })),
    });
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      requestId: r.request_id,
      message: r.message,
      params: (r.params as NotificationParams | null) ?? null,
      createdAt: r.created_at.toISOString(),
      isRead: r.read_at !== null,
    }));
  });
}

/**
 * Dismisses one of the agency's notifications for the actor alone (the others it concerns still
 * see it); dismissing one twice is a no-op. Another agency's answers "not found", like a missing one.
 */
export async function dismissNotification(db: Kysely<DB>, clock: Clock, actor: Actor, id: string): Promise<void> {
  await withAgency(db, actor.agencyId, async (tx) => {
    const found = await tx
      .selectFrom("notification as n")
      .select(["n.id", "n.kind", "n.request_id"])
      .where("n.id", "=", id)
      .where("n.agency_id", "=", actor.agencyId)
      .where(aboutVisibleRequest(actor))
      .executeTakeFirst();
    if (!found) {
      throw notFound("notification");
    }
    const inserted = await tx
      .insertInto("notification_dismissal")
      .values({ notification_id: id, user_id: actor.userId, agency_id: actor.agencyId, dismissed_at: clock.now() })
      .onConflict((oc) => oc.columns(["notification_id", "user_id"]).doNothing())
      .returning("notification_id")
      .executeTakeFirst();
    if (inserted) {
      await recordAudit(tx, actor, {
        action: "notification.dismissed",
        entityType: "notification",
        entityId: id,
        payload: { kind: found.kind, requestId: found.request_id },
      });
    }
  });
}

/**
 * Addresses one notification to a role in each of the agencies, inside the caller's transaction.
 * `params` are what the screens word it with (the catalogue's `notice.<kind>`); `message` is the
 * English sentence kept for API clients.
 */
export async function notifyRole(
  tx: Tx,
  input: {
    agencyIds: string[];
    role: Role;
    kind: string;
    requestId: string | null;
    message: string;
    params?: NotificationParams;
    at: Date;
  },
): Promise<void> {
  const agencies = [...new Set(input.agencyIds)];
  if (agencies.length === 0) {
    return;
  }
  await tx
    .insertInto("notification")
    .values(
      agencies.map((agencyId) => ({
        agency_id: agencyId,
        role: input.role,
        kind: input.kind,
        request_id: input.requestId,
        message: input.message,
        params: input.params ? JSON.stringify(input.params) : null,
        created_at: input.at,
      })),
    )
    .execute();
}
