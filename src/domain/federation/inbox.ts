import { sql, type Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { envelopeHeader, MESSAGE_TYP, signReceipt, verifyMessage, type Refusal } from "../../federation/envelope.ts";
import { checkReceivedBody, type Message, type Receipt } from "../../federation/messages.ts";
import { AppError, notFound } from "../../errors.ts";
import type { Actor } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import { applyReceived } from "./apply.ts";
import type { Clock } from "../clock.ts";
import { nodeIdentity, pinnedPeerKey, type NodeIdentity, type PinnedPeer } from "./node.ts";
import type { Tx } from "../../db/database.ts";
import type { FederationTables } from "./tables.ts";
import { MAX_ENVELOPE_CHARS, MAX_INBOX_BATCH } from "../vocabulary.ts";
import type { Reapplied } from "../../contract/federation.ts";

// The receiving side. An envelope is checked in the order that costs an attacker the most and
// this node the least: its header names a pinned key, the signature holds over the exact bytes,
// the message is addressed here, recent, and of a known shape. Then, in one transaction, it is
// stored by message id (a second copy changes nothing) and applied in its subject's order: a
// message that arrives before an earlier one of its subject waits in the inbox until the gap fills.

/** How far a message's signing time may be from this node's clock (replays outside it are refused). */
export const DEFAULT_REPLAY_WINDOW_MS = 10 * 60_000;

export interface ReceiveOptions {
  replayWindowMs?: number;
}

/** Checks, stores and applies each envelope in turn; answers one signed receipt per envelope. */
export async function receiveEnvelopes(
  db: Kysely<DB>,
  clock: Clock,
  envelopes: readonly string[],
  options: ReceiveOptions = {},
): Promise<string[] | null> {
  const identity = await nodeIdentity(db);
  if (!identity) {
    return null;
  }
  const receipts: string[] = [];
  for (const jws of envelopes.slice(0, MAX_INBOX_BATCH)) {
    const receipt = await receiveOne(db, clock, identity, jws, options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS);
    receipts.push(await signReceipt(receipt, identity.key));
  }
  return receipts;
}

async function receiveOne(
  db: Kysely<DB>,
  clock: Clock,
  identity: NodeIdentity,
  jws: string,
  windowMs: number,
): Promise<Receipt> {
  const now = clock.now();
  const answer = (
    status: Receipt["status"],
    message: { id: string; sender: string } | null,
    reason: string | null,
  ): Receipt => ({
    v: 1,
    messageId: message?.id ?? null,
    sender: message?.sender ?? null,
    receiver: identity.agencyCode,
    status,
    reason,
    at: now.toISOString(),
  });
  const refuse = async (
    refusal: Refusal,
    detail: string,
    claimed: { id?: string; sender?: string } = {},
  ): Promise<Receipt> => {
    await recordRefusal(db, identity, refusal, detail, claimed);
    const id = claimed.id && /^[0-9a-f-]{36}$/i.test(claimed.id) ? claimed.id : null;
    return answer("rejected", id && claimed.sender ? { id, sender: claimed.sender } : null, refusal);
  };

  if (jws.length > MAX_ENVELOPE_CHARS) {
    return refuse("unreadable", "envelope too large");
  }
  const header = envelopeHeader(jws);
  if (!header || header.typ !== MESSAGE_TYP) {
    return refuse("unreadable", "no EdDSA message header with kid and snd");
  }
  const peer = await pinnedPeerKey(db, header.sender, header.kid, now);
  if (!peer) {
    return refuse("unknown_key", `no valid pinned key ${header.kid.slice(0, 64)} for ${header.sender}`, {
      sender: header.sender,
    });
  }
  const verified = await verifyMessage(jws, peer.key);
  if (!verified.isValid) {
    return refuse(verified.refusal, verified.detail, { sender: header.sender });
  }
  const message = verified.value;
  const claimed = { id: message.id, sender: header.sender };
  if (message.sender !== header.sender) {
    return refuse("sender_mismatch", `signed by ${header.sender}, claims ${message.sender}`, claimed);
  }
  if (message.recipient !== identity.agencyCode) {
    return refuse("wrong_recipient", `addressed to ${message.recipient}`, claimed);
  }
  const skew = Math.abs(now.getTime() - Date.parse(message.sentAt));
  if (skew > windowMs) {
    return refuse("replay_outside_window", `signed ${Math.round(skew / 1000)} s from this node's clock`, claimed);
  }
  const body = checkReceivedBody(message.kind, message.body);
  if (!body.isValid) {
    return refuse("schema_violation", body.issue, claimed);
  }
  const outcome = await storeAndApply(db, clock, identity, peer, message, jws);
  if (outcome === "sequence_taken") {
    return refuse(
      "schema_violation",
      `sequence ${message.seq} of ${message.subject.slice(0, 80)} already holds another message`,
      claimed,
    );
  }
  if (typeof outcome === "object") {
    // A domain rule's reason goes back to the sender; an internal error's detail stays here.
    return answer(
      "failed",
      message,
      outcome.failure.startsWith("internal:") ? "internal error" : outcome.failure.slice(0, 200),
    );
  }
  return answer(outcome, message, null);
}

/** Records a refused envelope for the operator and in the audit log, in one transaction. */
async function recordRefusal(
  db: Kysely<DB>,
  identity: NodeIdentity,
  reason: Refusal,
  detail: string,
  claimed: { id?: string; sender?: string },
): Promise<void> {
  const id = claimed.id && /^[0-9a-f-]{36}$/i.test(claimed.id) ? claimed.id : null;
  await db.transaction().execute(async (tx) => {
    await tx
      .withTables<FederationTables>()
      .insertInto("federation_rejection")
      .values({ sender: claimed.sender?.slice(0, 16) ?? null, message_id: id, reason, detail: detail.slice(0, 300) })
      .execute();
    await recordAudit(tx, null, {
      action: "federation.message_rejected",
      entityType: "federation_message",
      entityId: id,
      otherAgencyIds: [identity.agencyId],
      payload: { reason, detail: detail.slice(0, 300), sender: claimed.sender?.slice(0, 16) ?? null },
    });
  });
}

/** Stores the message once and applies what its arrival makes applicable, in one transaction. */
async function storeAndApply(
  db: Kysely<DB>,
  clock: Clock,
  identity: NodeIdentity,
  peer: PinnedPeer,
  message: Message,
  jws: string,
): Promise<"applied" | "queued" | "duplicate" | "sequence_taken" | { failure: string }> {
  return db.transaction().execute(async (plain) => {
    const tx = plain.withTables<FederationTables>();
    const inserted = await tx
      .insertInto("federation_inbox")
      .values({
        message_id: message.id,
        peer_id: peer.peerId,
        kind: message.kind,
        subject: message.subject,
        subject_seq: message.seq,
        body: JSON.stringify(message.body),
        created_at: message.createdAt,
        envelope: jws,
      })
      .onConflict((oc) => oc.doNothing())
      .returning("message_id")
      .executeTakeFirst();
    if (!inserted) {
      const known = await tx
        .selectFrom("federation_inbox")
        .select("message_id")
        .where("message_id", "=", message.id)
        .executeTakeFirst();
      return known ? "duplicate" : "sequence_taken";
    }
    // One row lock per subject: two deliveries of the same subject apply one after the other.
    await tx
      .insertInto("federation_inbox_cursor")
      .values({ peer_id: peer.peerId, subject: message.subject })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const cursor = await tx
      .selectFrom("federation_inbox_cursor")
      .select("applied_seq")
      .where("peer_id", "=", peer.peerId)
      .where("subject", "=", message.subject)
      .forUpdate()
      .executeTakeFirstOrThrow();
    let applied = Number(cursor.applied_seq);
    if (message.seq !== applied + 1) {
      return "queued";
    }
    const waiting = await tx
      .selectFrom("federation_inbox")
      .select(["message_id", "kind", "subject_seq", "body"])
      .where("peer_id", "=", peer.peerId)
      .where("subject", "=", message.subject)
      .where("applied_at", "is", null)
      .orderBy("subject_seq")
      .limit(10_000)
      .execute();
    let own: string | null = null;
    for (const row of waiting) {
      if (Number(row.subject_seq) !== applied + 1) {
        break;
      }
      const failure = await applyMessage(plain, clock, identity, peer, {
        id: row.message_id,
        kind: row.kind,
        seq: applied + 1,
        subject: message.subject,
        body: row.body,
      });
      if (row.message_id === message.id) {
        own = failure;
      }
      applied += 1;
    }
    await tx
      .updateTable("federation_inbox_cursor")
      .set({ applied_seq: applied })
      .where("peer_id", "=", peer.peerId)
      .where("subject", "=", message.subject)
      .execute();
    return own === null ? "applied" : { failure: own };
  });
}

/**
 * Applies one message on this node through the domain (apply.ts), then marks it settled in the
 * inbox in its place in the node's order and records the outcome in the audit log. A message the
 * domain refuses is rolled back to the savepoint, kept with its reason and audited as failed; it
 * does not hold up later messages. Returns the reason of a failure, or null.
 */
async function applyMessage(
  plain: Tx,
  clock: Clock,
  identity: NodeIdentity,
  peer: Pick<PinnedPeer, "peerId" | "agencyCode">,
  message: { id: string; kind: string; seq: number; subject: string; body: unknown },
): Promise<string | null> {
  let failure: string | null = null;
  await sql`savepoint federation_apply`.execute(plain);
  try {
    await applyReceived(
      plain,
      { identity, peer, clock },
      { ...message, body: typeof message.body === "string" ? JSON.parse(message.body) : message.body },
    );
    await sql`release savepoint federation_apply`.execute(plain);
  } catch (err) {
    // Rolling back to the savepoint also puts back the role and agency the domain took.
    await sql`rollback to savepoint federation_apply`.execute(plain);
    failure =
      err instanceof AppError
        ? `${err.code}: ${err.message}`
        : `internal: ${err instanceof Error ? err.message : String(err)}`;
    failure = failure.slice(0, 300);
  }
  await plain
    .withTables<FederationTables>()
    .updateTable("federation_inbox")
    .set({
      applied_at: sql<Date>`clock_timestamp()`,
      applied_order: sql<string>`nextval('federation_applied_order')`,
      failure,
    })
    .where("message_id", "=", message.id)
    .execute();
  await recordAudit(plain, null, {
    action: failure === null ? "federation.message_applied" : "federation.message_failed",
    entityType: "federation_message",
    entityId: message.id,
    otherAgencyIds: [identity.agencyId],
    payload: {
      kind: message.kind,
      sender: peer.agencyCode,
      subject: message.subject,
      seq: message.seq,
      ...(failure === null ? {} : { reason: failure }),
    },
  });
  return failure;
}

export type { Reapplied } from "../../contract/federation.ts";

/**
 * Applies again a received message that was kept because it could not take effect (something it
 * refers to was not known yet, say), once an administrator has fixed the cause: through the same
 * domain functions, in one transaction with its audit event. A message that has taken effect is
 * left alone, so asking twice applies it once. Messages never settled (waiting for an earlier one
 * of their subject) and messages of another node are not found.
 */
export async function reapplyKept(db: Kysely<DB>, clock: Clock, actor: Actor, messageId: string): Promise<Reapplied> {
  const identity = await nodeIdentity(db);
  if (!identity || identity.agencyId !== actor.agencyId || !/^[0-9a-f-]{36}$/i.test(messageId)) {
    throw notFound("federation_message");
  }
  return db.transaction().execute(async (plain) => {
    const tx = plain.withTables<FederationTables>();
    const row = await tx
      .selectFrom("federation_inbox as i")
      .innerJoin("federation_peer as p", "p.id", "i.peer_id")
      .select([
        "i.message_id",
        "i.peer_id",
        "p.agency_code",
        "i.kind",
        "i.subject",
        "i.subject_seq",
        "i.body",
        "i.failure",
      ])
      .where("i.message_id", "=", messageId)
      .where("i.applied_at", "is not", null)
      .forUpdate("i")
      .executeTakeFirst();
    if (!row) {
      throw notFound("federation_message");
    }
    if (row.failure === null) {
      return { messageId, status: "applied", reason: null };
    }
    const peer = { peerId: row.peer_id, agencyCode: row.agency_code };
    let failure: string | null = null;
    await sql`savepoint federation_reapply`.execute(plain);
    try {
      await applyReceived(
        plain,
        { identity, peer, clock },
        {
          id: row.message_id,
          kind: row.kind,
          subject: row.subject,
          seq: Number(row.subject_seq),
          body: typeof row.body === "string" ? JSON.parse(row.body) : row.body,
        },
      );
      await sql`release savepoint federation_reapply`.execute(plain);
    } catch (err) {
      await sql`rollback to savepoint federation_reapply`.execute(plain);
      failure = (
        err instanceof AppError
          ? `${err.code}: ${err.message}`
          : `internal: ${err instanceof Error ? err.message : String(err)}`
      ).slice(0, 300);
    }
    await tx.updateTable("federation_inbox").set({ failure }).where("message_id", "=", messageId).execute();
    await recordAudit(plain, actor, {
      action: "federation.message_reapplied",
      entityType: "federation_message",
      entityId: messageId,
      payload: {
        kind: row.kind,
        sender: row.agency_code,
        subject: row.subject,
        seq: Number(row.subject_seq),
        previousReason: row.failure,
        ...(failure === null ? { outcome: "applied" } : { outcome: "failed", reason: failure }),
      },
    });
    return {
      messageId,
      status: failure === null ? "applied" : "failed",
      reason: failure === null ? null : failure.startsWith("internal:") ? "internal error" : failure,
    };
  });
}
