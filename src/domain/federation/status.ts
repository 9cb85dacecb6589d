import { sql, type Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { forbidden, notFound } from "../../errors.ts";
import { hasRole, type Actor } from "../actor.ts";
import { listAgreementPeers } from "./agreements.ts";
import { listPeers, nodeIdentity } from "./node.ts";
import { retryDeadLetter } from "./outbox.ts";
import { fed } from "./tables.ts";
import type { FederationStatus } from "../../contract/federation.ts";

export type { FederationStatus } from "../../contract/federation.ts";

const LIST_LIMIT = 50;

/** Only the node's own administrators see and act on its exchanges; to anyone else there is none. */
async function requireNodeAdmin(db: Kysely<DB>, actor: Actor) {
  if (!hasRole(actor, "admin")) {
    throw forbidden("Only administrators see the federation status");
  }
  const identity = await nodeIdentity(db);
  if (!identity || identity.agencyId !== actor.agencyId) {
    throw notFound("federation_node");
  }
  return identity;
}

/** Peers, keys, queue depths, lag, failing and dead messages, recent refusals. */
export async function federationStatus(db: Kysely<DB>, actor: Actor): Promise<FederationStatus> {
  const identity = await requireNodeAdmin(db, actor);
  const ft = fed(db);
  const counts = await ft
    .selectFrom("federation_outbox")
    .select([
      sql<string>`count(*) filter (where state = 'pending')`.as("pending"),
      sql<string>`count(*) filter (where state = 'dead')`.as("dead"),
      sql<string>`count(*) filter (where state = 'delivered')`.as("delivered"),
      sql<string>`count(*) filter (where state = 'pending' and attempts > 0)`.as("failing"),
      sql<Date | null>`min(created_at) filter (where state = 'pending')`.as("oldest"),
    ])
    .executeTakeFirstOrThrow();
  const inbox = await ft
    .selectFrom("federation_inbox")
    .select([
      sql<string>`count(*)`.as("received"),
      sql<string>`count(*) filter (where applied_at is null)`.as("waiting"),
      sql<string>`count(*) filter (where failure is not null)`.as("failed"),
      sql<Date | null>`max(received_at)`.as("last"),
    ])
    .executeTakeFirstOrThrow();
  const rejected = await ft
    .selectFrom("federation_rejection")
    .select(sql<string>`count(*)`.as("n"))
    .executeTakeFirstOrThrow();
  const failing = await ft
    .selectFrom("federation_outbox")
    .select(["id", "message_id", "kind", "subject", "attempts", "last_error", "next_attempt_at"])
    .where("state", "=", "pending")
    .where("attempts", ">", 0)
    .orderBy("id")
    .limit(LIST_LIMIT)
    .execute();
  const dead = await ft
    .selectFrom("federation_outbox")
    .select(["id", "message_id", "kind", "subject", "attempts", "last_error", "created_at"])
    .where("state", "=", "dead")
    .orderBy("id", "desc")
    .limit(LIST_LIMIT)
    .execute();
  const inboxFailures = await ft
    .selectFrom("federation_inbox as i")
    .innerJoin("federation_peer as p", "p.id", "i.peer_id")
    .select(["i.message_id", "p.agency_code", "i.kind", "i.subject", "i.subject_seq", "i.failure", "i.received_at"])
    .where("i.failure", "is not", null)
    .orderBy("i.applied_order", "desc")
    .limit(LIST_LIMIT)
    .execute();
  const rejections = await ft
    .selectFrom("federation_rejection")
    .select(["at", "sender", "message_id", "reason", "detail"])
    .orderBy("id", "desc")
    .limit(LIST_LIMIT)
    .execute();
  const oldest = counts.oldest ? new Date(counts.oldest) : null;
  const last = inbox.last ? new Date(inbox.last) : null;
  return {
    node: { agencyCode: identity.agencyCode, kid: identity.key.kid, publicKey: identity.publicPem },
    peers: await listPeers(db),
    outbox: {
      pending: Number(counts.pending),
      dead: Number(counts.dead),
      delivered: Number(counts.delivered),
      failing: Number(counts.failing),
      oldestPendingAt: oldest?.toISOString() ?? null,
      lagSeconds: oldest ? Math.max(0, Math.round((Date.now() - oldest.getTime()) / 1000)) : 0,
    },
    inbox: {
      received: Number(inbox.received),
      waiting: Number(inbox.waiting),
      failed: Number(inbox.failed),
      lastReceivedAt: last?.toISOString() ?? null,
      rejected: Number(rejected.n),
    },
    inboxFailures: inboxFailures.map((r) => ({
      messageId: r.message_id,
      sender: r.agency_code,
      kind: r.kind,
      subject: r.subject,
      seq: Number(r.subject_seq),
      failure: r.failure ?? "",
      receivedAt: r.received_at.toISOString(),
    })),
    agreements: await listAgreementPeers(db),
    failures: failing.map((r) => ({
      id: String(r.id),
      messageId: r.message_id,
      kind: r.kind,
      subject: r.subject,
      attempts: r.attempts,
      lastError: r.last_error,
      nextAttemptAt: r.next_attempt_at.toISOString(),
    })),
    deadLetters: dead.map((r) => ({
      id: String(r.id),
      messageId: r.message_id,
      kind: r.kind,
      subject: r.subject,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at.toISOString(),
    })),
    rejections: rejections.map((r) => ({
      at: r.at.toISOString(),
      sender: r.sender,
      messageId: r.message_id,
      reason: r.reason,
      detail: r.detail,
    })),
  };
}

/** Sends a dead message again (the node's administrators only). */
export async function retryDeadMessage(db: Kysely<DB>, actor: Actor, id: string): Promise<void> {
  await requireNodeAdmin(db, actor);
  await retryDeadLetter(db, actor, id);
}
