import { sql, type Kysely } from "kysely";
import { withAgency, type Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { findSharingAgreement, requestIsVisible, requireRole, shipmentIsVisible } from "./access.ts";
import type { Actor } from "./actor.ts";
import { recordAudit, recordSharedRead } from "./audit.ts";
import type { Clock } from "./clock.ts";
import { PRIORITIES, type Disposition, type RequestStatus, type RequestType, type ScanType } from "./vocabulary.ts";
import { decodeCursor, toPage, type Page } from "./paging.ts";
import { clearanceFindings, type ClearanceFinding } from "./clearance-guard.ts";
import { listScans, type ScanView } from "./scans.ts";

export { DISPOSITIONS, PRIORITIES, REQUEST_STATUSES, REQUEST_TYPES, SCAN_TYPES } from "./vocabulary.ts";
export type { Disposition, RequestStatus, RequestType, ScanType } from "./vocabulary.ts";

/** An inspection request as both parties see it. */
export interface InspectionRequestView {
  id: string;
  reference: string;
  requestType: RequestType;
  reasonCodes: string[];
  legalBasis: string | null;
  decisionCode: string | null;
  scheduledFor: string | null;
  holdActive: boolean;
  escalatedAt: string | null;
  missedAt: string | null;
  missReason: string | null;
  firstResultAt: string | null;
  closedAt: string | null;
  informationResponse: string | null;
  /** True while the loading cut-off has not passed and the request is still open. */
  isOpen: boolean;
  /** Every step; a clearance against the scans' findings carries the supervisor's override. */
  timeline: { at: string; action: string; from: string | null; to: string; by: string | null; note: string | null; override: DispositionOverride | null }[];
  shipmentId: string;
  billOfLading: string;
  containerNo: string;
  status: RequestStatus;
  priority: (typeof PRIORITIES)[number];
  reason: string;
  scansRequested: ScanType[];
  agreementCode: string;
  requestingAgency: string;
  hostAgency: string;
  requestedBy: string;
  requestedAt: string;
  deadline: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  disposition: Disposition | null;
  dispositionedAt: string | null;
  /** Set when the current disposition cleared the container against its scans' findings. */
  dispositionOverride: (DispositionOverride & { by: string | null; at: string }) | null;
  /** What stands in the way of clearing with one click: a host supervisor must override these. */
  clearanceFindings: ClearanceFinding[];
  scans: ScanView[];
  cargo: RequestCargo;
}

/** A host supervisor's reason for clearing against findings, and the findings as they stood. */
export interface DispositionOverride {
  reason: string;
  findings: ClearanceFinding[];
}

/** What a targeter submits to ask for an inspection. */
export interface NewInspectionRequest {
  requestType: RequestType;
  reasonCodes: string[];
  shipmentId: string;
  containerNo: string;
  reason: string;
  priority: (typeof PRIORITIES)[number];
  scansRequested: ScanType[];
}

function viewQuery(tx: Tx, actor: Actor) {
  return tx
    .selectFrom("inspection_request as r")
    .innerJoin("shipment as s", "s.id", "r.shipment_id")
    .innerJoin("agreement as ag", "ag.id", "r.agreement_id")
    .innerJoin("agency as ra", "ra.id", "r.requesting_agency_id")
    .innerJoin("agency as ha", "ha.id", "r.host_agency_id")
    .innerJoin("app_user as ru", "ru.id", "r.requested_by")
    .leftJoin("app_user as du", "du.id", "r.decided_by")
    .where(requestIsVisible(actor))
    .select([
      "r.id",
      "r.reference",
      "r.shipment_id",
      "s.bill_of_lading",
      "r.container_no",
      "r.status",
      "r.priority",
      "r.reason",
      "r.scans_requested",
      "ag.code as agreement_code",
      "ra.code as requesting_agency",
      "r.requesting_agency_id",
      "r.host_agency_id",
      "ha.code as host_agency",
      "ru.username as requested_by",
      "r.requested_at",
      "r.deadline",
      "du.username as decided_by",
      "r.decided_at",
      "r.decision_reason",
      "r.disposition",
      "r.dispositioned_at",
      "r.request_type",
      "r.reason_codes",
      "r.legal_basis",
      "r.decision_code",
      "r.scheduled_for",
      "r.hold_active",
      "r.escalated_at",
      "r.missed_at",
      "r.miss_reason",
      "r.first_result_at",
      "r.closed_at",
      "r.information_response",
    ]);
}

type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>["execute"]>>[number];

const OPEN: string[] = ["requested", "accepted", "scheduled", "scanning", "results_recorded"];

async function timelines(tx: Tx, ids: string[]): Promise<Map<string, InspectionRequestView["timeline"]>> {
  const byRequest = new Map<string, InspectionRequestView["timeline"]>();
  if (ids.length === 0) {
    return byRequest;
  }
  const rows = await tx
    .selectFrom("request_transition as t")
    .leftJoin("app_user as u", "u.id", "t.actor_user_id")
    .leftJoin("disposition_override as o", "o.transition_id", "t.id")
    .select(["t.request_id", "t.at", "t.action", "t.from_status", "t.to_status", "u.username", "t.note", "o.reason as override_reason", "o.findings as override_findings"])
    .where("t.request_id", "in", ids)
    .orderBy("t.id")
    .execute();
  for (const r of rows) {
    const list = byRequest.get(r.request_id) ?? [];
    const override = r.override_reason === null ? null : { reason: r.override_reason, findings: (r.override_findings ?? []) as ClearanceFinding[] };
    list.push({ at: r.at.toISOString(), action: r.action, from: r.from_status, to: r.to_status, by: r.username, note: r.note, override });
    byRequest.set(r.request_id, list);
  }
  return byRequest;
}

/** The override of the latest disposition step, if that step was a clearance against findings. */
function currentOverride(timeline: InspectionRequestView["timeline"]): InspectionRequestView["dispositionOverride"] {
  const last = timeline.findLast((t) => t.action === "disposition");
  return last?.override ? { ...last.override, by: last.by, at: last.at } : null;
}

/** What is in the container and how the viewer's own rules scored it: what a decision is made on. */
export interface RequestCargo {
  goods: string | null;
  hsCode: string | null;
  /** The viewer's agency's risk score of the shipment, when its rules scored it. */
  riskScore: number | null;
  riskLevel: string | null;
  /** The rules that gave the most points, highest first. */
  topHits: { ruleId: string; weight: number; explanation: string }[];
}

/** The goods and the viewer's own score of each request's shipment (the score of another agency stays its own). */
async function cargoOf(tx: Tx, actor: Actor, shipmentIds: string[]): Promise<Map<string, RequestCargo>> {
  const ids = [...new Set(shipmentIds)];
  const out = new Map<string, RequestCargo>();
  if (ids.length === 0) {
    return out;
  }
  const rows = await tx
    .selectFrom("shipment as s")
    .leftJoin("shipment_score as sc", (j) => j.onRef("sc.shipment_id", "=", "s.id").on("sc.agency_id", "=", actor.agencyId))
    .select(["s.id", "sc.score", "sc.level", "sc.hits"])
    .select((eb) => [
      eb.selectFrom("shipment_goods as g").select("g.description").whereRef("g.shipment_id", "=", "s.id").orderBy("g.line_no").limit(1).as("description"),
      eb.selectFrom("shipment_goods as g").select("g.hs_code").whereRef("g.shipment_id", "=", "s.id").orderBy("g.line_no").limit(1).as("hs_code"),
    ])
    .where("s.id", "in", ids)
    .execute();
  for (const r of rows) {
    const hits = ((r.hits ?? []) as { ruleId: string; weight: number; explanation: string }[])
      .map((h) => ({ ruleId: h.ruleId, weight: Number(h.weight), explanation: h.explanation }))
      .sort((a, b) => b.weight - a.weight)
      .slice(0, 3);
    out.set(r.id, { goods: r.description ?? null, hsCode: r.hs_code ?? null, riskScore: r.score === null ? null : Number(r.score), riskLevel: r.level ?? null, topHits: hits });
  }
  return out;
}

async function present(tx: Tx, actor: Actor, rows: ViewRow[]): Promise<InspectionRequestView[]> {
  const ids = rows.map((r) => r.id);
  const scans = await listScans(tx, actor, ids);
  const history = await timelines(tx, ids);
  const cargo = await cargoOf(tx, actor, rows.map((r) => r.shipment_id));
  return rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    requestType: r.request_type as RequestType,
    reasonCodes: r.reason_codes,
    legalBasis: r.legal_basis,
    decisionCode: r.decision_code,
    scheduledFor: r.scheduled_for?.toISOString() ?? null,
    holdActive: r.hold_active,
    escalatedAt: r.escalated_at?.toISOString() ?? null,
    missedAt: r.missed_at?.toISOString() ?? null,
    missReason: r.miss_reason,
    firstResultAt: r.first_result_at?.toISOString() ?? null,
    closedAt: r.closed_at?.toISOString() ?? null,
    informationResponse: r.information_response,
    isOpen: OPEN.includes(r.status),
    timeline: history.get(r.id) ?? [],
    shipmentId: r.shipment_id,
    billOfLading: r.bill_of_lading,
    containerNo: r.container_no,
    status: r.status as RequestStatus,
    priority: r.priority as InspectionRequestView["priority"],
    reason: r.reason,
    scansRequested: r.scans_requested as ScanType[],
    agreementCode: r.agreement_code,
    requestingAgency: r.requesting_agency,
    hostAgency: r.host_agency,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at.toISOString(),
    deadline: r.deadline?.toISOString() ?? null,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at?.toISOString() ?? null,
    decisionReason: r.decision_reason,
    disposition: r.disposition as Disposition | null,
    dispositionedAt: r.dispositioned_at?.toISOString() ?? null,
    dispositionOverride: currentOverride(history.get(r.id) ?? []),
    clearanceFindings: clearanceFindings(scans.get(r.id) ?? []),
    scans: scans.get(r.id) ?? [],
    cargo: cargo.get(r.shipment_id) ?? { goods: null, hsCode: null, riskScore: null, riskLevel: null, topHits: [] },
  }));
}

/** Loads one request inside a transaction, or throws not-found. */
export async function loadRequest(tx: Tx, actor: Actor, id: string, options: { isAudited?: boolean } = {}): Promise<InspectionRequestView> {
  const row = await viewQuery(tx, actor).where("r.id", "=", id).executeTakeFirst();
  if (!row) {
    throw notFound("inspection_request");
  }
  const [view] = await present(tx, actor, [row]);
  if (options.isAudited) {
    await auditRequestRead(tx, actor, "inspection_request.viewed", id, [row]);
  }
  return view as InspectionRequestView;
}

/** The requests on one shipment that the actor is party to. */
export async function listRequestsForShipment(tx: Tx, actor: Actor, shipmentId: string): Promise<InspectionRequestView[]> {
  const rows = await viewQuery(tx, actor).where("r.shipment_id", "=", shipmentId).orderBy("r.requested_at", "desc").execute();
  return present(tx, actor, rows);
}

/**
 * The requesting agency's next reference for the year, e.g. IR-JPCUS-2026-000042. Each agency
 * counts its own requests, so no agency learns from its numbers how many another made; the code
 * keeps references unique across agencies. The counter row is updated in the caller's
 * transaction: a request that is not stored gives its number back, and concurrent requests wait
 * on the row's lock, so the numbers have no gaps.
 */
async function nextReference(tx: Tx, actor: Actor, now: Date): Promise<string> {
  const year = now.getUTCFullYear();
  const counter = await tx
    .insertInto("inspection_request_counter")
    .values({ agency_id: actor.agencyId, year, last_number: 1 })
    .onConflict((oc) => oc.columns(["agency_id", "year"]).doUpdateSet({ last_number: sql<number>`inspection_request_counter.last_number + 1` }))
    .returning("last_number")
    .executeTakeFirstOrThrow();
  return `IR-${actor.agencyCode}-${year}-${String(counter.last_number).padStart(6, "0")}`;
}

/** A partner targeter asks the host to inspect one container of a shared shipment. */
export async function createInspectionRequest(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  input: NewInspectionRequest,
): Promise<InspectionRequestView> {
  requireRole(actor, ["targeter", "supervisor"], "request inspections");
  return withAgency(db, actor.agencyId, async (tx) => {
    const shipment = await tx
      .selectFrom("shipment as s")
      .leftJoin("voyage as v", "v.id", "s.voyage_id")
      .select(["s.id", "s.owner_agency_id", "s.discharge_country", "s.destination_country", "s.bill_of_lading", "v.loading_cutoff", "s.etd", "s.filed_at"])
      .where(shipmentIsVisible(actor))
      .where("s.id", "=", input.shipmentId)
      .executeTakeFirst();
    if (!shipment) {
      throw notFound("shipment");
    }
    const agreement = await findSharingAgreement(tx, actor, { ...shipment, departs: shipment.etd ?? shipment.filed_at });
    if (!agreement) {
      throw invalid("inspection_request.no_agreement", "No agreement lets your agency request inspections on this shipment");
    }
    const container = await tx
      .selectFrom("shipment_container")
      .select("container_no")
      .where("shipment_id", "=", shipment.id)
      .where("container_no", "=", input.containerNo)
      .executeTakeFirst();
    if (!container) {
      throw invalid("inspection_request.unknown_container", `Container ${input.containerNo} is not on this shipment`);
    }
    const open = await tx
      .selectFrom("inspection_request")
      .select("reference")
      .where("shipment_id", "=", shipment.id)
      .where("container_no", "=", input.containerNo)
      .where("status", "in", ["requested", "accepted", "scheduled", "scanning", "results_recorded"])
      .executeTakeFirst();
    if (open) {
      throw conflict("inspection_request.already_open", `Request ${open.reference} for this container is still open`);
    }
    const now = clock.now();
    const reference = await nextReference(tx, actor, now);
    const inserted = await tx
      .insertInto("inspection_request")
      .values({
        reference,
        shipment_id: shipment.id,
        container_no: input.containerNo,
        agreement_id: agreement.id,
        requesting_agency_id: actor.agencyId,
        host_agency_id: shipment.owner_agency_id,
        status: "requested",
        request_type: input.requestType,
        reason_codes: input.reasonCodes,
        legal_basis: agreement.legal_basis,
        priority: input.priority,
        reason: input.reason,
        scans_requested: input.scansRequested,
        requested_by: actor.userId,
        requested_at: now,
        deadline: shipment.loading_cutoff,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("request_transition")
      .values({ request_id: inserted.id, from_status: null, to_status: "requested", action: "request", actor_user_id: actor.userId, note: input.reason, at: now })
      .execute();
    await recordAudit(tx, actor, {
      action: "inspection_request.created",
      entityType: "inspection_request",
      entityId: inserted.id,
      otherAgencyIds: [shipment.owner_agency_id],
      payload: { reference, requestType: input.requestType, containerNo: input.containerNo, priority: input.priority, reason: input.reason, reasonCodes: input.reasonCodes, agreement: agreement.code },
    });
    return loadRequest(tx, actor, inserted.id);
  });
}

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

/** Stands in for a missing deadline, so requests without one sort after every dated one. */
const NO_DEADLINE = "9999-12-31T00:00:00.000Z";

/** Lists requests the actor's agency is party to, newest first or by deadline. */
export async function listInspectionRequests(db: Kysely<DB>, actor: Actor, query: RequestQuery): Promise<Page<InspectionRequestView>> {
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
    const deadlineKey = sql<Date>`coalesce(r.deadline, ${NO_DEADLINE}::timestamptz)`;
    if (after && byDeadline) {
      qb = qb.where(sql<boolean>`(${deadlineKey}, r.id) > (${String(after.value)}::timestamptz, ${after.id}::uuid)`);
    } else if (after) {
      qb = qb.where(sql<boolean>`(r.requested_at, r.id) < (${String(after.value)}::timestamptz, ${after.id}::uuid)`);
    }
    const ordered = byDeadline ? qb.orderBy(deadlineKey, "asc").orderBy("r.id", "asc") : qb.orderBy("r.requested_at", "desc").orderBy("r.id", "desc");
    const rows = await ordered.limit(query.limit + 1).execute();
    const page = toPage(
      rows,
      query.limit,
      (r) => ({ value: byDeadline ? (r.deadline?.toISOString() ?? NO_DEADLINE) : r.requested_at.toISOString(), id: r.id }),
      cursorName,
    );
    const items = await present(tx, actor, page.items);
    await auditRequestRead(tx, actor, "inspection_requests.listed", null, page.items);
    return { items, nextCursor: page.nextCursor };
  });
}

/** Reads one request the actor is party to. */
export async function getInspectionRequest(db: Kysely<DB>, actor: Actor, id: string): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, (tx) => loadRequest(tx, actor, id, { isAudited: true }));
}

/** A request is shared between its two agencies: reading it is a read of the other party's data. */
async function auditRequestRead(
  tx: Tx,
  actor: Actor,
  action: string,
  entityId: string | null,
  rows: readonly { id: string; host_agency_id: string; requesting_agency_id: string }[],
): Promise<void> {
  await recordSharedRead(tx, actor, {
    action,
    entityType: "inspection_request",
    entityId,
    records: rows.map((r) => ({ id: r.id, ownerAgencyId: r.host_agency_id === actor.agencyId ? r.requesting_agency_id : r.host_agency_id })),
  });
}

/**
 * Locks the request row for a state change, so two people answering at once get one success and
 * one clear conflict instead of a lost update.
 */
export async function lockRequest(tx: Tx, actor: Actor, id: string) {
  const row = await tx
    .selectFrom("inspection_request as r")
    .selectAll("r")
    .where(requestIsVisible(actor))
    .where("r.id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) {
    throw notFound("inspection_request");
  }
  return row;
}
