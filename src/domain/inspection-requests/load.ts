import type { Tx } from "../../db/database.ts";
import { notFound } from "../../errors.ts";
import type { Actor } from "../actor.ts";
import { recordSharedRead } from "../audit.ts";
import { groupByRequest, presentCargo, presentRequest, presentScan, presentStep } from "./presenter.ts";
import { cargoRows, scanRows, timelineRows, viewQuery, type ViewRow } from "./repository.ts";
import type { InspectionRequestView, ScanView } from "../../contract/inspection-requests.ts";

/** Scans of the given requests, grouped by request. */
export async function listScans(tx: Tx, _actor: Actor, requestIds: string[]): Promise<Map<string, ScanView[]>> {
  return groupByRequest(await scanRows(tx, requestIds), presentScan);
}

/** The views of the given rows, with their scans, steps and cargo read in three queries. */
export async function presentRows(tx: Tx, actor: Actor, rows: ViewRow[]): Promise<InspectionRequestView[]> {
  const ids = rows.map((r) => r.id);
  const scans = await listScans(tx, actor, ids);
  const history = groupByRequest(await timelineRows(tx, ids), presentStep);
  const cargo = new Map(
    (
      await cargoRows(
        tx,
        actor,
        rows.map((r) => r.shipment_id),
      )
    ).map((r) => [r.id, presentCargo(r)]),
  );
  return rows.map((r) =>
    presentRequest(r, {
      timeline: history.get(r.id) ?? [],
      scans: scans.get(r.id) ?? [],
      cargo: cargo.get(r.shipment_id),
    }),
  );
}

/** A request is shared between its two agencies: reading it is a read of the other party's data. */
export async function auditRequestRead(
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
    records: rows.map((r) => ({
      id: r.id,
      ownerAgencyId: r.host_agency_id === actor.agencyId ? r.requesting_agency_id : r.host_agency_id,
    })),
  });
}

/** Loads one request inside a transaction, or throws not-found. */
export async function loadRequest(
  tx: Tx,
  actor: Actor,
  id: string,
  options: { isAudited?: boolean } = {},
): Promise<InspectionRequestView> {
  const row = await viewQuery(tx, actor).where("r.id", "=", id).executeTakeFirst();
  if (!row) {
    throw notFound("inspection_request");
  }
  const [view] = await presentRows(tx, actor, [row]);
  if (options.isAudited) {
    await auditRequestRead(tx, actor, "inspection_request.viewed", id, [row]);
  }
  return view as InspectionRequestView;
}
