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
// gets one INSERT … SELECT from there (migrations/0027), under the agency's row-level security,
// with the shipment's columns, search text, goods lines and containers taken from the snapshot by
// the database.

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

const STAGE_COLUMNS = [
  "stage_id",
  "shipment_id",
  "version",
  "action",
  "voyage_id",
  "message_key",
  "message_ref",
  "content_sha256",
  "function",
  "snapshot",
  "diff",
];

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

/**
 * Writes a planned run through the caller's transaction: new shipments, amendments (the row
 * rewritten, its goods and containers replaced), goods, containers, versions, the message keys
 * (so the same message again changes nothing), and the work list's rows, written once for the
 * run rather than by each table's trigger. The rows are COPYed into the staging table, then one
 * call (ingest_stage_write, migrations/0027) runs one set-based statement per table under the
 * caller's row-level security.
 */
export async function writeStaged(tx: Tx, ctx: StoreContext, rows: readonly StagedShipment[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const stage = randomUUID();
  await copyRows(tx, "ingest_stage", STAGE_COLUMNS, stageText(stage, rows));
  await sql`select ingest_stage_write(${stage}::uuid, ${ctx.agencyId}::uuid, ${ctx.batchId}::uuid, ${ctx.now.toISOString()}::timestamptz)`.execute(
    tx,
  );
}
