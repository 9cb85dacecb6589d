import type { Kysely, Updateable } from "kysely";
import { withAgency, type Tx } from "../db/database.ts";
import type { DB, InspectionRequestTable } from "../db/schema.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { isSharedWithRequester, requestIsVisible } from "./access.ts";
import { hasRole, type Actor, type Role } from "./actor.ts";
import { recordAudit } from "./audit.ts";
import type { Clock } from "./clock.ts";
import { checkClearance, clearanceFindings, type ClearanceOverride } from "./clearance-guard.ts";
import { lockRequest, loadRequest, type InspectionRequestView, type RequestStatus } from "./inspection-requests.ts";
import { notifyRole } from "./notifications.ts";
import { listScans } from "./scans.ts";
import { DECLINE_CODES, type Disposition } from "./vocabulary.ts";

// The one state machine of an inspection request. Every change of status goes through
// `transition`, which checks who may do it and from where, and records it with its audit event.

/** Who may act: the host that inspects, or the agency that asked. */
type Side = "host" | "requester";

interface Rule {
  from: RequestStatus[];
  to: RequestStatus | null;
  side: Side;
  roles: Role[];
}

/** Every action on a request and the states it may start from; `to: null` keeps the status. */
export const RULES = {
  accept: { from: ["requested"], to: "accepted", side: "host", roles: ["supervisor"] },
  decline: { from: ["requested"], to: "declined", side: "host", roles: ["supervisor"] },
  withdraw: { from: ["requested", "accepted", "scheduled"], to: "withdrawn", side: "requester", roles: ["targeter", "supervisor"] },
  schedule: { from: ["accepted", "scheduled"], to: "scheduled", side: "host", roles: ["supervisor", "scan_officer"] },
  start_scan: { from: ["accepted", "scheduled"], to: "scanning", side: "host", roles: ["scan_officer", "supervisor"] },
  record_result: { from: ["accepted", "scheduled", "scanning", "results_recorded"], to: "results_recorded", side: "host", roles: ["scan_officer", "supervisor"] },
  disposition: { from: ["results_recorded", "dispositioned"], to: "dispositioned", side: "host", roles: ["scan_officer", "supervisor"] },
  lift_hold: { from: ["accepted", "scheduled", "scanning", "results_recorded", "dispositioned"], to: null, side: "host", roles: ["supervisor"] },
  close: { from: ["results_recorded", "dispositioned"], to: "closed", side: "host", roles: ["supervisor"] },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof RULES;

/** The audit log's name for each action. */
const AUDIT_ACTION: Record<Action, string> = {
  accept: "inspection_request.accepted",
  decline: "inspection_request.declined",
  withdraw: "inspection_request.withdrawn",
  schedule: "inspection_request.scheduled",
  start_scan: "inspection_request.scanning",
  record_result: "scan.recorded",
  disposition: "inspection_request.dispositioned",
  lift_hold: "inspection_request.hold_lifted",
  close: "inspection_request.closed",
};

export { DECLINE_CODES, REASON_CODES } from "./vocabulary.ts";

/** Statuses in which a request still waits for the host. */
export const OPEN_STATUSES: RequestStatus[] = ["requested", "accepted", "scheduled", "scanning", "results_recorded"];

type Locked = Awaited<ReturnType<typeof lockRequest>>;

/** Checks the rule for `action` against the locked request and the actor; throws the right error. */
function check(actor: Actor, request: Locked, action: Action): Rule {
  const rule: Rule = RULES[action];
  const agencyId = rule.side === "host" ? request.host_agency_id : request.requesting_agency_id;
  if (actor.agencyId !== agencyId) {
    throw forbidden(rule.side === "host" ? "Only the host agency does this" : "Only the requesting agency does this");
  }
  if (!hasRole(actor, ...rule.roles)) {
    throw forbidden(`Only ${rule.roles.join(" or ")} may ${action.replace("_", " ")}`);
  }
  if (!(rule.from as readonly string[]).includes(request.status)) {
    if ((action === "accept" || action === "decline") && request.status !== "requested") {
      throw conflict("inspection_request.already_decided", `The request is already ${request.status}`);
    }
    throw conflict("inspection_request.invalid_transition", `A ${request.status.replace("_", " ")} request cannot take "${action.replace("_", " ")}"`);
  }
  return rule;
}

/**
 * Checks, without changing anything, that the actor may take `action` on the request as it stands:
 * run before an upload is read or analysed, so that forbidden work costs nothing. The transition
 * checks again under its lock.
 */
export async function assertMayAct(db: Kysely<DB>, actor: Actor, requestId: string, action: Action): Promise<void> {
  await withAgency(db, actor.agencyId, async (tx) => {
    const request = await tx.selectFrom("inspection_request as r").selectAll("r").where(requestIsVisible(actor)).where("r.id", "=", requestId).executeTakeFirst();
    if (!request) {
      throw notFound("inspection_request");
    }
    check(actor, request, action);
  });
}

/**
 * Applies one action inside the caller's transaction: lock, check, update, transition row, audit.
 * `patch` carries the columns the action sets besides the status.
 */
export async function transition(
  tx: Tx,
  clock: Clock,
  actor: Actor,
  requestId: string,
  action: Action,
  options: { note?: string | null; patch?: Updateable<InspectionRequestTable>; payload?: Record<string, unknown>; locked?: Locked } = {},
): Promise<Locked & { transitionId: string }> {
  const request = options.locked ?? (await lockRequest(tx, actor, requestId));
  const rule = check(actor, request, action);
  const now = clock.now();
  const to = rule.to ?? request.status;
  await tx
    .updateTable("inspection_request")
    .set({ ...options.patch, status: to, updated_at: now })
    .where("id", "=", requestId)
    .execute();
  const step = await tx
    .insertInto("request_transition")
    .values({ request_id: requestId, from_status: request.status, to_status: to, action, actor_user_id: actor.userId, note: options.note ?? null, at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  // The requester reads about the change only while the agreement still shares the shipment.
  const isHost = actor.agencyId === request.host_agency_id;
  const others = !isHost ? [request.host_agency_id] : (await isSharedWithRequester(tx, requestId)) ? [request.requesting_agency_id] : [];
  await recordAudit(tx, actor, {
    action: AUDIT_ACTION[action],
    entityType: "inspection_request",
    entityId: requestId,
    otherAgencyIds: others,
    payload: { reference: request.reference, from: request.status, to, note: options.note ?? null, ...options.payload },
  });
  return { ...request, status: to, transitionId: String(step.id) };
}

/** The host supervisor's answer: accept, or decline with a reason code and text. */
export interface Decision {
  decision: "accept" | "decline";
  reasonCode?: (typeof DECLINE_CODES)[number];
  reason?: string;
}

/** A host supervisor accepts or declines a request that still awaits a decision. */
export async function decideInspectionRequest(db: Kysely<DB>, clock: Clock, actor: Actor, id: string, input: Decision): Promise<InspectionRequestView> {
  const reason = input.reason?.trim() ?? "";
  if (input.decision === "decline" && (reason.length === 0 || !input.reasonCode)) {
    throw invalid("inspection_request.reason_required", "A decline needs a reason code and a reason");
  }
  return withAgency(db, actor.agencyId, async (tx) => {
    const locked = await lockRequest(tx, actor, id);
    const now = clock.now();
    const isHoldRequest = locked.request_type === "hold";
    await transition(tx, clock, actor, id, input.decision, {
      locked,
      note: reason || null,
      patch: {
        decided_by: actor.userId,
        decided_at: now,
        decision_reason: reason || null,
        decision_code: input.decision === "decline" ? input.reasonCode : null,
        // A do-not-load request holds the container from the moment the host accepts it.
        hold_active: input.decision === "accept" && isHoldRequest,
      },
      payload: { reason: reason || null, reasonCode: input.reasonCode ?? null },
    });
    return loadRequest(tx, actor, id);
  });
}

/** The requester takes a request back before it is scanned. */
export async function withdrawInspectionRequest(db: Kysely<DB>, clock: Clock, actor: Actor, id: string, reason: string): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    await transition(tx, clock, actor, id, "withdraw", { note: reason, patch: { hold_active: false } });
    return loadRequest(tx, actor, id);
  });
}

/** The host plans when the container will be scanned. */
export async function scheduleInspection(db: Kysely<DB>, clock: Clock, actor: Actor, id: string, when: Date): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    await transition(tx, clock, actor, id, "schedule", { note: `scheduled for ${when.toISOString()}`, patch: { scheduled_for: when } });
    return loadRequest(tx, actor, id);
  });
}

/** The officer starts scanning the container. */
export async function startScanning(db: Kysely<DB>, clock: Clock, actor: Actor, id: string): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    await transition(tx, clock, actor, id, "start_scan");
    return loadRequest(tx, actor, id);
  });
}

/** The outcome after the results: cleared, hold, do not load, or referred for further examination. */
export type { Disposition } from "./vocabulary.ts";

/**
 * Sets the disposition inside the caller's transaction; hold and do-not-load hold the container.
 * Clearing against the scans' findings (SNM, an industrial source, an unexplained alarm, a result
 * that contradicts the declaration, reach-back advice) takes a host supervisor's `override`, which
 * is kept with the disposition step and in its audit event.
 */
export async function applyDisposition(tx: Tx, clock: Clock, actor: Actor, id: string, disposition: Disposition, note?: string, override?: ClearanceOverride): Promise<void> {
  const locked = await lockRequest(tx, actor, id);
  // Who may disposition, and from which state, is settled before the findings are weighed.
  check(actor, locked, "disposition");
  const scans = (await listScans(tx, actor, [id])).get(id) ?? [];
  const overridden = checkClearance(actor, disposition, clearanceFindings(scans), override);
  const now = clock.now();
  const reason = override?.reason.trim() ?? "";
  const step = await transition(tx, clock, actor, id, "disposition", {
    locked,
    note: note ?? null,
    patch: {
      disposition,
      dispositioned_by: actor.userId,
      dispositioned_at: now,
      hold_active: disposition === "hold" || disposition === "do_not_load",
    },
    payload: {
      disposition,
      ...(overridden.length > 0 ? { override: { reason, findings: overridden.map((f) => ({ scanId: f.scanId, reasons: f.reasons, summary: f.summary })) } } : {}),
    },
  });
  if (overridden.length > 0) {
    await tx
      .insertInto("disposition_override")
      .values({
        request_id: id,
        transition_id: step.transitionId,
        disposition,
        reason,
        findings: JSON.stringify(overridden),
        overridden_by: actor.userId,
        overridden_at: now,
      })
      .execute();
    // A clearance against findings is news to every supervisor concerned and to the targeter who asked.
    const partner = (await isSharedWithRequester(tx, id)) ? [locked.requesting_agency_id] : [];
    const message = `${locked.reference} (${locked.container_no}): ${disposition.replaceAll("_", " ")} against the scans' findings by a supervisor's override — ${reason}`;
    await notifyRole(tx, { agencyIds: [locked.host_agency_id, ...partner], role: "supervisor", kind: "override", requestId: id, message, at: now });
    await notifyRole(tx, { agencyIds: partner, role: "targeter", kind: "override", requestId: id, message, at: now });
  }
}

/** Dispositions a request whose results are in; `override` clears against the scans' findings. */
export async function dispositionInspectionRequest(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
  disposition: Disposition,
  note?: string,
  override?: ClearanceOverride,
): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    await applyDisposition(tx, clock, actor, id, disposition, note, override);
    return loadRequest(tx, actor, id);
  });
}

/** Lifts a hold explicitly; the container may then be loaded. */
export async function liftHold(db: Kysely<DB>, clock: Clock, actor: Actor, id: string, reason: string): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    const locked = await lockRequest(tx, actor, id);
    if (!locked.hold_active) {
      throw conflict("inspection_request.no_hold", "The container is not on hold");
    }
    await transition(tx, clock, actor, id, "lift_hold", { locked, note: reason, patch: { hold_active: false, hold_lifted_at: clock.now() } });
    return loadRequest(tx, actor, id);
  });
}

/** Closes a request; a container still on hold must have its hold lifted first. */
export async function closeInspectionRequest(db: Kysely<DB>, clock: Clock, actor: Actor, id: string): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    const locked = await lockRequest(tx, actor, id);
    if (locked.hold_active) {
      throw conflict("inspection_request.hold_active", "Lift the hold before closing the request");
    }
    await transition(tx, clock, actor, id, "close", { locked, patch: { closed_at: clock.now() } });
    return loadRequest(tx, actor, id);
  });
}

/** The host answers a request for information. */
export async function answerInformationRequest(db: Kysely<DB>, clock: Clock, actor: Actor, id: string, response: string): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    const locked = await lockRequest(tx, actor, id);
    if (locked.request_type !== "information") {
      throw conflict("inspection_request.not_information", "Only a request for information takes a written answer");
    }
    await transition(tx, clock, actor, id, "record_result", {
      locked,
      note: response,
      patch: { information_response: response, first_result_at: locked.first_result_at ?? clock.now() },
    });
    return loadRequest(tx, actor, id);
  });
}
