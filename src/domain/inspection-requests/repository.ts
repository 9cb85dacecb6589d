import { sql } from "kysely";
import type { Tx } from "../../db/database.ts";
import { notFound } from "../../errors.ts";
import { requestIsVisible } from "../access.ts";
import type { Actor } from "../actor.ts";
import { OPEN_STATUSES } from "./vocabulary.ts";

// The request's queries and row locks. Every query runs on the caller's transaction, which has
// already taken the actor's agency, and filters by what the actor may see.

/** The request with its shipment, agreement, agencies and people: what a view is made of. */
export function viewQuery(tx: Tx, actor: Actor) {
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

/** One row of `viewQuery`. */
export type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>["execute"]>>[number];

/** The steps of the given requests with who took them and any clearance override, oldest first. */
export async function timelineRows(tx: Tx, ids: string[]) {
  if (ids.length === 0) {
    return [];
  }
  return tx
    .selectFrom("request_transition as t")
    .leftJoin("app_user as u", "u.id", "t.actor_user_id")
    .leftJoin("disposition_override as o", "o.transition_id", "t.id")
    .select([
      "t.request_id",
      "t.at",
      "t.action",
      "t.from_status",
      "t.to_status",
      "u.username",
      "t.note",
      "o.reason as override_reason",
      "o.findings as override_findings",
    ])
    .where("t.request_id", "in", ids)
    .orderBy("t.id")
    .execute();
}

/** Each shipment's first goods line and the viewer's agency's score of it. */
export async function cargoRows(tx: Tx, actor: Actor, shipmentIds: string[]) {
  const ids = [...new Set(shipmentIds)];
  if (ids.length === 0) {
    return [];
  }
  return tx
    .selectFrom("shipment as s")
    .leftJoin("shipment_score as sc", (j) =>
      j.onRef("sc.shipment_id", "=", "s.id").on("sc.agency_id", "=", actor.agencyId),
    )
    .select(["s.id", "sc.score", "sc.level", "sc.hits"])
    .select((eb) => [
      eb
        .selectFrom("shipment_goods as g")
        .select("g.description")
        .whereRef("g.shipment_id", "=", "s.id")
        .orderBy("g.line_no")
        .limit(1)
        .as("description"),
      eb
        .selectFrom("shipment_goods as g")
        .select("g.hs_code")
        .whereRef("g.shipment_id", "=", "s.id")
        .orderBy("g.line_no")
        .limit(1)
        .as("hs_code"),
    ])
    .where("s.id", "in", ids)
    .execute();
}

/** The scans of the given requests with their officer, site and file, oldest first. */
export async function scanRows(tx: Tx, requestIds: string[]) {
  if (requestIds.length === 0) {
    return [];
  }
  return tx
    .selectFrom("scan as sc")
    .innerJoin("app_user as u", "u.id", "sc.officer_id")
    .leftJoin("site", "site.id", "sc.site_id")
    .leftJoin("stored_file as f", "f.sha256", "sc.file_sha256")
    .select([
      "sc.id",
      "sc.request_id",
      "sc.scan_type",
      "sc.outcome",
      "sc.notes",
      "u.username",
      "site.locode",
      "sc.device",
      "sc.started_at",
      "sc.scanned_at",
      "sc.recorded_at",
      "sc.file_sha256",
      "sc.file_name",
      "f.media_type",
      "f.size_bytes",
      "sc.verdict",
      "sc.is_inconsistent",
      "sc.inconsistency",
      "sc.analysis",
    ])
    .where("sc.request_id", "in", requestIds)
    .orderBy("sc.scanned_at")
    .execute();
}

/** One scan row of `scanRows`. */
export type ScanRow = Awaited<ReturnType<typeof scanRows>>[number];

/** The request row as stored, if the actor may see it, without locking it. */
export async function findRequestRow(tx: Tx, actor: Actor, id: string) {
  return tx
    .selectFrom("inspection_request as r")
    .selectAll("r")
    .where(requestIsVisible(actor))
    .where("r.id", "=", id)
    .executeTakeFirst();
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

/** A locked request row, as `lockRequest` returns it. */
export type LockedRequest = Awaited<ReturnType<typeof lockRequest>>;

/** The reference of a request on this container that is still open, if there is one. */
export async function findOpenRequest(tx: Tx, shipmentId: string, containerNo: string) {
  return tx
    .selectFrom("inspection_request")
    .select("reference")
    .where("shipment_id", "=", shipmentId)
    .where("container_no", "=", containerNo)
    .where("status", "in", OPEN_STATUSES)
    .executeTakeFirst();
}

/** Whether a request already carries this reference. */
export async function referenceInUse(tx: Tx, reference: string): Promise<boolean> {
  const row = await tx
    .selectFrom("inspection_request")
    .select("id")
    .where("reference", "=", reference)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The requesting agency's next reference for the year, e.g. IR-JPCUS-2026-000042. Each agency
 * counts its own requests, so no agency learns from its numbers how many another made; the code
 * keeps references unique across agencies. The counter row is updated in the caller's
 * transaction: a request that is not stored gives its number back, and concurrent requests wait
 * on the row's lock, so the numbers have no gaps.
 */
export async function nextReference(tx: Tx, actor: Actor, now: Date): Promise<string> {
  const year = now.getUTCFullYear();
  const counter = await tx
    .insertInto("inspection_request_counter")
    .values({ agency_id: actor.agencyId, year, last_number: 1 })
    .onConflict((oc) =>
      oc
        .columns(["agency_id", "year"])
        .doUpdateSet({ last_number: sql<number>`inspection_request_counter.last_number + 1` }),
    )
    .returning("last_number")
    .executeTakeFirstOrThrow();
  return `IR-${actor.agencyCode}-${year}-${String(counter.last_number).padStart(6, "0")}`;
}
