import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import {
  envelopeHeader,
  MAX_DELIVERY_CHARS,
  RECEIPT_TYP,
  signMessage,
  verifyReceipt,
} from "../../federation/envelope.ts";
import { MESSAGE_VERSION, shareableBody, type Message, type MessageKind } from "../../federation/messages.ts";
import type { Clock } from "../clock.ts";
import { scanEvidence } from "./evidence.ts";
import { nodeIdentity, peerKeys, type NodeIdentity } from "./node.ts";
import { claimDue, markDelivered, markFailed, type Backoff, type OutboxRow } from "./outbox.ts";
import { fed } from "./tables.ts";

// The delivery worker: claims due messages, signs each afresh (a retry carries a new sentAt, so
// the receiver's replay window bounds captured copies, not honest retries), posts them to the
// peer's inbox in one request, and settles each by its signed receipt. A message counts as
// delivered only on a receipt that verifies with the peer's pinned key and names it.

export interface DeliveryOptions extends Backoff {
  /** Messages per request to a peer. */
  batchSize: number;
  /** How long to wait for a peer's answer. */
  timeoutMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  batchSize: 100,
  timeoutMs: 15_000,
  baseMs: 1_000,
  capMs: 5 * 60_000,
  maxAttempts: 20,
};

export interface DeliveryTurn {
  claimed: number;
  delivered: number;
  failed: number;
}

/** One turn: claim, send, settle. */
export async function deliverOnce(
  db: Kysely<DB>,
  clock: Clock,
  options: DeliveryOptions = DEFAULT_DELIVERY,
): Promise<DeliveryTurn> {
  const identity = await nodeIdentity(db);
  if (!identity) {
    return { claimed: 0, delivered: 0, failed: 0 };
  }
  const rows = await claimDue(db, options.batchSize);
  const byPeer = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    byPeer.set(row.peer_id, [...(byPeer.get(row.peer_id) ?? []), row]);
  }
  const turn = { claimed: rows.length, delivered: 0, failed: 0 };
  for (const [peerId, batch] of byPeer) {
    // A body its kind's schema refuses will never be accepted: it goes to the dead letters at once.
    const shareable: (OutboxRow & { shared: Record<string, unknown> })[] = [];
    const refused: { id: string; error: string }[] = [];
    const unready: { id: string; error: string }[] = [];
    for (const row of batch) {
      let shared: Record<string, unknown>;
      try {
        shared = shareableBody(row.kind as MessageKind, typeof row.body === "string" ? JSON.parse(row.body) : row.body);
      } catch (err) {
        refused.push({ id: row.id, error: `not shareable: ${err instanceof Error ? err.message : "invalid body"}` });
        continue;
      }
      try {
        shareable.push({ ...row, shared: await withEvidence(db, clock, row.kind, shared) });
      } catch (err) {
        unready.push({ id: row.id, error: `evidence: ${err instanceof Error ? err.message : "cannot be packed"}` });
      }
    }
    await markFailed(db, refused, { ...options, maxAttempts: 0 });
    await markFailed(db, unready, options);
    const outcome =
      shareable.length > 0
        ? await sendBatch(db, clock, identity, peerId, shareable, options)
        : { delivered: [], failed: [] };
    await markDelivered(db, outcome.delivered);
    await markFailed(db, outcome.failed, options);
    turn.delivered += outcome.delivered.length;
    turn.failed += outcome.failed.length + refused.length + unready.length;
  }
  return turn;
}

/** A scan result goes with its evidence (evidence.ts), packed now from the stored scan and file. */
async function withEvidence(
  db: Kysely<DB>,
  clock: Clock,
  kind: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (kind !== "scan.result" || typeof body.scanId !== "string" || body.evidence !== undefined) {
    return body;
  }
  return { ...body, evidence: await scanEvidence(db, clock, body.scanId) };
}

async function sendBatch(
  db: Kysely<DB>,
  clock: Clock,
  identity: NodeIdentity,
  peerId: string,
  batch: readonly (OutboxRow & { shared: Record<string, unknown> })[],
  options: DeliveryOptions,
): Promise<{
  delivered: { id: string; status: string; note?: string | null }[];
  failed: { id: string; error: string }[];
}> {
  const failAll = (error: string) => ({ delivered: [], failed: batch.map((r) => ({ id: r.id, error })) });
  const peer = await fed(db)
    .selectFrom("federation_peer")
    .select(["agency_code", "url", "is_active"])
    .where("id", "=", peerId)
    .executeTakeFirst();
  if (!peer?.is_active) {
    return failAll("peer inactive");
  }
  const sentAt = clock.now().toISOString();
  const envelopes = await Promise.all(
    batch.map((row) => {
      const message: Message = {
        v: MESSAGE_VERSION,
        id: row.message_id,
        kind: row.kind as MessageKind,
        sender: identity.agencyCode,
        recipient: peer.agency_code,
        createdAt: new Date(row.created_at).toISOString(),
        sentAt,
        subject: row.subject,
        seq: Number(row.subject_seq),
        body: row.shared,
      };
      return signMessage(message, identity.key);
    }),
  );
  // Messages with evidence files are large: they go in as many posts as the peer's body limit
  // needs, in order. After a post fails the rest wait for the next attempt.
  const receipts: unknown[] = [];
  let sendError: string | null = null;
  for (const part of bySize(envelopes, MAX_DELIVERY_CHARS)) {
    const answered = await post(peer.url, part, options.timeoutMs);
    if (typeof answered === "string") {
      sendError = answered;
      break;
    }
    receipts.push(...answered.slice(0, part.length));
  }
  if (receipts.length === 0 && sendError) {
    return failAll(sendError);
  }
  const keys = await peerKeys(db, peerId, clock.now());
  const byMessage = new Map<string, { status: string; reason: string | null }>();
  for (const jws of receipts) {
    if (typeof jws !== "string") {
      continue;
    }
    const header = envelopeHeader(jws);
    const key = keys.find((k) => k.kid === header?.kid);
    if (!header || header.typ !== RECEIPT_TYP || header.sender !== peer.agency_code || !key) {
      continue;
    }
    const verified = await verifyReceipt(jws, key.key);
    if (verified.isValid && verified.value.receiver === peer.agency_code && verified.value.messageId) {
      byMessage.set(verified.value.messageId, { status: verified.value.status, reason: verified.value.reason });
    }
  }
  const delivered: { id: string; status: string; note?: string | null }[] = [];
  const failed: { id: string; error: string }[] = [];
  for (const row of batch) {
    const receipt = byMessage.get(row.message_id);
    if (!receipt) {
      failed.push({ id: row.id, error: sendError ?? "no valid receipt" });
    } else if (receipt.status === "rejected") {
      failed.push({ id: row.id, error: `rejected: ${receipt.reason ?? "no reason"}` });
    } else {
      // "failed": the peer keeps the message but could not apply it; its reason stays here too.
      delivered.push({ id: row.id, status: receipt.status, note: receipt.status === "failed" ? receipt.reason : null });
    }
  }
  return { delivered, failed };
}

/** Consecutive groups of envelopes, each within `limit` characters (one larger envelope goes alone). */
function bySize(envelopes: readonly string[], limit: number): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const jws of envelopes) {
    if (current.length > 0 && size + jws.length > limit) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(jws);
    size += jws.length + 3;
  }
  if (current.length > 0) {
    groups.push(current);
  }
  return groups;
}

/** Posts envelopes to the peer's inbox; its receipts, or why there are none. */
async function post(url: string, envelopes: readonly string[], timeoutMs: number): Promise<unknown[] | string> {
  try {
    const response = await fetch(`${url}/api/federation/inbox`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ envelopes }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      return `peer answered ${response.status}`;
    }
    const receipts = ((await response.json()) as { receipts?: unknown }).receipts;
    return Array.isArray(receipts) ? receipts : "peer answered without receipts";
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return `${err instanceof Error ? err.message : "send failed"}${cause}`;
  }
}

/** How often an idle worker looks for due messages, and how often an unfederated node checks. */
const IDLE_MS = 200;
const UNFEDERATED_MS = 5_000;

/**
 * Runs delivery turns until stopped: straight on while turns come back full, otherwise after a
 * short pause. Several processes may run it at once; SKIP LOCKED gives each its own rows.
 */
export function startFederationDelivery(
  db: Kysely<DB>,
  clock: Clock,
  onError: (err: unknown) => void,
  options: DeliveryOptions = DEFAULT_DELIVERY,
): () => Promise<void> {
  let isStopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const schedule = (ms: number) => {
    if (!isStopped) {
      timer = setTimeout(() => {
        running = tick();
      }, ms);
      timer.unref();
    }
  };
  const tick = async () => {
    let wait = IDLE_MS;
    try {
      if (!(await nodeIdentity(db))) {
        wait = UNFEDERATED_MS;
      } else {
        const turn = await deliverOnce(db, clock, options);
        wait = turn.claimed === options.batchSize && turn.failed === 0 ? 0 : IDLE_MS;
      }
    } catch (err) {
      onError(err);
      wait = UNFEDERATED_MS;
    }
    schedule(wait);
  };
  schedule(IDLE_MS);
  return async () => {
    isStopped = true;
    if (timer) {
      clearTimeout(timer);
    }
    await running;
  };
}

/** Delivery settings from the environment (FEDERATION_RETRY_BASE_MS, FEDERATION_RETRY_CAP_MS, FEDERATION_MAX_ATTEMPTS, FEDERATION_BATCH). */
export function deliveryOptionsFrom(env: NodeJS.ProcessEnv): DeliveryOptions {
  const read = (name: string, fallback: number, min: number, max: number) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value >= min && value <= max ? value : fallback;
  };
  return {
    batchSize: read("FEDERATION_BATCH", DEFAULT_DELIVERY.batchSize, 1, 200),
    timeoutMs: read("FEDERATION_TIMEOUT_MS", DEFAULT_DELIVERY.timeoutMs, 100, 120_000),
    baseMs: read("FEDERATION_RETRY_BASE_MS", DEFAULT_DELIVERY.baseMs, 10, 3_600_000),
    capMs: read("FEDERATION_RETRY_CAP_MS", DEFAULT_DELIVERY.capMs, 10, 86_400_000),
    maxAttempts: read("FEDERATION_MAX_ATTEMPTS", DEFAULT_DELIVERY.maxAttempts, 1, 1000),
  };
}
