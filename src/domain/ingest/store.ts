import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Tx } from "../../db/database.ts";
import { shipmentSearchText } from "../shipment-text.ts";
import { insertLines, insertMessageKeys, insertShipments, insertVersions, type VersionRow } from "./store-rows.ts";
import type { CleanShipment, Rejection } from "./validate.ts";
import { resolveVoyages, voyageKey } from "./voyages.ts";

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
  /** Voyage ids already resolved while storing this file (filled in as chunks go by). */
  voyages?: Map<string, string>;
}

/** The stored form of a shipment that versions keep and diffs compare. */
export type Snapshot = Omit<CleanShipment, "messageKey" | "messageRef" | "contentHash">;

/** A shipment without its message identity. */
export function snapshotOf(s: CleanShipment): Snapshot {
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

/** The shipment table row of a shipment. */
export function shipmentRow(s: CleanShipment, ctx: StoreContext, voyageId: string | null) {
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


interface Current {
  id: string;
  version: number;
  snapshot: Partial<Snapshot> | null;
}

/** Drops messages received before: the same content counts as a duplicate, other content is refused. */
async function dropKnownMessages(tx: Tx, ctx: StoreContext, run: CleanShipment[], outcome: StoreOutcome): Promise<CleanShipment[]> {
  const known = await sql<{ message_key: string; content_sha256: string }>`
    select message_key, content_sha256 from ingest_message
    where agency_id = ${ctx.agencyId} and message_key = any(${run.map((s) => s.messageKey)}::text[])`.execute(tx);
  if (known.rows.length === 0) {
    return run;
  }
  const knownHash = new Map(known.rows.map((k) => [k.message_key, k.content_sha256]));
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
  return fresh;
}

/** The agency's current shipments for these bills with their latest snapshot, locked for the amendment. */
async function lockExisting(tx: Tx, ctx: StoreContext, fresh: CleanShipment[]): Promise<Map<string, Current>> {
  const rows = await sql<{ id: string; bill_of_lading: string; version: number; snapshot: Partial<Snapshot> | null }>`
    select s.id, s.bill_of_lading, s.version, v.snapshot
    from shipment s left join shipment_version v on v.shipment_id = s.id and v.version = s.version
    where s.owner_agency_id = ${ctx.agencyId} and s.bill_of_lading = any(${fresh.map((s) => s.billOfLading)}::text[])
    for update of s`.execute(tx);
  return new Map(rows.rows.map((r) => [r.bill_of_lading, { id: r.id, version: r.version, snapshot: r.snapshot }]));
}

interface Plan {
  inserts: { id: string; s: CleanShipment }[];
  updates: { id: string; version: number; s: CleanShipment }[];
  versions: VersionRow[];
  /** Message keys refused here (a cancellation of an unknown bill). */
  refused: Set<string>;
}

/** Decides per shipment: new (with an id), amended (next version with its diff), unchanged or refused. */
function planRun(fresh: CleanShipment[], existing: Map<string, Current>, ctx: StoreContext, outcome: StoreOutcome): Plan {
  const plan: Plan = { inserts: [], updates: [], versions: [], refused: new Set() };
  for (const s of fresh) {
    const current = existing.get(s.billOfLading);
    if (!current && s.function === "cancel") {
      plan.refused.add(s.messageKey);
      outcome.rejected.push({ location: `message ${s.messageRef} B/L ${s.billOfLading}`, messageKey: s.messageKey, reasons: [{ code: "ingest.cancel_unknown", message: `Cancellation of B/L ${s.billOfLading}, which was never received` }] });
      continue;
    }
    if (!current) {
      const id = randomUUID();
      plan.inserts.push({ id, s });
      plan.versions.push(versionRow(id, 1, s, ctx, []));
      outcome.containers += s.containers.length;
      continue;
    }
    const diff = diffSnapshots(current.snapshot ?? {}, snapshotOf(s));
    if (diff.length === 0 && s.function !== "cancel") {
      outcome.unchanged++;
      continue;
    }
    plan.updates.push({ id: current.id, version: current.version + 1, s });
    plan.versions.push(versionRow(current.id, current.version + 1, s, ctx, diff));
    outcome.containers += s.containers.length;
    if (s.function === "cancel") {
      outcome.cancelled++;
    } else {
      outcome.replaced++;
    }
  }
  return plan;
}

/** Stores one run (no bill twice): every kind of row goes in with one statement per chunk. */
async function storeRun(tx: Tx, ctx: StoreContext, run: CleanShipment[], outcome: StoreOutcome): Promise<void> {
  const fresh = await dropKnownMessages(tx, ctx, run, outcome);
  if (fresh.length === 0) {
    return;
  }
  const voyages = await resolveVoyages(tx, ctx.agencyId, fresh, ctx.voyages ?? new Map<string, string>());
  const voyageOf = (s: CleanShipment): string | null => voyages.get(voyageKey(s) ?? "") ?? null;
  const plan = planRun(fresh, await lockExisting(tx, ctx, fresh), ctx, outcome);
  await insertShipments(tx, plan.inserts.map(({ id, s }) => ({ id, ...shipmentRow(s, ctx, voyageOf(s)) })));
  await applyUpdates(tx, ctx, plan.updates, voyageOf);
  await insertLines(tx, [...plan.inserts, ...plan.updates]);
  await insertVersions(tx, plan.versions);
  await insertMessageKeys(tx, ctx, fresh.filter((s) => !plan.refused.has(s.messageKey)));
  outcome.inserted += plan.inserts.length;
}

/** Amendments: each shipment row is rewritten (they are few); its lines are replaced in bulk by the caller. */
async function applyUpdates(tx: Tx, ctx: StoreContext, updates: { id: string; version: number; s: CleanShipment }[], voyageOf: (s: CleanShipment) => string | null): Promise<void> {
  if (updates.length === 0) {
    return;
  }
  for (const { id, version, s } of updates) {
    await tx.updateTable("shipment").set({ ...shipmentRow(s, ctx, voyageOf(s)), version }).where("id", "=", id).execute();
  }
  const ids = updates.map((u) => u.id);
  await tx.deleteFrom("shipment_goods").where("shipment_id", "in", ids).execute();
  await tx.deleteFrom("shipment_container").where("shipment_id", "in", ids).execute();
}

function versionRow(shipmentId: string, version: number, s: CleanShipment, ctx: StoreContext, diff: ReturnType<typeof diffSnapshots>): VersionRow {
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
