import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { copyRows, copyText, type Tx } from "../../db/database.ts";
import type { CleanShipment } from "./validate.ts";

/** Where the shipments come from and who owns them. */
export interface StoreContext {
  agencyId: string;
  batchId: string;
  now: Date;
  /** Voyage ids already resolved while storing this file (filled in as chunks go by). */
  voyages?: Map<string, string>;
}

// A run of shipments is written in two steps. Its rows are COPYed into the staging table
// (migrations/0018), one per shipment with the snapshot its version keeps; then each target table
// gets one INSERT … SELECT from there, under the agency's row-level security, with the shipment's
// columns, search text, goods lines and containers taken from the snapshot by the database.

/** A field that an amendment changed. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** What becomes of one shipment of the run, decided before anything is written. */
export interface StagedShipment {
  /** insert: new; update: the next version of a known bill; keep: the same content under a new message. */
  action: "insert" | "update" | "keep";
  /** The shipment's id: new for an insert, the stored one otherwise. */
  id: string;
  version: number;
  s: CleanShipment;
  voyageId: string | null;
  diff: readonly FieldChange[];
  /** JSON of the snapshot the version keeps (store.ts, snapshotOf). */
  snapshot: string;
}

const STAGE_COLUMNS = ["stage_id", "shipment_id", "version", "action", "voyage_id", "message_key", "message_ref", "content_sha256", "function", "snapshot", "diff"];

/** The run as COPY text: a line per shipment. */
function stageText(stageId: string, rows: readonly StagedShipment[]): string {
  const lines: string[] = [];
  for (const r of rows) {
    const snapshot = r.action === "keep" ? "\\N" : copyText(r.snapshot);
    const diff = r.diff.length === 0 ? "[]" : copyText(JSON.stringify(r.diff));
    lines.push(
      `${stageId}\t${r.id}\t${r.version}\t${r.action}\t${copyText(r.voyageId)}\t${copyText(r.s.messageKey)}\t${copyText(r.s.messageRef)}\t${r.s.contentHash}\t${r.s.function}\t${snapshot}\t${diff}\n`,
    );
  }
  return lines.join("");
}

const SHIPMENT_COLUMNS = [
  "bill_of_lading",
  "carrier_scac",
  "voyage_id",
  "port_of_loading",
  "port_of_discharge",
  "final_destination",
  "shipper_name",
  "shipper_address",
  "shipper_country",
  "consignee_name",
  "consignee_address",
  "consignee_country",
  "notify_name",
  "etd",
  "last_message_ref",
  "is_cancelled",
  "search_text",
  "shipper_name_native",
  "consignee_name_native",
  "notify_name_native",
] as const;

/**
 * Writes a planned run through the caller's transaction: new shipments, amendments (the row
 * rewritten, its goods and containers replaced), goods, containers, versions, the message keys
 * (so the same message again changes nothing), and the work list's rows, refreshed once for the
 * run rather than by each table's trigger.
 */
export async function writeStaged(tx: Tx, ctx: StoreContext, rows: readonly StagedShipment[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const stage = randomUUID();
  await copyRows(tx, "ingest_stage", STAGE_COLUMNS, stageText(stage, rows));
  const writes = rows.some((r) => r.action !== "keep");
  if (writes) {
    await sql`select set_config('reciprocity.listing_refresh', 'caller', true)`.execute(tx);
    if (rows.some((r) => r.action === "insert")) {
      await insertShipments(tx, ctx, stage);
    }
    if (rows.some((r) => r.action === "update")) {
      await updateShipments(tx, ctx, stage);
    }
    await insertLines(tx, stage);
    await insertVersions(tx, ctx, stage);
  }
  await insertMessageKeys(tx, ctx, stage);
  if (writes) {
    await sql`select ingest_stage_refresh_listing(${stage}::uuid), set_config('reciprocity.listing_refresh', '', true)`.execute(tx);
  }
  await sql`delete from ingest_stage where stage_id = ${stage}::uuid`.execute(tx);
}

const columnList = sql.join(SHIPMENT_COLUMNS.map((c) => sql.ref(c)));

async function insertShipments(tx: Tx, ctx: StoreContext, stage: string): Promise<void> {
  await sql`
    insert into shipment (id, owner_agency_id, filed_at, ${columnList})
    select id, ${ctx.agencyId}::uuid, ${ctx.now.toISOString()}::timestamptz, ${columnList}
    from ingest_stage_shipment where stage_id = ${stage}::uuid and action = 'insert'`.execute(tx);
}

/** Amendments: the rows rewritten with their next version, their goods and containers removed to be written again. */
async function updateShipments(tx: Tx, ctx: StoreContext, stage: string): Promise<void> {
  const assignments = sql.join(SHIPMENT_COLUMNS.map((c) => sql`${sql.ref(c)} = st.${sql.ref(c)}`));
  await sql`
    update shipment s set ${assignments}, filed_at = ${ctx.now.toISOString()}::timestamptz, version = st.version
    from ingest_stage_shipment st where st.stage_id = ${stage}::uuid and st.action = 'update' and s.id = st.id`.execute(tx);
  const amended = sql`select shipment_id from ingest_stage where stage_id = ${stage}::uuid and action = 'update'`;
  await sql`delete from shipment_goods where shipment_id in (${amended})`.execute(tx);
  await sql`delete from shipment_container where shipment_id in (${amended})`.execute(tx);
}

/** Goods lines and containers of the run's shipments, one statement each; a container listed twice is stored once, as last listed. */
async function insertLines(tx: Tx, stage: string): Promise<void> {
  // A line number given twice keeps its first line. The shipments' old lines are gone (new, or
  // deleted by updateShipments), so nothing else can conflict.
  await sql`
    insert into shipment_goods (shipment_id, line_no, hs_code, description, packages, package_type, gross_weight_kg, container_no)
    select distinct on (st.shipment_id, g."lineNo")
      st.shipment_id, g."lineNo", g."hsCode", g.description, g.packages, g."packageType", g."grossWeightKg", g."containerNo"
    from ingest_stage st
    cross join rows from (jsonb_to_recordset(st.snapshot -> 'goods')
      as ("lineNo" int, "hsCode" text, description text, packages int, "packageType" text, "grossWeightKg" numeric, "containerNo" text))
      with ordinality as g("lineNo", "hsCode", description, packages, "packageType", "grossWeightKg", "containerNo", n)
    where st.stage_id = ${stage}::uuid and st.action <> 'keep'
    order by st.shipment_id, g."lineNo", g.n`.execute(tx);
  await sql`
    insert into shipment_container (shipment_id, container_no, size_type, seal_no, is_full)
    select distinct on (st.shipment_id, c.value ->> 'containerNo')
      st.shipment_id, c.value ->> 'containerNo', c.value ->> 'sizeType', c.value ->> 'sealNo', (c.value ->> 'isFull')::boolean
    from ingest_stage st
    cross join jsonb_array_elements(st.snapshot -> 'containers') with ordinality c(value, n)
    where st.stage_id = ${stage}::uuid and st.action <> 'keep'
    order by st.shipment_id, c.value ->> 'containerNo', c.n desc`.execute(tx);
}

async function insertVersions(tx: Tx, ctx: StoreContext, stage: string): Promise<void> {
  await sql`
    insert into shipment_version (shipment_id, version, function, message_ref, batch_id, snapshot, diff, recorded_at)
    select shipment_id, version, function, message_ref, ${ctx.batchId}::uuid, snapshot, diff, ${ctx.now.toISOString()}::timestamptz
    from ingest_stage where stage_id = ${stage}::uuid and action <> 'keep'`.execute(tx);
}

/** Records the run's messages, so the same message again changes nothing. */
async function insertMessageKeys(tx: Tx, ctx: StoreContext, stage: string): Promise<void> {
  await sql`
    insert into ingest_message (agency_id, message_key, content_sha256, batch_id, received_at)
    select ${ctx.agencyId}::uuid, message_key, content_sha256, ${ctx.batchId}::uuid, ${ctx.now.toISOString()}::timestamptz
    from ingest_stage where stage_id = ${stage}::uuid
    on conflict (agency_id, message_key) do nothing`.execute(tx);
}
