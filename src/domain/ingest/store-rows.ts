import type { Tx } from "../../db/database.ts";
import { insertUnnest, type BulkColumn } from "./bulk.ts";
import type { StoreContext, shipmentRow } from "./store.ts";
import type { CleanShipment } from "./validate.ts";

/** A new shipment row with the id it gets. */
export type ShipmentInsert = ReturnType<typeof shipmentRow> & { id: string };

/** A shipment_version row. */
export interface VersionRow {
  shipment_id: string;
  version: number;
  function: string;
  message_ref: string;
  batch_id: string;
  snapshot: string;
  diff: string;
  recorded_at: Date;
}

type Goods = CleanShipment["goods"][number] & { shipmentId: string };
type Container = CleanShipment["containers"][number] & { shipmentId: string };

const SHIPMENT: readonly BulkColumn<ShipmentInsert>[] = [
  ["id", "uuid", (r) => r.id],
  ["owner_agency_id", "uuid", (r) => r.owner_agency_id],
  ["bill_of_lading", "text", (r) => r.bill_of_lading],
  ["carrier_scac", "text", (r) => r.carrier_scac],
  ["voyage_id", "uuid", (r) => r.voyage_id],
  ["port_of_loading", "text", (r) => r.port_of_loading],
  ["port_of_discharge", "text", (r) => r.port_of_discharge],
  ["final_destination", "text", (r) => r.final_destination],
  ["shipper_name", "text", (r) => r.shipper_name],
  ["shipper_address", "text", (r) => r.shipper_address],
  ["shipper_country", "text", (r) => r.shipper_country],
  ["consignee_name", "text", (r) => r.consignee_name],
  ["consignee_address", "text", (r) => r.consignee_address],
  ["consignee_country", "text", (r) => r.consignee_country],
  ["notify_name", "text", (r) => r.notify_name],
  ["etd", "timestamptz", (r) => r.etd],
  ["filed_at", "timestamptz", (r) => r.filed_at.toISOString()],
  ["last_message_ref", "text", (r) => r.last_message_ref],
  ["is_cancelled", "boolean", (r) => r.is_cancelled],
  ["search_text", "text", (r) => r.search_text],
];

const GOODS: readonly BulkColumn<Goods>[] = [
  ["shipment_id", "uuid", (g) => g.shipmentId],
  ["line_no", "int", (g) => g.lineNo],
  ["hs_code", "text", (g) => g.hsCode],
  ["description", "text", (g) => g.description],
  ["packages", "int", (g) => g.packages],
  ["package_type", "text", (g) => g.packageType],
  ["gross_weight_kg", "numeric", (g) => g.grossWeightKg],
  ["container_no", "text", (g) => g.containerNo],
];

const CONTAINER: readonly BulkColumn<Container>[] = [
  ["shipment_id", "uuid", (c) => c.shipmentId],
  ["container_no", "text", (c) => c.containerNo],
  ["size_type", "text", (c) => c.sizeType],
  ["seal_no", "text", (c) => c.sealNo],
  ["is_full", "boolean", (c) => c.isFull],
];

const VERSION: readonly BulkColumn<VersionRow>[] = [
  ["shipment_id", "uuid", (v) => v.shipment_id],
  ["version", "int", (v) => v.version],
  ["function", "text", (v) => v.function],
  ["message_ref", "text", (v) => v.message_ref],
  ["batch_id", "uuid", (v) => v.batch_id],
  ["snapshot", "jsonb", (v) => v.snapshot],
  ["diff", "jsonb", (v) => v.diff],
  ["recorded_at", "timestamptz", (v) => v.recorded_at.toISOString()],
];

/** Inserts new shipments in one statement. */
export function insertShipments(tx: Tx, rows: readonly ShipmentInsert[]): Promise<void> {
  return insertUnnest(tx, "shipment", SHIPMENT, rows);
}

/** Inserts the goods lines and containers of shipments, one statement each (a container listed twice is stored once). */
export async function insertLines(tx: Tx, rows: readonly { id: string; s: CleanShipment }[]): Promise<void> {
  const goods = rows.flatMap(({ id, s }) => s.goods.map((g) => ({ ...g, shipmentId: id })));
  const containers = rows.flatMap(({ id, s }) => [...new Map(s.containers.map((c) => [c.containerNo, { ...c, shipmentId: id }])).values()]);
  await insertUnnest(tx, "shipment_goods", GOODS, goods, "on conflict (shipment_id, line_no) do nothing");
  await insertUnnest(tx, "shipment_container", CONTAINER, containers);
}

/** Inserts shipment versions in one statement. */
export function insertVersions(tx: Tx, rows: readonly VersionRow[]): Promise<void> {
  return insertUnnest(tx, "shipment_version", VERSION, rows);
}

/** Records the accepted messages, so the same message again changes nothing. */
export function insertMessageKeys(tx: Tx, ctx: StoreContext, accepted: readonly CleanShipment[]): Promise<void> {
  const columns: readonly BulkColumn<CleanShipment>[] = [
    ["agency_id", "uuid", () => ctx.agencyId],
    ["message_key", "text", (s) => s.messageKey],
    ["content_sha256", "text", (s) => s.contentHash],
    ["batch_id", "uuid", () => ctx.batchId],
    ["received_at", "timestamptz", () => ctx.now.toISOString()],
  ];
  return insertUnnest(tx, "ingest_message", columns, accepted, "on conflict (agency_id, message_key) do nothing");
}
