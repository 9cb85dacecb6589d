import type { Kysely } from "kysely";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { conflict, invalid, notFound } from "../../errors.ts";
import { findSharingAgreement, requireRole, shipmentIsVisible } from "../access.ts";
import type { Actor } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import { loadRequest } from "./load.ts";
import { findOpenRequest, nextReference, referenceInUse } from "./repository.ts";
import type { InspectionRequestView } from "../../contract/inspection-requests.ts";
import type { Priority, RequestType, ScanType } from "./vocabulary.ts";

/** What a targeter submits to ask for an inspection. */
export interface NewInspectionRequest {
  requestType: RequestType;
  reasonCodes: string[];
  shipmentId: string;
  containerNo: string;
  reason: string;
  priority: Priority;
  scansRequested: ScanType[];
  /**
   * The reference the requesting agency's own node gave the request, when the request arrives from
   * there: it keeps that reference here. This node numbers only the requests made on it.
   */
  reference?: string;
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
      .select([
        "s.id",
        "s.owner_agency_id",
        "s.discharge_country",
        "s.destination_country",
        "s.bill_of_lading",
        "v.loading_cutoff",
        "s.etd",
        "s.filed_at",
      ])
      .where(shipmentIsVisible(actor))
      .where("s.id", "=", input.shipmentId)
      .executeTakeFirst();
    if (!shipment) {
      throw notFound("shipment");
    }
    const agreement = await findSharingAgreement(tx, actor, {
      ...shipment,
      departs: shipment.etd ?? shipment.filed_at,
    });
    if (!agreement) {
      throw invalid(
        "inspection_request.no_agreement",
        "No agreement lets your agency request inspections on this shipment",
      );
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
    const open = await findOpenRequest(tx, shipment.id, input.containerNo);
    if (open) {
      throw conflict("inspection_request.already_open", `Request ${open.reference} for this container is still open`);
    }
    const now = clock.now();
    const reference =
      input.reference && !(await referenceInUse(tx, input.reference))
        ? input.reference
        : await nextReference(tx, actor, now);
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
      .values({
        request_id: inserted.id,
        from_status: null,
        to_status: "requested",
        action: "request",
        actor_user_id: actor.userId,
        note: input.reason,
        at: now,
      })
      .execute();
    await recordAudit(tx, actor, {
      action: "inspection_request.created",
      entityType: "inspection_request",
      entityId: inserted.id,
      otherAgencyIds: [shipment.owner_agency_id],
      payload: {
        reference,
        requestType: input.requestType,
        containerNo: input.containerNo,
        priority: input.priority,
        reason: input.reason,
        reasonCodes: input.reasonCodes,
        agreement: agreement.code,
      },
    });
    return loadRequest(tx, actor, inserted.id);
  });
}
