import type { Kysely } from "kysely";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { conflict, invalid } from "../../errors.ts";
import type { MessageBody } from "../../federation/messages.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import { storeFile } from "../files.ts";
import type { FederationTables } from "./tables.ts";
import type { PortalOccupancyView } from "../../contract/federation.ts";

// The Megaports feed: a partner port's radiation portals report each occupancy (gross counts,
// alarms, the analysis, the N42.42 file) to the host, whose officers see it beside their own
// requests for that container.

export type { PortalOccupancyView } from "../../contract/federation.ts";

/** Records one occupancy the reporting agency's portal measured; the same occupancy twice is refused. */
export async function recordPortalOccupancy(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  hostAgencyId: string,
  body: MessageBody<"portal.occupancy">,
): Promise<string> {
  requireRole(actor, ["scan_officer", "supervisor", "ingest"], "report portal occupancies");
  if (Date.parse(body.endedAt) < Date.parse(body.startedAt)) {
    throw invalid("portal.bad_interval", "The occupancy ends before it starts");
  }
  return withAgency(db, actor.agencyId, async (tx) => {
    const n42 = body.n42 ? await storeFile(tx, Buffer.from(body.n42, "base64"), "application/xml") : null;
    const row = await tx
      .withTables<FederationTables>()
      .insertInto("portal_occupancy")
      .values({
        agency_id: hostAgencyId,
        reporting_agency_id: actor.agencyId,
        occupancy_ref: body.occupancyId,
        portal: body.portal,
        locode: body.locode,
        container_no: body.containerNo,
        started_at: body.startedAt,
        ended_at: body.endedAt,
        gross_gamma: body.grossGamma,
        gross_neutron: body.grossNeutron,
        alarms: JSON.stringify(body.alarms),
        analysis: body.analysis ? JSON.stringify(body.analysis) : null,
        n42_sha256: n42,
        received_at: clock.now(),
      })
      .onConflict((oc) => oc.columns(["reporting_agency_id", "occupancy_ref"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!row) {
      throw conflict("portal.occupancy_known", `Occupancy ${body.occupancyId} was reported before`);
    }
    await recordAudit(tx, actor, {
      action: "portal.occupancy_reported",
      entityType: "portal_occupancy",
      entityId: row.id,
      otherAgencyIds: [hostAgencyId],
      payload: {
        portal: body.portal,
        locode: body.locode,
        containerNo: body.containerNo,
        alarms: body.alarms.length,
        verdict: body.analysis?.verdict ?? null,
        n42: n42,
      },
    });
    return row.id;
  });
}

/** The latest occupancies the actor's agency received or reported, optionally of one container. */
export async function listPortalOccupancies(
  db: Kysely<DB>,
  actor: Actor,
  query: { containerNo?: string; limit: number },
): Promise<PortalOccupancyView[]> {
  requireRole(actor, ["scan_officer", "supervisor", "targeter", "admin", "auditor"], "read portal occupancies");
  return withAgency(db, actor.agencyId, async (tx) => {
    let q = tx
      .withTables<FederationTables>()
      .selectFrom("portal_occupancy as o")
      .innerJoin("agency as a", "a.id", "o.reporting_agency_id")
      .select([
        "o.id",
        "a.code",
        "o.occupancy_ref",
        "o.portal",
        "o.locode",
        "o.container_no",
        "o.started_at",
        "o.ended_at",
        "o.gross_gamma",
        "o.gross_neutron",
        "o.alarms",
        "o.analysis",
        "o.n42_sha256",
        "o.received_at",
      ])
      .where((eb) => eb.or([eb("o.agency_id", "=", actor.agencyId), eb("o.reporting_agency_id", "=", actor.agencyId)]))
      .orderBy("o.received_at", "desc")
      .orderBy("o.id")
      .limit(Math.min(Math.max(query.limit, 1), 200));
    if (query.containerNo) {
      q = q.where("o.container_no", "=", query.containerNo);
    }
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id,
      reportedBy: r.code,
      occupancyRef: r.occupancy_ref,
      portal: r.portal,
      locode: r.locode,
      containerNo: r.container_no,
      startedAt: r.started_at.toISOString(),
      endedAt: r.ended_at.toISOString(),
      grossGamma: r.gross_gamma,
      grossNeutron: r.gross_neutron,
      alarms: r.alarms as PortalOccupancyView["alarms"],
      analysis: r.analysis as PortalOccupancyView["analysis"],
      n42Sha256: r.n42_sha256,
      receivedAt: r.received_at.toISOString(),
    }));
  });
}
