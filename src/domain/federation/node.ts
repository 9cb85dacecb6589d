import type { KeyObject } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { conflict, invalid, notFound } from "../../errors.ts";
import {
  generateNodeKey,
  importPrivateKey,
  importPublicKey,
  keyId,
  type SigningKey,
} from "../../federation/envelope.ts";
import { recordAudit } from "../audit.ts";
import { fed, type FederationTables } from "./tables.ts";
import type { PeerView } from "../../contract/federation.ts";

// This node's identity (its agency and signing keys) and the peers it pins. Changed from the
// command line by the node's operator; each change is audited under the node's agency.

/** How long an old key of a peer keeps verifying after the peer pins a new one, by default. */
export const DEFAULT_OVERLAP_HOURS = 24;
const PEER_URL_MAX = 500;
const PEM_MAX = 2000;

export interface NodeIdentity {
  agencyId: string;
  agencyCode: string;
  key: SigningKey;
  publicPem: string;
}

/** Makes this node the node of `agencyCode` and gives it a signing key; idempotent. */
export async function initNode(
  db: Kysely<DB>,
  agencyCode: string,
): Promise<{ agencyCode: string; kid: string; publicPem: string; isNew: boolean }> {
  return db.transaction().execute(async (tx) => {
    const ft = tx.withTables<FederationTables>();
    const agency = await ft
      .selectFrom("agency")
      .select(["id", "code"])
      .where("code", "=", agencyCode)
      .executeTakeFirst();
    if (!agency) {
      throw notFound("agency");
    }
    const node = await ft.selectFrom("federation_node").select("agency_id").executeTakeFirst();
    if (node && node.agency_id !== agency.id) {
      throw conflict("federation.node_taken", "This node already belongs to another agency");
    }
    const current = await ft
      .selectFrom("federation_node_key")
      .select(["kid", "public_pem"])
      .where("retired_at", "is", null)
      .orderBy("created_at", "desc")
      .executeTakeFirst();
    if (node && current) {
      return { agencyCode, kid: current.kid, publicPem: current.public_pem, isNew: false };
    }
    if (!node) {
      await ft.insertInto("federation_node").values({ agency_id: agency.id }).execute();
    }
    const key = await generateNodeKey();
    await ft
      .insertInto("federation_node_key")
      .values({ kid: key.kid, public_pem: key.publicPem, private_pem: key.privatePem })
      .execute();
    await recordAudit(tx, null, {
      action: "federation.node_initialised",
      entityType: "federation_node",
      entityId: agency.id,
      otherAgencyIds: [agency.id],
      payload: { kid: key.kid },
    });
    return { agencyCode, kid: key.kid, publicPem: key.publicPem, isNew: true };
  });
}

/** Gives the node a new signing key and retires the old one; peers pin the new one with rotate-key. */
export async function rotateNodeKey(db: Kysely<DB>): Promise<{ kid: string; publicPem: string }> {
  const result = await db.transaction().execute(async (tx) => {
    const ft = tx.withTables<FederationTables>();
    const node = await ft.selectFrom("federation_node").select("agency_id").executeTakeFirst();
    if (!node) {
      throw conflict("federation.no_node", "This node has no agency yet: run `reciprocity node init` first");
    }
    const key = await generateNodeKey();
    await ft
      .updateTable("federation_node_key")
      .set({ retired_at: new Date() })
      .where("retired_at", "is", null)
      .execute();
    await ft
      .insertInto("federation_node_key")
      .values({ kid: key.kid, public_pem: key.publicPem, private_pem: key.privatePem })
      .execute();
    await recordAudit(tx, null, {
      action: "federation.node_key_rotated",
      entityType: "federation_node",
      entityId: node.agency_id,
      otherAgencyIds: [node.agency_id],
      payload: { kid: key.kid },
    });
    return { kid: key.kid, publicPem: key.publicPem };
  });
  forgetFederationKeys(db);
  return result;
}

// Caches are per database handle: a test or a tool may hold two nodes' databases in one process.
const identityCache = new WeakMap<object, { at: number; identity: NodeIdentity | null }>();
/** How long a process trusts its cached identity: a rotation from the command line shows within it. */
const IDENTITY_TTL_MS = 10_000;

/** This node's agency and current signing key, or null when the node is not federated. */
export async function nodeIdentity(db: Kysely<DB>): Promise<NodeIdentity | null> {
  const cached = identityCache.get(db);
  if (cached && Date.now() - cached.at < IDENTITY_TTL_MS) {
    return cached.identity;
  }
  const row = await fed(db)
    .selectFrom("federation_node as n")
    .innerJoin("agency as a", "a.id", "n.agency_id")
    .innerJoin("federation_node_key as k", (join) => join.on("k.retired_at", "is", null))
    .select(["n.agency_id", "a.code", "k.kid", "k.public_pem", "k.private_pem"])
    .orderBy("k.created_at", "desc")
    .executeTakeFirst();
  const identity = row
    ? {
        agencyId: row.agency_id,
        agencyCode: row.code,
        publicPem: row.public_pem,
        key: { kid: row.kid, agency: row.code, privateKey: await importPrivateKey(row.private_pem) },
      }
    : null;
  identityCache.set(db, { at: Date.now(), identity });
  return identity;
}

/** Forgets what this process cached of the node's keys and its peers' keys. */
export function forgetFederationKeys(db: Kysely<DB>): void {
  identityCache.delete(db);
  peerKeyCaches.delete(db);
}

export interface PeerInput {
  agencyCode: string;
  url: string;
  publicPem: string;
}

async function checkedKey(pem: string): Promise<{ kid: string; pem: string }> {
  if (pem.length > PEM_MAX) {
    throw invalid("federation.bad_key", "The key is too long for an Ed25519 public key");
  }
  try {
    const key = await importPublicKey(pem);
    return { kid: await keyId(key), pem: pem.trim() };
  } catch {
    throw invalid("federation.bad_key", "The key is not an Ed25519 public key in PEM (SPKI)");
  }
}

function checkedUrl(url: string): string {
  if (url.length > PEER_URL_MAX) {
    throw invalid("federation.bad_url", "The peer URL is too long");
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid("federation.bad_url", "The peer URL is not a URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw invalid("federation.bad_url", "The peer URL must be https (or http on a private network)");
  }
  return parsed.origin + parsed.pathname.replace(/\/+$/, "");
}

/** Pins a peer node: its agency (which must exist here), its base URL and its public key. */
export async function addPeer(db: Kysely<DB>, input: PeerInput): Promise<{ id: string; kid: string }> {
  const key = await checkedKey(input.publicPem);
  const url = checkedUrl(input.url);
  const result = await db.transaction().execute(async (tx) => {
    const ft = tx.withTables<FederationTables>();
    const node = await ft.selectFrom("federation_node").select("agency_id").executeTakeFirst();
    if (!node) {
      throw conflict("federation.no_node", "This node has no agency yet: run `reciprocity node init` first");
    }
    const agency = await ft.selectFrom("agency").select("id").where("code", "=", input.agencyCode).executeTakeFirst();
    if (!agency) {
      throw notFound("agency");
    }
    if (agency.id === node.agency_id) {
      throw invalid("federation.self_peer", "A node does not peer with its own agency");
    }
    const existing = await ft
      .selectFrom("federation_peer")
      .select("id")
      .where("agency_code", "=", input.agencyCode)
      .executeTakeFirst();
    if (existing) {
      throw conflict("federation.peer_exists", "This agency is already a peer: use rotate-key to pin a new key");
    }
    const peer = await ft
      .insertInto("federation_peer")
      .values({ agency_code: input.agencyCode, agency_id: agency.id, url })
      .returning("id")
      .executeTakeFirstOrThrow();
    await ft
      .insertInto("federation_peer_key")
      .values({ peer_id: peer.id, kid: key.kid, public_pem: key.pem })
      .execute();
    await recordAudit(tx, null, {
      action: "federation.peer_added",
      entityType: "federation_peer",
      entityId: peer.id,
      otherAgencyIds: [node.agency_id],
      payload: { agency: input.agencyCode, url, kid: key.kid },
    });
    return { id: peer.id, kid: key.kid };
  });
  forgetFederationKeys(db);
  return result;
}

/** Pins a peer's new key; its older keys keep verifying for `overlapHours`, then stop. */
export async function rotatePeerKey(
  db: Kysely<DB>,
  input: { agencyCode: string; publicPem: string; overlapHours?: number },
): Promise<{ kid: string; oldKeysValidUntil: string }> {
  const key = await checkedKey(input.publicPem);
  const overlapHours = input.overlapHours ?? DEFAULT_OVERLAP_HOURS;
  if (!Number.isFinite(overlapHours) || overlapHours < 0 || overlapHours > 24 * 90) {
    throw invalid("federation.bad_overlap", "The overlap is between 0 and 2160 hours");
  }
  const until = new Date(Date.now() + overlapHours * 3_600_000);
  const result = await db.transaction().execute(async (tx) => {
    const ft = tx.withTables<FederationTables>();
    const node = await ft.selectFrom("federation_node").select("agency_id").executeTakeFirstOrThrow();
    const peer = await ft
      .selectFrom("federation_peer")
      .select("id")
      .where("agency_code", "=", input.agencyCode)
      .executeTakeFirst();
    if (!peer) {
      throw notFound("federation_peer");
    }
    const known = await ft
      .selectFrom("federation_peer_key")
      .select("kid")
      .where("peer_id", "=", peer.id)
      .where("kid", "=", key.kid)
      .executeTakeFirst();
    if (known) {
      throw conflict("federation.key_pinned", "This key is already pinned for the peer");
    }
    await ft
      .updateTable("federation_peer_key")
      .set({ valid_until: until })
      .where("peer_id", "=", peer.id)
      .where((eb) => eb.or([eb("valid_until", "is", null), eb("valid_until", ">", until)]))
      .execute();
    await ft
      .insertInto("federation_peer_key")
      .values({ peer_id: peer.id, kid: key.kid, public_pem: key.pem })
      .execute();
    await recordAudit(tx, null, {
      action: "federation.peer_key_rotated",
      entityType: "federation_peer",
      entityId: peer.id,
      otherAgencyIds: [node.agency_id],
      payload: { agency: input.agencyCode, kid: key.kid, oldKeysValidUntil: until.toISOString() },
    });
    return { kid: key.kid, oldKeysValidUntil: until.toISOString() };
  });
  forgetFederationKeys(db);
  return result;
}

export type { PeerView } from "../../contract/federation.ts";

/** Every peer with its pinned keys. */
export async function listPeers(db: Kysely<DB>): Promise<PeerView[]> {
  const ft = fed(db);
  const peers = await ft
    .selectFrom("federation_peer")
    .select(["id", "agency_code", "url", "is_active"])
    .orderBy("agency_code")
    .execute();
  const keys = await ft
    .selectFrom("federation_peer_key")
    .select(["peer_id", "kid", "added_at", "valid_until"])
    .orderBy("added_at")
    .execute();
  return peers.map((p) => ({
    id: p.id,
    agencyCode: p.agency_code,
    url: p.url,
    isActive: p.is_active,
    keys: keys
      .filter((k) => k.peer_id === p.id)
      .map((k) => ({
        kid: k.kid,
        addedAt: k.added_at.toISOString(),
        validUntil: k.valid_until?.toISOString() ?? null,
      })),
  }));
}

export interface PinnedPeer {
  peerId: string;
  agencyCode: string;
  url: string;
  key: KeyObject | CryptoKey;
}

const peerKeyCaches = new WeakMap<
  object,
  Map<string, { at: number; pinned: PinnedPeer | null; validUntil: number | null }>
>();
const PEER_KEY_TTL_MS = 10_000;

/** The pinned key `kid` of the active peer `agencyCode`, if it is valid at `now`; null otherwise. */
export async function pinnedPeerKey(
  db: Kysely<DB>,
  agencyCode: string,
  kid: string,
  now: Date,
): Promise<PinnedPeer | null> {
  const cacheKey = `${agencyCode}\u0000${kid}`;
  const peerKeyCache =
    peerKeyCaches.get(db) ?? new Map<string, { at: number; pinned: PinnedPeer | null; validUntil: number | null }>();
  peerKeyCaches.set(db, peerKeyCache);
  const cached = peerKeyCache.get(cacheKey);
  if (cached && Date.now() - cached.at < PEER_KEY_TTL_MS) {
    return cached.pinned && (cached.validUntil === null || now.getTime() <= cached.validUntil) ? cached.pinned : null;
  }
  const row = await fed(db)
    .selectFrom("federation_peer as p")
    .innerJoin("federation_peer_key as k", "k.peer_id", "p.id")
    .select(["p.id", "p.agency_code", "p.url", "k.public_pem", "k.valid_until"])
    .where("p.agency_code", "=", agencyCode)
    .where("p.is_active", "=", true)
    .where("k.kid", "=", kid)
    .executeTakeFirst();
  const pinned = row
    ? { peerId: row.id, agencyCode: row.agency_code, url: row.url, key: await importPublicKey(row.public_pem) }
    : null;
  const validUntil = row?.valid_until?.getTime() ?? null;
  if (peerKeyCache.size > 1000) {
    peerKeyCache.clear();
  }
  peerKeyCache.set(cacheKey, { at: Date.now(), pinned, validUntil });
  return pinned && (validUntil === null || now.getTime() <= validUntil) ? pinned : null;
}

/** Every key of the peer valid at `now` (to verify its receipts). */
export async function peerKeys(
  db: Kysely<DB>,
  peerId: string,
  now: Date,
): Promise<{ kid: string; key: KeyObject | CryptoKey }[]> {
  const rows = await fed(db)
    .selectFrom("federation_peer_key")
    .select(["kid", "public_pem"])
    .where("peer_id", "=", peerId)
    .where((eb) => eb.or([eb("valid_until", "is", null), eb("valid_until", ">=", now)]))
    .execute();
  return Promise.all(rows.map(async (r) => ({ kid: r.kid, key: await importPublicKey(r.public_pem) })));
}
