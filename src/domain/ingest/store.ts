import type { Tx } from "../../db/database.ts";
import { shipmentSearchText } from "../shipment-text.ts";
import type { CleanShipment, Rejection } from "./validate.ts";

const HOUR_MS = 60 * 60 * 1000;

/** What happened to the shipments of one batch. */
export interface StoreOutcome {
  inserted: number;
  replaced: number;
  cancelled: number;
  unchanged: number;
  duplicates: number;
  containers: number;
  rejected: Rejection[];
}

/** Where the shipments come from and who owns them. */
export interface StoreContext {
  agencyId: string;
  batchId: string;
  now: Date;
}

type Snapshot = Omit<CleanShipment, "messageKey" | "messageRef" | "contentHash">;

function snapshotOf(s: CleanShipment): Snapshot {
  const { messageKey: _k, messageRef: _r, contentHash: _h, ...rest } = s;
  return rest;
}

// jsonb returns object keys in its own order, so values compare in a key-sorted form.
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** Field-level differences between two snapshots; lists compare as wholes. */
export function diffSnapshots(before: Partial<Snapshot>, after: Snapshot): { field: string; from: unknown; to: unknown }[] {
  const fields = Object.keys(after).filter((f) => f !== "function") as (keyof Snapshot)[];
  return fields
    .filter((f) => canonical(before[f] ?? null) !== canonical(after[f] ?? null))
    .map((f) => ({ field: f, from: before[f] ?? null, to: after[f] }));
}

async function resolveVoyages(tx: Tx, items: CleanShipment[]): Promise<Map<string, string>> {
  const keyed = items.filter((s) => s.vesselImo && s.voyageNo);
  const ids = new Map<string, string>();
  if (keyed.length === 0) {
    return ids;
  }
  const vessels = new Map(keyed.map((s) => [s.vesselImo as string, s.vesselName ?? `IMO ${s.vesselImo}`]));
  await tx
    .insertInto("vessel")
    .values([...vessels].map(([imo, name]) => ({ imo, name, flag: null })))
    .onConflict((oc) => oc.column("imo").doNothing())
    .execute();
  const voyages = new Map<string, CleanShipment>();
  for (const s of keyed) {
    voyages.set(`${s.vesselImo}|${s.voyageNo}|${s.portOfLoading}`, s);
  }
  const dated = [...voyages.values()].filter((s) => s.etd);
  if (dated.length > 0) {
    // Manifests carry the ETD but not the terminal's cut-off; until a schedule says otherwise the
    // cut-off is taken as 24 hours before departure and marked as an estimate.
    await tx
      .insertInto("voyage")
      .values(
        dated.map((s) => ({
          vessel_imo: s.vesselImo as string,
          voyage_no: s.voyageNo as string,
          carrier_scac: s.carrierScac,
          port_of_loading: s.portOfLoading,
          etd: s.etd as string,
          loading_cutoff: new Date(new Date(s.etd as string).getTime() - 24 * HOUR_MS),
          is_cutoff_estimated: true,
        })),
      )
      .onConflict((oc) => oc.columns(["vessel_imo", "voyage_no", "port_of_loading"]).doNothing())
      .execute();
  }
  const rows = await tx
    .selectFrom("voyage")
    .select(["id", "vessel_imo", "voyage_no", "port_of_loading"])
    .where("vessel_imo", "in", [...vessels.keys()])
    .execute();
  for (const r of rows) {
    ids.set(`${r.vessel_imo}|${r.voyage_no}|${r.port_of_loading}`, r.id);
  }
  return ids;
}

function shipmentRow(s: CleanShipment, ctx: StoreContext, voyageId: string | null) {
  return {
    owner_agency_id: ctx.agencyId,
    bill_of_lading: s.billOfLading,
    carrier_scac: s.carrierScac,
    voyage_id: voyageId,
    port_of_loading: s.portOfLoading,
    port_of_discharge: s.portOfDischarge,
    final_destination: s.finalDestination,
    shipper_name: s.shipper.name,
    shipper_address: s.shipper.address,
    shipper_country: s.shipper.country,
    consignee_name: s.consignee.name,
    consignee_address: s.consignee.address,
    consignee_country: s.consignee.country,
    notify_name: s.notifyName,
    etd: s.etd,
    filed_at: ctx.now,
    last_message_ref: s.messageRef,
    is_cancelled: s.function === "cancel",
    search_text: shipmentSearchText({
      billOfLading: s.billOfLading,
      shipperName: s.shipper.name,
      consigneeName: s.consignee.name,
      containerNos: s.containers.map((c) => c.containerNo),
      goods: s.goods,
    }),
  };
}

async function insertLines(tx: Tx, rows: { id: string; s: CleanShipment }[]): Promise<void> {
  const goods = rows.flatMap(({ id, s }) =>
    s.goods.map((g) => ({
      shipment_id: id,
      line_no: g.lineNo,
      hs_code: g.hsCode,
      description: g.description,
      packages: g.packages,
      package_type: g.packageType,
      gross_weight_kg: g.grossWeightKg,
      container_no: g.containerNo,
    })),
  );
  const containers = rows.flatMap(({ id, s }) =>
    [...new Map(s.containers.map((c) => [c.containerNo, c])).values()].map((c) => ({
      shipment_id: id,
      container_no: c.containerNo,
      size_type: c.sizeType,
      seal_no: c.sealNo,
      is_full: c.isFull,
    })),
  );
  if (goods.length > 0) {
    await tx.insertInto("shipment_goods").values(goods).onConflict((oc) => oc.columns(["shipment_id", "line_no"]).doNothing()).execute();
  }
  if (containers.length > 0) {
    await tx.insertInto("shipment_container").values(containers).execute();
  }
}

/** Splits records into runs in which no bill of lading repeats, keeping their order. */
function uniqueRuns(items: CleanShipment[]): CleanShipment[][] {
  const runs: CleanShipment[][] = [];
  let current: CleanShipment[] = [];
  let seen = new Set<string>();
  for (const s of items) {
    if (seen.has(s.billOfLading)) {
      runs.push(current);
      current = [];
      seen = new Set();
    }
    current.push(s);
    seen.add(s.billOfLading);
  }
  if (current.length > 0) {
    runs.push(current);
  }
  return runs;
}

/** Stores a chunk of validated shipments through the caller's transaction. */
export async function storeShipments(tx: Tx, ctx: StoreContext, items: CleanShipment[]): Promise<StoreOutcome> {
  const outcome: StoreOutcome = { inserted: 0, replaced: 0, cancelled: 0, unchanged: 0, duplicates: 0, containers: 0, rejected: [] };
  for (const run of uniqueRuns(items)) {
    await storeRun(tx, ctx, run, outcome);
  }
  return outcome;
}

async function storeRun(tx: Tx, ctx: StoreContext, run: CleanShipment[], outcome: StoreOutcome): Promise<void> {
  const known = await tx
    .selectFrom("ingest_message")
    .select(["message_key", "content_sha256"])
    .where("message_key", "in", run.map((s) => s.messageKey))
    .execute();
  const knownHash = new Map(known.map((k) => [k.message_key, k.content_sha256]));
  const fresh: CleanShipment[] = [];
  for (const s of run) {
    const hash = knownHash.get(s.messageKey);
    if (hash === undefined) {
      fresh.push(s);
    } else if (hash === s.contentHash) {
      outcome.duplicates++;
    } else {
      outcome.rejected.push({
        location: `message ${s.messageRef} B/L ${s.billOfLading}`,
        messageKey: s.messageKey,
        reasons: [{ code: "ingest.reference_reused", message: `Message ${s.messageRef} was received before with different content; send a replacement under a new reference` }],
      });
    }
  }
  if (fresh.length === 0) {
    return;
  }
  const voyages = await resolveVoyages(tx, fresh);
  const existing = await tx
    .selectFrom("shipment as s")
    .leftJoin("shipment_version as v", (join) => join.onRef("v.shipment_id", "=", "s.id").onRef("v.version", "=", "s.version"))
    .select(["s.id", "s.bill_of_lading", "s.version", "v.snapshot"])
    .where("s.owner_agency_id", "=", ctx.agencyId)
    .where("s.bill_of_lading", "in", fresh.map((s) => s.billOfLading))
    .forUpdate("s")
    .execute();
  const byBill = new Map(existing.map((e) => [e.bill_of_lading, e]));
  const toInsert: CleanShipment[] = [];
  const versions: { shipment_id: string; version: number; function: string; message_ref: string; batch_id: string; snapshot: string; diff: string; recorded_at: Date }[] = [];
  for (const s of fresh) {
    const current = byBill.get(s.billOfLading);
    const voyageId = s.vesselImo && s.voyageNo ? voyages.get(`${s.vesselImo}|${s.voyageNo}|${s.portOfLoading}`) ?? null : null;
    if (!current) {
      if (s.function === "cancel") {
        outcome.rejected.push({ location: `message ${s.messageRef} B/L ${s.billOfLading}`, messageKey: s.messageKey, reasons: [{ code: "ingest.cancel_unknown", message: `Cancellation of B/L ${s.billOfLading}, which was never received` }] });
        continue;
      }
      toInsert.push(s);
      continue;
    }
    const snapshot = snapshotOf(s);
    const diff = diffSnapshots((current.snapshot ?? {}), snapshot);
    if (diff.length === 0 && s.function !== "cancel") {
      outcome.unchanged++;
      continue;
    }
    await tx.updateTable("shipment").set({ ...shipmentRow(s, ctx, voyageId), version: current.version + 1 }).where("id", "=", current.id).execute();
    await tx.deleteFrom("shipment_goods").where("shipment_id", "=", current.id).execute();
    await tx.deleteFrom("shipment_container").where("shipment_id", "=", current.id).execute();
    await insertLines(tx, [{ id: current.id, s }]);
    versions.push(versionRow(current.id, current.version + 1, s, ctx, diff));
    outcome.containers += s.containers.length;
    if (s.function === "cancel") {
      outcome.cancelled++;
    } else {
      outcome.replaced++;
    }
  }
  if (toInsert.length > 0) {
    const inserted = await tx
      .insertInto("shipment")
      .values(toInsert.map((s) => shipmentRow(s, ctx, s.vesselImo && s.voyageNo ? voyages.get(`${s.vesselImo}|${s.voyageNo}|${s.portOfLoading}`) ?? null : null)))
      .returning(["id", "bill_of_lading"])
      .execute();
    const idOf = new Map(inserted.map((r) => [r.bill_of_lading, r.id]));
    const rows = toInsert.map((s) => ({ id: idOf.get(s.billOfLading) as string, s }));
    await insertLines(tx, rows);
    for (const { id, s } of rows) {
      versions.push(versionRow(id, 1, s, ctx, []));
      outcome.containers += s.containers.length;
    }
    outcome.inserted += toInsert.length;
  }
  if (versions.length > 0) {
    await tx.insertInto("shipment_version").values(versions).execute();
  }
  const rejectedKeys = new Set(outcome.rejected.map((r) => r.messageKey));
  const accepted = fresh.filter((s) => !rejectedKeys.has(s.messageKey));
  if (accepted.length > 0) {
    await tx
      .insertInto("ingest_message")
      .values(accepted.map((s) => ({ agency_id: ctx.agencyId, message_key: s.messageKey, content_sha256: s.contentHash, batch_id: ctx.batchId, received_at: ctx.now })))
      .onConflict((oc) => oc.columns(["agency_id", "message_key"]).doNothing())
      .execute();
  }
}

function versionRow(shipmentId: string, version: number, s: CleanShipment, ctx: StoreContext, diff: ReturnType<typeof diffSnapshots>) {
  return {
    shipment_id: shipmentId,
    version,
    function: s.function,
    message_ref: s.messageRef,
    batch_id: ctx.batchId,
    snapshot: JSON.stringify(snapshotOf(s)),
    diff: JSON.stringify(diff),
    recorded_at: ctx.now,
  };
}
