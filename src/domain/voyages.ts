import type { Kysely } from "kysely";
import { withAgency, type Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { invalid, notFound } from "../errors.ts";
import { isSharedWithRequester, requireRole } from "./access.ts";
import type { Actor } from "./actor.ts";
import { recordAudit } from "./audit.ts";
import type { Clock } from "./clock.ts";
import { AT_RISK_MS } from "./deadlines.ts";
import { AWAITING_RESULT_STATUSES } from "./inspection-requests/vocabulary.ts";
import type { VoyageScheduleView } from "../contract/voyages.ts";

// Each agency keeps its own voyage schedules: the ETD and loading cut-off its shipments, its
// request deadlines and its "filed after cut-off" findings run on. Another agency's schedule for
// the same vessel, voyage and port is a different row (migrations/0011_agency_voyages.sql).

/** A terminal's schedule for one of the agency's voyages, named as carriers and terminals name it. */
export interface VoyageScheduleChange {
  vesselImo: string;
  voyageNo: string;
  portOfLoading: string;
  etd: Date;
  loadingCutoff: Date;
}

export type { VoyageScheduleView } from "../contract/voyages.ts";

/**
 * Sets the ETD and the terminal's loading cut-off of one of the actor's agency's voyages (no
 * longer an estimate), and moves the deadline of every request on its shipments that still waits
 * for a result. Another agency's voyage cannot be named: the same vessel, voyage and port of
 * another agency is its own row, untouched.
 */
export async function changeVoyageSchedule(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  change: VoyageScheduleChange,
): Promise<VoyageScheduleView> {
  requireRole(actor, ["supervisor", "admin"], "change voyage schedules");
  if (change.loadingCutoff.getTime() > change.etd.getTime()) {
    throw invalid("voyage.cutoff_after_departure", "The loading cut-off cannot be after the departure");
  }
  return withAgency(db, actor.agencyId, async (tx) => {
    const voyage = await tx
      .updateTable("voyage")
      .set({ etd: change.etd, loading_cutoff: change.loadingCutoff, is_cutoff_estimated: false })
      .where("agency_id", "=", actor.agencyId)
      .where("vessel_imo", "=", change.vesselImo)
      .where("voyage_no", "=", change.voyageNo)
      .where("port_of_loading", "=", change.portOfLoading)
      .returning([
        "id",
        "vessel_imo",
        "voyage_no",
        "port_of_loading",
        "carrier_scac",
        "etd",
        "loading_cutoff",
        "is_cutoff_estimated",
      ])
      .executeTakeFirst();
    if (!voyage) {
      throw notFound("voyage");
    }
    const moved = await moveDeadlines(tx, clock, actor, voyage.id, change.loadingCutoff);
    const view: VoyageScheduleView = {
      vesselImo: voyage.vessel_imo,
      voyageNo: voyage.voyage_no,
      portOfLoading: voyage.port_of_loading,
      carrierScac: voyage.carrier_scac,
      etd: voyage.etd.toISOString(),
      loadingCutoff: voyage.loading_cutoff.toISOString(),
      isCutoffEstimated: voyage.is_cutoff_estimated,
      movedRequests: moved,
    };
    await recordAudit(tx, actor, {
      action: "voyage.schedule_changed",
      entityType: "voyage",
      entityId: voyage.id,
      payload: { ...view },
    });
    return view;
  });
}

/**
 * Gives the waiting requests on the voyage's shipments the new cut-off as their deadline; each
 * change is audited for the host and, while the shipment is still shared with it, the requester.
 * A request pushed out of the at-risk window may be escalated again later. Requests with a
 * result or a recorded miss keep the deadline they were measured against.
 */
async function moveDeadlines(tx: Tx, clock: Clock, actor: Actor, voyageId: string, cutoff: Date): Promise<string[]> {
  const isAtRisk = cutoff.getTime() <= clock.now().getTime() + AT_RISK_MS;
  const moved = await tx
    .updateTable("inspection_request")
    .set(isAtRisk ? { deadline: cutoff } : { deadline: cutoff, escalated_at: null })
    .where("host_agency_id", "=", actor.agencyId)
    .where("shipment_id", "in", (eb) => eb.selectFrom("shipment").select("id").where("voyage_id", "=", voyageId))
    .where("status", "in", AWAITING_RESULT_STATUSES)
    .where("first_result_at", "is", null)
    .where("missed_at", "is", null)
    .where((eb) => eb.or([eb("deadline", "is", null), eb("deadline", "<>", cutoff)]))
    .returning(["id", "reference", "requesting_agency_id"])
    .execute();
  for (const r of moved) {
    await recordAudit(tx, actor, {
      action: "inspection_request.deadline_moved",
      entityType: "inspection_request",
      entityId: r.id,
      otherAgencyIds: (await isSharedWithRequester(tx, r.id)) ? [r.requesting_agency_id] : [],
      payload: { reference: r.reference, deadline: cutoff.toISOString() },
    });
  }
  return moved.map((r) => r.reference).sort();
}
