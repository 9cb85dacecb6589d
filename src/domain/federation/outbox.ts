import { sql, type Kysely } from "kysely";
import type { Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { notFound } from "../../errors.ts";
import { shareableBody, type MessageKind } from "../../federation/messages.ts";
import type { Actor } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { FederationTables } from "./tables.ts";

// The sending side's table. Rows are written in the transaction of the change they share (the
// audit trigger of migration 0022, or enqueueMessage below for messages no audit event carries),
// claimed by delivery workers with FOR UPDATE SKIP LOCKED, and end delivered or dead.
//
// Why not graphile-worker or pg-boss: both need LISTEN/NOTIFY on a pooled server connection and
// advisory-lock semantics across sessions, and neither runs on embedded PGlite, which has one
// connection; one SKIP LOCKED table runs on both engines, keeps the message in the same
// transaction as the change, and is all the queue federation needs.

/** Queues a message for the peer agency in the caller's transaction; returns its message id. */
export async function enqueueMessage(
  tx: Tx,
  input: { peerAgency: string; kind: MessageKind; subject: string; body: unknown; createdAt?: Date },
): Promise<string> {
  const body = shareableBody(input.kind, input.body);
  const peer = await tx
    .withTables<FederationTables>()
    .selectFrom("federation_peer")
    .select("id")
    .where("agency_code", "=", input.peerAgency)
    .where("is_active", "=", true)
    .executeTakeFirst();
  if (!peer) {
    throw notFound("federation_peer");
  }
  const row = await sql<{
    id: string;
  }>`select federation_enqueue(${peer.id}::uuid, ${input.kind}, ${input.subject}, ${JSON.stringify(body)}::jsonb, ${input.createdAt ?? null}::timestamptz) as id`.execute(
    tx,
  );
  return row.rows[0]?.id as string;
}

/** A claimed outbox row, ready to sign and send. */
export interface OutboxRow {
  id: string;
  message_id: string;
  peer_id: string;
  kind: string;
  subject: string;
  subject_seq: string;
  body: unknown;
  created_at: Date;
  attempts: number;
}

/** How long a claim holds before another worker may take the row (a worker that died mid-send). */
export const CLAIM_SECONDS = 60;

/** Claims up to `limit` due messages, oldest first, skipping what another worker holds. */
export async function claimDue(db: Kysely<DB>, limit: number): Promise<OutboxRow[]> {
  const result = await sql<OutboxRow>`
    update federation_outbox o
       set locked_until = clock_timestamp() + make_interval(secs => ${CLAIM_SECONDS}), attempts = o.attempts + 1
      from (select id from federation_outbox
             where state = 'pending' and next_attempt_at <= clock_timestamp()
               and (locked_until is null or locked_until < clock_timestamp())
             order by id
             limit ${limit}
             for update skip locked) due
     where o.id = due.id
    returning o.id, o.message_id, o.peer_id, o.kind, o.subject, o.subject_seq, o.body, o.created_at, o.attempts`.execute(
    db,
  );
  return [...result.rows].sort((a, b) => Number(a.id) - Number(b.id));
}

/** Marks messages delivered with the receiver's answer (and its reason, when it could not apply one). */
export async function markDelivered(
  db: Kysely<DB>,
  delivered: readonly { id: string; status: string; note?: string | null }[],
): Promise<void> {
  if (delivered.length === 0) {
    return;
  }
  const ids = delivered.map((d) => d.id);
  const statuses = delivered.map((d) => d.status);
  const notes = delivered.map((d) => d.note?.slice(0, 300) ?? null);
  await sql`
    update federation_outbox o
       set state = 'delivered', delivered_at = clock_timestamp(), locked_until = null, last_error = d.note, receipt_status = d.status
      from unnest(${ids}::bigint[], ${statuses}::text[], ${notes}::text[]) as d(id, status, note)
     where o.id = d.id`.execute(db);
}

export interface Backoff {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

/**
 * Sends failed messages back to wait: the delay doubles with each attempt up to the cap, and is
 * drawn between half and all of it (jitter), so that peers coming back are not hit in step.
 * After maxAttempts a message is dead: it stays for the administrator to retry.
 */
export async function markFailed(
  db: Kysely<DB>,
  failed: readonly { id: string; error: string }[],
  backoff: Backoff,
): Promise<void> {
  if (failed.length === 0) {
    return;
  }
  const ids = failed.map((f) => f.id);
  const errors = failed.map((f) => f.error.slice(0, 300));
  await sql`
    update federation_outbox o
       set locked_until = null,
           last_error = f.error,
           state = case when o.attempts >= ${backoff.maxAttempts} then 'dead' else 'pending' end,
           next_attempt_at = clock_timestamp() + make_interval(secs =>
             least(${backoff.capMs}::float8, ${backoff.baseMs}::float8 * power(2, greatest(o.attempts - 1, 0))) * (0.5 + random() / 2) / 1000.0)
      from unnest(${ids}::bigint[], ${errors}::text[]) as f(id, error)
     where o.id = f.id`.execute(db);
}

/** Puts a dead message back in the queue, with a fresh count of attempts; audited. */
export async function retryDeadLetter(db: Kysely<DB>, actor: Actor, id: string): Promise<void> {
  if (!/^\d{1,18}$/.test(id)) {
    throw notFound("federation_dead_letter");
  }
  await db.transaction().execute(async (tx) => {
    const row = await tx
      .withTables<FederationTables>()
      .updateTable("federation_outbox")
      .set({ state: "pending", attempts: 0, next_attempt_at: new Date(), locked_until: null })
      .where("id", "=", sql<string>`${id}::bigint`)
      .where("state", "=", "dead")
      .returning(["message_id", "kind", "subject"])
      .executeTakeFirst();
    if (!row) {
      throw notFound("federation_dead_letter");
    }
    await recordAudit(tx, actor, {
      action: "federation.dead_letter_retried",
      entityType: "federation_message",
      entityId: row.message_id,
      payload: { kind: row.kind, subject: row.subject },
    });
  });
}
