import { sql, type Kysely } from "kysely";
import type { Tx } from "../db/database.ts";
import { endsTransaction, inOneMessageAsAgency, isEmbedded, sqlLiteral, withAgency } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { forbidden } from "../errors.ts";
import { hasRole, type Actor } from "./actor.ts";
import { decodeCursor, toPage, type Page } from "./paging.ts";
import { auditDetails } from "./audit-details.ts";
import { MAX_EXPORT_ROWS } from "./vocabulary.ts";
import type { AuditEventView, ChainVerdict } from "../contract/audit-events.ts";

/** What happened, to what, and which agencies may read about it. */
export interface AuditInput {
  action: string;
  entityType: string;
  entityId?: string | null;
  /** Agencies concerned besides the actor's own. */
  otherAgencyIds?: string[];
  payload?: Record<string, unknown>;
}

/** Appends one event through the caller's transaction; the database chains it. */
export async function recordAudit(tx: Tx, actor: Actor | null, input: AuditInput): Promise<void> {
  const agencies = new Set<string>(input.otherAgencyIds ?? []);
  if (actor) {
    agencies.add(actor.agencyId);
  }
  await tx
    .insertInto("audit_event")
    .values({
      agency_ids: [...agencies],
      actor_user_id: actor?.userId ?? null,
      actor_agency_id: actor?.agencyId ?? null,
      action: input.action,
      entity_type: input.entityType,
      entity_id: input.entityId ?? null,
      payload: JSON.stringify(input.payload ?? {}),
    })
    .execute();
}

/** What was read of shared data, for recordSharedRead. */
export interface SharedRead {
  action: string;
  entityType: string;
  entityId?: string | null;
  records: readonly { id: string; ownerAgencyId: string }[];
  payload?: Record<string, unknown>;
}

/** One event per owning agency, naming only its records: an owner learns nothing of the others. */
function sharedReadEvents(actor: Actor, input: SharedRead): { agency_ids: string[]; payload: string }[] {
  const byOwner = new Map<string, string[]>();
  for (const record of input.records) {
    if (record.ownerAgencyId !== actor.agencyId) {
      byOwner.set(record.ownerAgencyId, [...(byOwner.get(record.ownerAgencyId) ?? []), record.id]);
    }
  }
  return [...byOwner].map(([owner, ids]) => ({
    agency_ids: [owner, actor.agencyId],
    payload: JSON.stringify({ ...input.payload, ids }),
  }));
}

/**
 * Records that the actor read another agency's data (a page of a list, a record, a plot): one
 * event naming every record shown, readable by the actor's agency and by each owner. Reading only
 * one's own data is not recorded.
 */
export async function recordSharedRead(
  tx: Tx,
  actor: Actor,
  input: SharedRead,
  /** The append is the transaction's last statement (endsTransaction). */
  endingTransaction = false,
): Promise<void> {
  const events = sharedReadEvents(actor, input);
  if (events.length === 0) {
    return;
  }
  // A read's only write is its audit event, appended here in one statement for every owner. Its
  // commit need not wait for the log to reach disk: the chain stays whole (any later change's
  // commit flushes the log up to and past it), and a crash of the database server can lose at most
  // the last fraction of a second of reads, never a change. The chain's lock, taken as the first
  // event is numbered (migrations/0001_core.sql), is held until the commit that follows this
  // statement; each page would otherwise also wait for a disk flush while holding it, so
  // concurrent readers of shared data would queue behind one another's flushes. The setting is
  // made in the same statement, before any row is written (the CTE is read first), and only when
  // the transaction has written nothing yet: a transaction that changed something keeps its full
  // durability.
  const append = sql`
    with quiet as materialized (
      select set_config('synchronous_commit', 'off', true) as setting
      where pg_current_xact_id_if_assigned() is null
    )
    insert into audit_event (agency_ids, actor_user_id, actor_agency_id, action, entity_type, entity_id, payload)
    select e.agency_ids, ${actor.userId}::uuid, ${actor.agencyId}::uuid, ${input.action}, ${input.entityType},
      ${input.entityId ?? null}, e.payload::jsonb
    from rows from (jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as (agency_ids uuid[], payload text))
      with ordinality as e(agency_ids, payload, n)
    left join quiet on true
    order by e.n`;
  await (endingTransaction ? tx.executeQuery(endsTransaction(append.compile(tx))) : append.execute(tx));
}

/**
 * recordSharedRead for a read whose own transaction has ended (it wrote nothing): the events are
 * appended in a transaction of their own that travels as one message and commits as soon as the
 * insert ends. The chain's lock is then held only while the database works, never across a round
 * trip to this process, which under load may wait for its turn on a busy event loop. The caller
 * awaits this before it shows the page, so no page is shown without its event.
 */
export async function recordSharedReadAlone(db: Kysely<DB>, actor: Actor, input: SharedRead): Promise<void> {
  const events = sharedReadEvents(actor, input);
  if (events.length === 0) {
    return;
  }
  if (isEmbedded(db)) {
    // The embedded engine takes the transaction's BEGIN, settings, the append and its COMMIT as
    // one message to its thread, and keeps the append's plan: the same one message, planned once.
    await withAgency(db, actor.agencyId, (tx) => recordSharedRead(tx, actor, input, true));
    return;
  }
  // Why the commit may skip the disk flush: see recordSharedRead.
  await inOneMessageAsAgency(
    db,
    actor.agencyId,
    `select set_config('synchronous_commit', 'off', true);
    insert into audit_event (agency_ids, actor_user_id, actor_agency_id, action, entity_type, entity_id, payload)
    select e.agency_ids, ${sqlLiteral(actor.userId)}::uuid, ${sqlLiteral(actor.agencyId)}::uuid,
      ${sqlLiteral(input.action)}, ${sqlLiteral(input.entityType)}, ${sqlLiteral(input.entityId ?? null)}, e.payload::jsonb
    from rows from (jsonb_to_recordset(${sqlLiteral(JSON.stringify(events))}::jsonb) as (agency_ids uuid[], payload text))
      with ordinality as e(agency_ids, payload, n)
    order by e.n`,
  );
}

export type { AuditEventView, ChainVerdict } from "../contract/audit-events.ts";

/** Audit actions that record a read of shared data rather than a change. */
export const READ_ACTIONS = [
  "shipments.listed",
  "shipment.viewed",
  "shipment.versions_viewed",
  "inspection_requests.listed",
  "inspection_request.viewed",
  "scan.plot_viewed",
  "file.downloaded",
  "bundle.downloaded",
  "metrics.viewed",
  "notifications.listed",
  "audit_events.exported",
] as const;

/** Filters for the audit log. */
export interface AuditQuery {
  limit: number;
  cursor?: string;
  entityType?: string;
  entityId?: string;
  action?: string;
  /** Changes only, reads only, or both. */
  kind?: "all" | "changes" | "reads";
  /** Username of the actor. */
  actor?: string;
  /** Action prefix, e.g. "inspection_request." for every step of requests. */
  actionPrefix?: string;
  /** Events from this instant on, and before `to`. */
  from?: Date;
  to?: Date;
}

function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** Lists the audit events concerning the auditor's agency, newest first, in the agency's own chain. */
export async function listAuditEvents(db: Kysely<DB>, actor: Actor, query: AuditQuery): Promise<Page<AuditEventView>> {
  if (!hasRole(actor, "auditor", "admin")) {
    throw forbidden("Only auditors and administrators read the audit log");
  }
  const after = query.cursor ? decodeCursor(query.cursor, "audit-events") : null;
  // A page walks the agency's chain from the newest link down and stops when it is full. The
  // planner cannot weigh a filter on the event's action or actor under row-level security (it
  // takes a common action, such as a read, for a rare one), and would read every event of the log
  // and sort them instead. Only a filter on the entity has an index of its own to start from.
  const isWalk = query.entityType === undefined && query.entityId === undefined;
  const rows = await withAgency(
    db,
    actor.agencyId,
    (tx) =>
      tx
        .selectFrom("audit_event as e")
        // Numbered and chained in the agency's own chain: the whole chain's numbers would count
        // the other agencies' events.
        .innerJoin("audit_agency_link as l", (join) =>
          join.onRef("l.event_seq", "=", "e.seq").on("l.agency_id", "=", actor.agencyId),
        )
        .leftJoin("app_user as u", "u.id", "e.actor_user_id")
        .leftJoin("agency as a", "a.id", "e.actor_agency_id")
        .select([
          "l.seq",
          "e.occurred_at",
          "e.action",
          "e.entity_type",
          "e.entity_id",
          "e.actor_user_id",
          "u.username",
          "a.code as agency_code",
          "e.payload",
          "l.prev_hash",
          "l.hash",
        ])
        .where("l.agency_id", "=", actor.agencyId)
        .$if(after !== null, (qb) => qb.where("l.seq", "<", sql<string>`${after?.id}::bigint`))
        .$if(query.entityType !== undefined, (qb) => qb.where("e.entity_type", "=", query.entityType as string))
        .$if(query.entityId !== undefined, (qb) => qb.where("e.entity_id", "=", query.entityId as string))
        .$if(query.action !== undefined, (qb) => qb.where("e.action", "=", query.action as string))
        .$if(query.actor !== undefined, (qb) => qb.where("u.username", "=", query.actor as string))
        .$if(query.actionPrefix !== undefined, (qb) =>
          qb.where("e.action", "like", likePrefix(query.actionPrefix as string)),
        )
        .$if(query.from !== undefined, (qb) => qb.where("e.occurred_at", ">=", query.from as Date))
        .$if(query.to !== undefined, (qb) => qb.where("e.occurred_at", "<", query.to as Date))
        .$if(query.kind === "changes", (qb) => qb.where("e.action", "not in", READ_ACTIONS))
        .$if(query.kind === "reads", (qb) => qb.where("e.action", "in", READ_ACTIONS))
        .orderBy("l.seq", "desc")
        .limit(query.limit + 1)
        .execute(),
    { orderedWalk: isWalk },
  );
  const items = rows.map((r) => ({
    seq: String(r.seq),
    occurredAt: r.occurred_at.toISOString(),
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    actorUserId: r.actor_user_id,
    actorUsername: r.username,
    actorAgencyCode: r.agency_code,
    payload: r.payload,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
  return toPage(items, query.limit, (e) => ({ value: null, id: e.seq }), "audit-events");
}

/** Recomputes every link of the agency's own chain in the database. */
export async function verifyAuditChain(db: Kysely<DB>, actor: Actor): Promise<ChainVerdict> {
  if (!hasRole(actor, "auditor", "admin")) {
    throw forbidden("Only auditors and administrators verify the audit log");
  }
  const result = await withAgency(db, actor.agencyId, (tx) =>
    sql<{ events: string; first_broken_seq: string | null }>`select * from audit_agency_chain_verify()`.execute(tx),
  );
  const row = result.rows[0];
  const firstBroken = row?.first_broken_seq ?? null;
  return { events: Number(row?.events ?? 0), firstBrokenSeq: firstBroken, isIntact: firstBroken === null };
}

export { MAX_EXPORT_ROWS } from "./vocabulary.ts";

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The filtered log as CSV (newest first, at most MAX_EXPORT_ROWS events, times in UTC to the
 * second), one value per cell; the export itself is audited.
 */
export async function exportAuditEventsCsv(
  db: Kysely<DB>,
  actor: Actor,
  query: Omit<AuditQuery, "limit" | "cursor">,
): Promise<{ csv: string; rows: number; isTruncated: boolean }> {
  const lines = ["seq,occurred_at_utc,actor,actor_agency,action,entity_type,entity_id,details,hash"];
  let cursor: string | undefined;
  let rows = 0;
  let isTruncated = false;
  for (;;) {
    const page = await listAuditEvents(db, actor, { ...query, limit: 500, cursor });
    for (const e of page.items) {
      if (rows >= MAX_EXPORT_ROWS) {
        isTruncated = true;
        break;
      }
      lines.push(
        [
          e.seq,
          `${e.occurredAt.slice(0, 19)}Z`,
          e.actorUsername ?? "system",
          e.actorAgencyCode ?? "",
          e.action,
          e.entityType,
          e.entityId ?? "",
          auditDetails(e.payload),
          e.hash,
        ]
          .map(csvCell)
          .join(","),
      );
      rows++;
    }
    if (isTruncated || !page.nextCursor) {
      break;
    }
    cursor = page.nextCursor;
  }
  await withAgency(db, actor.agencyId, (tx) =>
    recordAudit(tx, actor, {
      action: "audit_events.exported",
      entityType: "audit_event",
      payload: {
        rows,
        isTruncated,
        filters: { ...query, from: query.from?.toISOString(), to: query.to?.toISOString() },
      },
    }),
  );
  return { csv: `${lines.join("\n")}\n`, rows, isTruncated };
}
