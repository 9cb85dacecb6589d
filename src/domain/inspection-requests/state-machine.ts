import type { Kysely, Updateable } from "kysely";
import { withAgency, type Tx } from "../../db/database.ts";
import type { DB, InspectionRequestTable } from "../../db/schema.ts";
import { conflict, forbidden, notFound } from "../../errors.ts";
import { isSharedWithRequester } from "../access.ts";
import { hasRole, type Actor, type Role } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import { findRequestRow, lockRequest, type LockedRequest } from "./repository.ts";
import type { RequestStatus } from "./vocabulary.ts";

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
  withdraw: {
    from: ["requested", "accepted", "scheduled"],
    to: "withdrawn",
    side: "requester",
    roles: ["targeter", "supervisor"],
  },
  schedule: { from: ["accepted", "scheduled"], to: "scheduled", side: "host", roles: ["supervisor", "scan_officer"] },
  start_scan: { from: ["accepted", "scheduled"], to: "scanning", side: "host", roles: ["scan_officer", "supervisor"] },
  record_result: {
    from: ["accepted", "scheduled", "scanning", "results_recorded"],
    to: "results_recorded",
    side: "host",
    roles: ["scan_officer", "supervisor"],
  },
  disposition: {
    from: ["results_recorded", "dispositioned"],
    to: "dispositioned",
    side: "host",
    roles: ["scan_officer", "supervisor"],
  },
  lift_hold: {
    from: ["accepted", "scheduled", "scanning", "results_recorded", "dispositioned"],
    to: null,
    side: "host",
    roles: ["supervisor"],
  },
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

/** Checks the rule for `action` against the request and the actor; throws the right error. */
export function checkAction(actor: Actor, request: LockedRequest, action: Action): Rule {
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
    throw conflict(
      "inspection_request.invalid_transition",
      `A ${request.status.replace("_", " ")} request cannot take "${action.replace("_", " ")}"`,
    );
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
    const request = await findRequestRow(tx, actor, requestId);
    if (!request) {
      throw notFound("inspection_request");
    }
    checkAction(actor, request, action);
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
  options: {
    note?: string | null;
    patch?: Updateable<InspectionRequestTable>;
    payload?: Record<string, unknown>;
    locked?: LockedRequest;
  } = {},
): Promise<LockedRequest & { transitionId: string }> {
  const request = options.locked ?? (await lockRequest(tx, actor, requestId));
  const rule = checkAction(actor, request, action);
  const now = clock.now();
  const to = rule.to ?? request.status;
  await tx
    .updateTable("inspection_request")
    .set({ ...options.patch, status: to, updated_at: now })
    .where("id", "=", requestId)
    .execute();
  const step = await tx
    .insertInto("request_transition")
    .values({
      request_id: requestId,
      from_status: request.status,
      to_status: to,
      action,
      actor_user_id: actor.userId,
      note: options.note ?? null,
      at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  // The requester reads about the change only while the agreement still shares the shipment.
  const isHost = actor.agencyId === request.host_agency_id;
  const others = !isHost
    ? [request.host_agency_id]
    : (await isSharedWithRequester(tx, requestId))
      ? [request.requesting_agency_id]
      : [];
  await recordAudit(tx, actor, {
    action: AUDIT_ACTION[action],
    entityType: "inspection_request",
    entityId: requestId,
    otherAgencyIds: others,
    payload: { reference: request.reference, from: request.status, to, note: options.note ?? null, ...options.payload },
  });
  return { ...request, status: to, transitionId: String(step.id) };
}
