import { sql, type Kysely } from "kysely";
import { withAgency, type Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import type { Actor } from "../actor.ts";
import { afterCursor, decodeCursor, toPage, type Page } from "../paging.ts";
import { auditRequestRead, presentRows } from "./load.ts";
import { viewQuery } from "./repository.ts";
import type { InspectionRequestView } from "../../contract/inspection-requests.ts";
import type { RequestStatus } from "./vocabulary.ts";

/** Filters for the request list. */
export interface RequestQuery {
  limit: number;
  cursor?: string;
  status?: RequestStatus[];
  shipmentId?: string;
  /** Requests the agency hosts (to decide and scan) or made; both when absent. */
  party?: "host" | "requester";
  /** Newest first (default), or the nearest deadline first (no deadline last). */
  sort?: "requested" | "deadline";
}

/**
 * Stands in for a missing deadline, so requests without one sort after every dated one: the
 * request's `deadline_key` (migrations/0041, which writes the same constant) and a cursor's value.
 */
const NO_DEADLINE = "9999-12-31T00:00:00.000Z";

/** Lists requests the actor's agency is party to, newest first or by deadline. */
export async function listInspectionRequests(
  db: Kysely<DB>,
  actor: Actor,
  query: RequestQuery,
): Promise<Page<InspectionRequestView>> {
  const byDeadline = query.sort === "deadline";
  const cursorName = byDeadline ? "inspection-requests-deadline" : "inspection-requests";
  const after = query.cursor ? decodeCursor(query.cursor, cursorName) : null;
  return withAgency(db, actor.agencyId, async (tx) => {
    let qb = viewQuery(tx, actor);
    if (query.status && query.status.length > 0) {
      qb = qb.where("r.status", "in", query.status);
    }
    if (query.shipmentId) {
      qb = qb.where("r.shipment_id", "=", query.shipmentId);
    }
    if (query.party) {
      qb = qb.where(query.party === "host" ? "r.host_agency_id" : "r.requesting_agency_id", "=", actor.agencyId);
    }
    const deadlineKey = sql.ref<Date>("r.deadline_key");
    if (after) {
      const keyset = byDeadline
        ? { value: deadlineKey, order: "asc" as const }
        : { value: "r.requested_at", order: "desc" as const };
      qb = qb.where(afterCursor(after, { ...keyset, id: "r.id", valueType: "timestamptz", idType: "uuid" }));
    }
    const ordered = byDeadline
      ? qb.orderBy(deadlineKey, "asc").orderBy("r.id", "asc")
      : qb.orderBy("r.requested_at", "desc").orderBy("r.id", "desc");
    const rows = await ordered.limit(query.limit + 1).execute();
    const page = toPage(
      rows,
      query.limit,
      (r) => ({
        value: byDeadline ? (r.deadline?.toISOString() ?? NO_DEADLINE) : r.requested_at.toISOString(),
        id: r.id,
      }),
      cursorName,
    );
    const items = await presentRows(tx, actor, page.items);
    await auditRequestRead(tx, actor, "inspection_requests.listed", null, page.items);
    return { items, nextCursor: page.nextCursor };
  });
}

/** The requests on one shipment that the actor is party to. */
export async function listRequestsForShipment(
  tx: Tx,
  actor: Actor,
  shipmentId: string,
): Promise<InspectionRequestView[]> {
  const rows = await viewQuery(tx, actor)
    .where("r.shipment_id", "=", shipmentId)
    .orderBy("r.requested_at", "desc")
    .execute();
  return presentRows(tx, actor, rows);
}
