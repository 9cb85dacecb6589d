import { createHash } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { withAgency, type Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { AppError, conflict, invalid, notFound } from "../../errors.ts";
import { findSharingAgreement } from "../access.ts";
import type { MessageBody, MessageKind } from "../../federation/messages.ts";
import type { Actor, Role } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import { storeShipments } from "../ingest/store.ts";
import type { Snapshot } from "../ingest/store.ts";
import type { CleanShipment } from "../ingest/validate.ts";
import {
  createInspectionRequest,
  decideInspectionRequest,
  DECLINE_CODES,
  DISPOSITIONS,
  dispositionInspectionRequest,
  liftHold,
  PRIORITIES,
  raiseSnmAlert,
  REQUEST_TYPES,
  recordScan,
  SCAN_OUTCOMES,
  SCAN_TYPES,
  snmAlertOf,
  withdrawInspectionRequest,
  type DeclineCode,
  type Disposition,
  type Priority,
  type RequestType,
  type ScanOutcome,
  type ScanType,
  type SnmAlert,
} from "../inspection-requests/index.ts";
import { storeFile } from "../files.ts";
import { checkEvidence, withheldNote } from "./evidence.ts";
import type { NodeIdentity, PinnedPeer } from "./node.ts";
import { recordPortalOccupancy } from "./portal.ts";
import type { FederationTables } from "./tables.ts";

// What a received message does on this node. Each kind is carried out by the domain function an
// officer's click would call — with the peer agency as the actor (its node's service account
// here), so the same rules refuse what they would refuse, and the audit log, the clock, scoring
// and live updates follow as they do for a change made here:
//
//   shipment shared / amended / withdrawn  → the shipment store, owned by the host agency
//   inspection request, withdrawal         → the host's request (this node hosts)
//   decision, scan result, disposition,
//   hold released                          → this node's copy of the request it made
//   portal occupancy                       → the host's portal data
//
// A refusal throws an AppError; the inbox keeps the message with the reason and goes on.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ApplyContext {
  identity: NodeIdentity;
  /** The sending peer (its key is not needed once the message is stored). */
  peer: Pick<PinnedPeer, "peerId" | "agencyCode">;
  /** This node's clock. */
  clock: Clock;
}

export interface ReceivedMessage {
  id: string;
  kind: string;
  subject: string;
  seq: number;
  body: unknown;
}

/**
 * A handle on the caller's transaction that domain functions may open "their" transaction on:
 * they run inside this one, so what they write commits or rolls back with the message's place in
 * the inbox. Kysely's own methods are called on the transaction itself (it keeps private state).
 */
function sharingTransaction(tx: Tx): Kysely<DB> {
  return new Proxy(tx, {
    get(target, prop) {
      if (prop === "transaction") {
        return () => ({ execute: <T>(fn: (inner: Tx) => Promise<T>) => runInside(target, fn) });
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Runs a domain function's transaction body on the caller's transaction. The agency and role it
 * takes (withAgency sets them for the rest of the transaction) are put back afterwards, so the
 * inbox goes on as the node's owner.
 */
async function runInside<T>(tx: Tx, fn: (inner: Tx) => Promise<T>): Promise<T> {
  const before = await sql<{
    role: string;
    agency: string | null;
  }>`select current_setting('role') as role, current_setting('app.agency_id', true) as agency`.execute(tx);
  const { role, agency } = before.rows[0] ?? { role: "none", agency: null };
  const result = await fn(tx);
  await sql`select set_config('role', ${role}, true), set_config('app.agency_id', ${agency ?? ""}, true)`.execute(tx);
  return result;
}

/** The peer agency's service account on this node (created once), acting with the given roles. */
async function peerActor(tx: Tx, peer: ApplyContext["peer"], roles: Role[]): Promise<Actor> {
  const agency = await tx
    .withTables<FederationTables>()
    .selectFrom("federation_peer as p")
    .innerJoin("agency as a", "a.id", "p.agency_id")
    .select(["a.id", "a.code", "a.name", "a.country"])
    .where("p.id", "=", peer.peerId)
    .executeTakeFirst();
  if (!agency) {
    throw notFound("agency");
  }
  const username = `federation.${agency.code.toLowerCase()}`;
  await tx
    .insertInto("app_user")
    .values({
      agency_id: agency.id,
      username,
      display_name: `${agency.name} (node)`,
      password_hash: "!",
      roles: [],
      site_id: null,
      is_service: true,
    })
    .onConflict((oc) => oc.column("username").doNothing())
    .execute();
  const user = await tx
    .selectFrom("app_user")
    .select(["id", "agency_id", "is_service"])
    .where("username", "=", username)
    .executeTakeFirstOrThrow();
  if (user.agency_id !== agency.id || !user.is_service) {
    throw conflict("federation.account_taken", `The name ${username} belongs to another account`);
  }
  return {
    userId: user.id,
    username,
    displayName: `${agency.name} (node)`,
    agencyId: agency.id,
    agencyCode: agency.code,
    agencyName: agency.name,
    agencyCountry: agency.country,
    roles,
    siteId: null,
  };
}

/** A clock that tells when the change was made at the sender (never later than now here). */
function clockAt(clock: Clock, occurredAt: string | undefined): Clock {
  const at = occurredAt ? Date.parse(occurredAt) : Number.NaN;
  return { now: () => new Date(Number.isFinite(at) ? Math.min(at, clock.now().getTime()) : clock.now().getTime()) };
}

function oneOf<T extends string>(values: readonly T[], value: string | null | undefined, what: string): T {
  if (value === null || value === undefined || !(values as readonly string[]).includes(value)) {
    throw invalid("federation.unknown_value", `Unknown ${what}: ${String(value).slice(0, 40)}`);
  }
  return value as T;
}

async function mappedId(
  tx: Tx,
  peerId: string,
  kind: "shipment" | "inspection_request",
  peerEntityId: string,
): Promise<string | null> {
  const row = await tx
    .withTables<FederationTables>()
    .selectFrom("federation_id_map")
    .select("local_id")
    .where("peer_id", "=", peerId)
    .where("kind", "=", kind)
    .where("peer_entity_id", "=", peerEntityId)
    .executeTakeFirst();
  return row?.local_id ?? null;
}

async function remember(
  tx: Tx,
  peerId: string,
  kind: "shipment" | "inspection_request",
  peerEntityId: string,
  localId: string,
): Promise<void> {
  await tx
    .withTables<FederationTables>()
    .insertInto("federation_id_map")
    .values({ peer_id: peerId, kind, peer_entity_id: peerEntityId, local_id: localId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * The request a step speaks of: the peer's id of a request it made (mapped when this node made
 * its copy), or this node's own id, which the peer learnt from the request it received.
 */
async function localRequest(tx: Tx, peerId: string, requestId: string): Promise<string> {
  const mapped = await mappedId(tx, peerId, "inspection_request", requestId);
  if (mapped) {
    return mapped;
  }
  if (UUID.test(requestId)) {
    const own = await tx.selectFrom("inspection_request").select("id").where("id", "=", requestId).executeTakeFirst();
    if (own) {
      return own.id;
    }
  }
  throw notFound("inspection_request");
}

/** Applies one message through the domain, inside the caller's transaction; throws when refused. */
export async function applyReceived(tx: Tx, ctx: ApplyContext, message: ReceivedMessage): Promise<void> {
  const kind = message.kind as MessageKind;
  const shared = sharingTransaction(tx);
  switch (kind) {
    case "shipment.shared":
    case "shipment.amended":
      return applyShipment(tx, ctx, kind, message.body as MessageBody<"shipment.shared">);
    case "shipment.withdrawn":
      return withdrawShipment(tx, ctx, message.body as MessageBody<"shipment.withdrawn">);
    case "inspection_request.created":
      return createRequest(tx, ctx, message.body as MessageBody<"inspection_request.created">);
    case "inspection_request.withdrawn": {
      const body = message.body as MessageBody<"inspection_request.withdrawn">;
      const actor = await peerActor(tx, ctx.peer, ["targeter"]);
      const id = await localRequest(tx, ctx.peer.peerId, body.requestId);
      await withdrawInspectionRequest(
        shared,
        clockAt(ctx.clock, body.occurredAt),
        actor,
        id,
        body.note?.trim() || "Withdrawn by the requesting agency",
      );
      return;
    }
    case "inspection_request.decided": {
      const body = message.body as MessageBody<"inspection_request.decided">;
      const actor = await peerActor(tx, ctx.peer, ["supervisor"]);
      const id = await localRequest(tx, ctx.peer.peerId, body.requestId);
      const decision = body.to === "declined" ? "decline" : body.to === "accepted" ? "accept" : null;
      if (!decision) {
        throw invalid("federation.unknown_value", `Unknown decision: ${String(body.to).slice(0, 40)}`);
      }
      await decideInspectionRequest(shared, clockAt(ctx.clock, body.occurredAt), actor, id, {
        decision,
        reasonCode:
          decision === "decline" ? oneOf<DeclineCode>(DECLINE_CODES, body.reasonCode, "decline code") : undefined,
        reason: body.note ?? undefined,
      });
      return;
    }
    case "scan.result":
      return recordResult(tx, ctx, message.body as MessageBody<"scan.result">);
    case "inspection_request.dispositioned": {
      const body = message.body as MessageBody<"inspection_request.dispositioned">;
      const actor = await peerActor(tx, ctx.peer, ["supervisor"]);
      const id = await localRequest(tx, ctx.peer.peerId, body.requestId);
      const disposition = oneOf<Disposition>(DISPOSITIONS, body.disposition, "disposition");
      await dispositionInspectionRequest(
        shared,
        clockAt(ctx.clock, body.occurredAt),
        actor,
        id,
        disposition,
        body.note ?? undefined,
        body.override,
      );
      return;
    }
    case "inspection_request.hold_released": {
      const body = message.body as MessageBody<"inspection_request.hold_released">;
      const actor = await peerActor(tx, ctx.peer, ["supervisor"]);
      const id = await localRequest(tx, ctx.peer.peerId, body.requestId);
      await liftHold(
        shared,
        clockAt(ctx.clock, body.occurredAt),
        actor,
        id,
        body.note?.trim() || "Hold released by the host",
      );
      return;
    }
    case "portal.occupancy": {
      const actor = await peerActor(tx, ctx.peer, ["scan_officer"]);
      await recordPortalOccupancy(
        shared,
        ctx.clock,
        actor,
        ctx.identity.agencyId,
        message.body as MessageBody<"portal.occupancy">,
      );
      return;
    }
    default:
      throw invalid("federation.unknown_kind", `Unknown message kind ${String(kind).slice(0, 40)}`);
  }
}

/** A batch per peer agency that its shipments are filed under on this node (never "running"). */
async function peerBatch(tx: Tx, actor: Actor, now: Date): Promise<string> {
  const fileName = `federation:${actor.agencyCode}`;
  const existing = await tx
    .selectFrom("ingest_batch")
    .select("id")
    .where("agency_id", "=", actor.agencyId)
    .where("file_name", "=", fileName)
    .where("format", "=", "federation")
    .executeTakeFirst();
  if (existing) {
    return existing.id;
  }
  const created = await tx
    .insertInto("ingest_batch")
    .values({
      agency_id: actor.agencyId,
      file_name: fileName,
      format: "federation",
      content_sha256: "0".repeat(64),
      size_bytes: 0,
      received_by: actor.userId,
      received_at: now,
      status: "completed",
      completed_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return created.id;
}

function cleanShipment(
  snapshot: Snapshot,
  key: { peer: string; shipmentId: string; version: number; kind: string },
): CleanShipment {
  const contentHash = createHash("sha256").update(JSON.stringify(snapshot)).digest("hex");
  const messageRef = `${key.peer}:${key.shipmentId}:v${key.version}`.slice(0, 200);
  return {
    ...snapshot,
    messageKey: `federation|${key.peer}|${key.shipmentId}|${key.version}|${key.kind}`,
    messageRef,
    contentHash,
  };
}

/** The shipment as the agreement lets it cross: fields it does not share stay empty here. */
function snapshotFrom(body: MessageBody<"shipment.shared">, fn: Snapshot["function"]): Snapshot {
  return {
    function: fn,
    billOfLading: body.billOfLading,
    carrierScac: body.carrierScac ?? "",
    vesselImo: body.vesselImo ?? null,
    vesselName: body.vesselName,
    voyageNo: body.voyageNumber,
    portOfLoading: body.portOfLoading,
    portOfDischarge: body.portOfDischarge,
    finalDestination: body.finalDestination ?? null,
    etd: body.departureAt ? new Date(body.departureAt).toISOString() : null,
    shipper: { name: body.shipper?.name ?? "", address: null, country: body.shipper?.country ?? null },
    consignee: { name: body.consignee?.name ?? "", address: null, country: body.consignee?.country ?? null },
    notifyName: body.notifyName ?? null,
    goods: body.goods.map((g, i) => ({
      lineNo: i + 1,
      hsCode: g.hsCode ?? "",
      description: g.description,
      packages: null,
      packageType: null,
      grossWeightKg: null,
      containerNo: null,
    })),
    containers: body.containers.map((containerNo) => ({ containerNo, sizeType: "", sealNo: null, isFull: true })),
  };
}

/** Stores the shipment through the ingest's store, as the host agency's, and maps its id. */
async function storeAsHost(
  tx: Tx,
  ctx: ApplyContext,
  actor: Actor,
  clean: CleanShipment,
  peerShipmentId: string,
  version: number,
): Promise<void> {
  const now = ctx.clock.now();
  const batchId = await peerBatch(tx, actor, now);
  const outcome = await withAgency(sharingTransaction(tx), actor.agencyId, async (inner) => {
    const stored = await storeShipments(inner, { agencyId: actor.agencyId, batchId, now }, [clean]);
    const rejected = stored.rejected[0];
    if (rejected) {
      throw invalid(
        rejected.reasons[0]?.code ?? "federation.shipment_refused",
        rejected.reasons.map((r) => r.message).join("; "),
      );
    }
    const row = await inner
      .selectFrom("shipment")
      .select("id")
      .where("owner_agency_id", "=", actor.agencyId)
      .where("bill_of_lading", "=", clean.billOfLading)
      .executeTakeFirstOrThrow();
    await recordAudit(inner, actor, {
      action: clean.function === "cancel" ? "shipment.withdrawn_by_peer" : "shipment.received",
      entityType: "shipment",
      entityId: row.id,
      otherAgencyIds: [ctx.identity.agencyId],
      payload: {
        billOfLading: clean.billOfLading,
        version,
        function: clean.function,
        inserted: stored.inserted,
        replaced: stored.replaced,
        cancelled: stored.cancelled,
      },
    });
    return row.id;
  });
  await remember(tx, ctx.peer.peerId, "shipment", peerShipmentId, outcome);
}

/**
 * A peer shares only what an agreement of this node lets it share with this node's agency: one
 * in force under which the peer's agency provides, covering where the shipment goes and when it
 * leaves. Anything else is refused, not stored.
 */
async function requireCoveringAgreement(
  tx: Tx,
  ctx: ApplyContext,
  peerActor: Actor,
  body: MessageBody<"shipment.shared">,
): Promise<void> {
  const node = await tx
    .selectFrom("agency")
    .select(["id", "code", "name", "country"])
    .where("id", "=", ctx.identity.agencyId)
    .executeTakeFirstOrThrow();
  const nodeActor: Actor = {
    userId: peerActor.userId,
    username: peerActor.username,
    displayName: peerActor.displayName,
    agencyId: node.id,
    agencyCode: node.code,
    agencyName: node.name,
    agencyCountry: node.country,
    roles: [],
    siteId: null,
  };
  const discharge = body.portOfDischarge.slice(0, 2);
  const agreement = await findSharingAgreement(tx, nodeActor, {
    owner_agency_id: peerActor.agencyId,
    discharge_country: discharge,
    destination_country: body.finalDestination?.slice(0, 2) ?? discharge,
    departs: body.departureAt ? new Date(body.departureAt) : ctx.clock.now(),
  });
  if (!agreement) {
    throw new AppError(
      403,
      "federation.not_shared",
      `No agreement in force lets ${peerActor.agencyCode} share this shipment with ${node.code}`,
    );
  }
}

async function applyShipment(
  tx: Tx,
  ctx: ApplyContext,
  kind: MessageKind,
  body: MessageBody<"shipment.shared">,
): Promise<void> {
  const actor = await peerActor(tx, ctx.peer, ["ingest"]);
  const localId = await mappedId(tx, ctx.peer.peerId, "shipment", body.shipmentId);
  if (localId) {
    const current = await tx
      .selectFrom("shipment")
      .select(["bill_of_lading"])
      .where("id", "=", localId)
      .executeTakeFirst();
    if (current && current.bill_of_lading !== body.billOfLading) {
      throw conflict(
        "federation.bill_changed",
        `The shipment was shared as B/L ${current.bill_of_lading}, not ${body.billOfLading.slice(0, 35)}`,
      );
    }
  }
  await requireCoveringAgreement(tx, ctx, actor, body);
  const fn = localId ? "replace" : "original";
  const clean = cleanShipment(snapshotFrom(body, fn), {
    peer: ctx.peer.agencyCode,
    shipmentId: body.shipmentId,
    version: body.version,
    kind,
  });
  await storeAsHost(tx, ctx, actor, clean, body.shipmentId, body.version);
}

async function withdrawShipment(tx: Tx, ctx: ApplyContext, body: MessageBody<"shipment.withdrawn">): Promise<void> {
  const actor = await peerActor(tx, ctx.peer, ["ingest"]);
  const localId = await mappedId(tx, ctx.peer.peerId, "shipment", body.shipmentId);
  const latest = localId
    ? await tx
        .selectFrom("shipment as s")
        .innerJoin("shipment_version as v", (join) =>
          join.onRef("v.shipment_id", "=", "s.id").onRef("v.version", "=", "s.version"),
        )
        .select(["s.version", "v.snapshot"])
        .where("s.id", "=", localId)
        .executeTakeFirst()
    : undefined;
  if (!latest) {
    throw notFound("shipment");
  }
  const snapshot = { ...(latest.snapshot as Snapshot), function: "cancel" as const };
  const clean = cleanShipment(snapshot, {
    peer: ctx.peer.agencyCode,
    shipmentId: body.shipmentId,
    version: latest.version + 1,
    kind: `withdrawn:${body.reason}`,
  });
  await storeAsHost(tx, ctx, actor, clean, body.shipmentId, latest.version + 1);
}

/** A partner's request reaches its host: made here as the partner made it, under the same reference. */
async function createRequest(
  tx: Tx,
  ctx: ApplyContext,
  body: MessageBody<"inspection_request.created">,
): Promise<void> {
  const actor = await peerActor(tx, ctx.peer, ["targeter"]);
  if (await mappedId(tx, ctx.peer.peerId, "inspection_request", body.requestId)) {
    throw conflict("federation.request_known", "This request was received before");
  }
  if (!body.shipmentId || !UUID.test(body.shipmentId)) {
    throw notFound("shipment");
  }
  if (!body.containerNo) {
    throw invalid("federation.no_container", "The request names no container");
  }
  const view = await createInspectionRequest(sharingTransaction(tx), clockAt(ctx.clock, body.occurredAt), actor, {
    requestType: oneOf<RequestType>(REQUEST_TYPES, body.requestType ?? "inspection", "request type"),
    reasonCodes: body.reasonCodes ?? [],
    shipmentId: body.shipmentId,
    containerNo: body.containerNo,
    reason: body.reason ?? "",
    priority: oneOf<Priority>(PRIORITIES, body.priority ?? "routine", "priority"),
    scansRequested: (body.scansRequested ?? []).map((s) => oneOf<ScanType>(SCAN_TYPES, s, "scan type")),
    // One reference on both sides of the border: the requester's, unless this node already uses it.
    // (Numbering it here and renaming it afterwards let this node's counter for the requester hand
    // a later request a number an earlier one already carried, when requests arrive out of order.)
    reference: body.reference,
  });
  await remember(tx, ctx.peer.peerId, "inspection_request", body.requestId, view.id);
}

/**
 * The host's scan, recorded on this node's copy as the host recorded it: its instrument file (from
 * the signed bundle the message carries, checked in evidence.ts) stored as the scan's file, with
 * the host's analysis, verdict and declaration check, and the alert a local scan raises when the
 * analysis finds possible special nuclear material. (An alarm or anomaly outcome notifies through
 * the scan table's trigger, as for any scan.)
 */
async function recordResult(tx: Tx, ctx: ApplyContext, body: MessageBody<"scan.result">): Promise<void> {
  const actor = await peerActor(tx, ctx.peer, ["scan_officer"]);
  const id = await localRequest(tx, ctx.peer.peerId, body.requestId);
  const evidence = body.evidence?.bundle
    ? checkEvidence({ ...body.evidence, bundle: body.evidence.bundle }, ctx.peer.agencyCode, body.scanId)
    : null;
  const withheld = body.evidence && !body.evidence.bundle ? withheldNote(body.evidence) : null;
  const before = new Set(
    (await tx.selectFrom("scan").select("id").where("request_id", "=", id).execute()).map((s) => s.id),
  );
  const at = clockAt(ctx.clock, body.occurredAt);
  const scanType = oneOf<ScanType>(SCAN_TYPES, body.scanType, "scan type");
  await recordScan(sharingTransaction(tx), at, actor, id, {
    scanType,
    outcome: oneOf<ScanOutcome>(SCAN_OUTCOMES, body.outcome, "scan outcome"),
    notes: [body.notes ?? "", withheld ?? ""].filter((n) => n.length > 0).join("\n"),
    scannedAt: at.now(),
  });
  const added = (await tx.selectFrom("scan").select("id").where("request_id", "=", id).execute())
    .map((s) => s.id)
    .filter((s) => !before.has(s));
  const scanId = added[0];
  if (!scanId) {
    return;
  }
  if (!evidence) {
    if (body.verdict || body.inconsistentWithDeclaration) {
      await tx
        .updateTable("scan")
        .set({ verdict: body.verdict ?? null, is_inconsistent: body.inconsistentWithDeclaration ?? false })
        .where("id", "=", scanId)
        .execute();
    }
    // Without the analysis (its file kept by the host) the verdict alone still alerts.
    const alert = body.verdict === "snm" ? { verdict: "snm", nuclides: [], reachBack: null } : null;
    await alertOnCopy(tx, ctx, actor, id, { id: scanId, scanType }, alert);
    return;
  }
  // The file is stored as a local scan's is; the scan row is completed by the node's owner (the
  // application role records scans but never rewrites them).
  const sha256 = await withAgency(sharingTransaction(tx), actor.agencyId, (inner) =>
    storeFile(inner, evidence.content, evidence.mediaType),
  );
  await tx
    .updateTable("scan")
    .set({
      file_sha256: sha256,
      file_name: evidence.fileName,
      analysis: evidence.analysis ? JSON.stringify(evidence.analysis) : null,
      verdict: evidence.verdict,
      is_inconsistent: evidence.isInconsistent,
      inconsistency: evidence.inconsistency,
    })
    .where("id", "=", scanId)
    .execute();
  await withAgency(sharingTransaction(tx), actor.agencyId, async (inner) => {
    await recordAudit(inner, actor, {
      action: "scan.evidence_received",
      entityType: "inspection_request",
      entityId: id,
      otherAgencyIds: [ctx.identity.agencyId],
      payload: {
        scanId,
        fileSha256: sha256,
        fileName: evidence.fileName,
        bundleId: evidence.bundleId,
        keyId: evidence.keyId,
        verdict: evidence.verdict,
      },
    });
  });
  await alertOnCopy(
    tx,
    ctx,
    actor,
    id,
    { id: scanId, scanType },
    evidence.analysis ? snmAlertOf(evidence.analysis) : null,
  );
}

/** Raises the alert a local scan's analysis raises, on this node's copy of the request. */
async function alertOnCopy(
  tx: Tx,
  ctx: ApplyContext,
  actor: Actor,
  requestId: string,
  scan: { id: string; scanType: string },
  alert: SnmAlert | null,
): Promise<void> {
  if (!alert) {
    return;
  }
  const request = await tx
    .selectFrom("inspection_request")
    .select(["id", "reference", "container_no", "host_agency_id", "requesting_agency_id"])
    .where("id", "=", requestId)
    .executeTakeFirstOrThrow();
  await withAgency(sharingTransaction(tx), actor.agencyId, (inner) =>
    raiseSnmAlert(inner, ctx.clock, actor, request, scan, alert),
  );
}
