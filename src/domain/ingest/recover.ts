import { sql, type Kysely } from "kysely";
import type { Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import type { TradeFormat } from "../../trade/index.ts";
import type { Actor } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import { addError, emptyReport, FINDINGS_KEPT, finishedBatch, type FileReport, type Finding } from "./report.ts";

// A batch stops half-way when its ingest throws (runIngest closes it then) or when its process
// dies (start-up recovery closes it). Either way it ends "failed", counting what it stored: the
// rows that carry its id. Those are whole chunks only, so sending the file again completes it.

/** A running batch whose heartbeat is older than this belongs to a process that died. */
export const STALE_AFTER_MS = 2 * 60_000;

/** What a batch stored, counted from the rows that carry its id. */
export interface StoredCounts {
  /** Distinct message references among its shipment versions and events. */
  messages: number;
  /** Shipment versions it wrote (new, amended or cancelled shipments). */
  shipments: number;
  containers: number;
  events: number;
  inserted: number;
  replaced: number;
  cancelled: number;
  quarantined: number;
}

/** Counts what the batch stored. */
export async function countStored(tx: Tx, batchId: string): Promise<StoredCounts> {
  const { rows } = await sql<Record<keyof StoredCounts, number>>`
    with v as (
      select version, function, message_ref, jsonb_array_length(coalesce(snapshot -> 'containers', '[]'::jsonb)) as boxes
      from shipment_version where batch_id = ${batchId}
    ), e as (
      select message_ref from container_event where batch_id = ${batchId}
    )
    select
      (select count(*) from (select message_ref from v union select message_ref from e) m where m.message_ref is not null)::int as messages,
      (select count(*) from v)::int as shipments,
      (select coalesce(sum(boxes), 0) from v)::int as containers,
      (select count(*) from e)::int as events,
      (select count(*) from v where version = 1)::int as inserted,
      (select count(*) from v where version > 1 and function <> 'cancel')::int as replaced,
      (select count(*) from v where function = 'cancel')::int as cancelled,
      (select count(*) from quarantine_record where batch_id = ${batchId})::int as quarantined`.execute(tx);
  const row = rows[0] as Record<keyof StoredCounts, number>;
  return {
    messages: Number(row.messages),
    shipments: Number(row.shipments),
    containers: Number(row.containers),
    events: Number(row.events),
    inserted: Number(row.inserted),
    replaced: Number(row.replaced),
    cancelled: Number(row.cancelled),
    quarantined: Number(row.quarantined),
  };
}

/** How a stopped batch is closed: who or what closed it, why, and the audit event. */
export interface Closing {
  actor: Actor | null;
  agencyId: string;
  action: "manifest.failed" | "manifest.interrupted";
  finding: Finding;
  payload?: Record<string, unknown>;
}

/**
 * Marks a running batch, already locked by the caller's transaction, "failed": counts from what
 * it stored, the findings so far with the reason it stopped first, and its audit event.
 */
export async function closeFailedBatch(
  tx: Tx,
  clock: Clock,
  batchId: string,
  base: FileReport,
  closing: Closing,
): Promise<FileReport> {
  const counts = await countStored(tx, batchId);
  const report: FileReport = {
    ...base,
    ...counts,
    batchId,
    errors: [closing.finding, ...base.errors].slice(0, FINDINGS_KEPT),
    errorCount: base.errorCount + 1,
  };
  await tx
    .updateTable("ingest_batch")
    .set(finishedBatch(report, "failed", clock.now()))
    .where("id", "=", batchId)
    .execute();
  await recordAudit(tx, closing.actor, {
    action: closing.action,
    entityType: "ingest_batch",
    entityId: batchId,
    otherAgencyIds: [closing.agencyId],
    payload: {
      file: report.file,
      format: report.format,
      shipments: report.shipments,
      events: report.events,
      quarantined: report.quarantined,
      ...closing.payload,
    },
  });
  return report;
}

/** Options for recoverInterruptedBatches. */
export interface RecoveryOptions {
  /**
   * True when no other process can be using the database, as with embedded PGlite, whose data
   * folder one process opens at a time: every batch still running is then from a dead process.
   */
  isSoleProcess?: boolean;
  /** How old a heartbeat must be before its batch counts as interrupted (default STALE_AFTER_MS). */
  staleAfterMs?: number;
}

/** A batch closed by recovery. */
export interface RecoveredBatch {
  id: string;
  fileName: string;
  shipments: number;
}

/**
 * Closes the batches whose process died mid-ingest, before the server listens: each is marked
 * "failed" with the counts of what it stored and a finding saying it was interrupted, audited as
 * "manifest.interrupted" in the same transaction.
 *
 * Live or dead: runIngest touches `heartbeat_at` (database clock) first thing in every chunk's
 * transaction, so a batch is dead once its heartbeat is older than `staleAfterMs` — or at once
 * when this is the database's only process. A system job like the deadline sweep: it runs as the
 * owner across agencies and claims one batch per transaction with SKIP LOCKED, so processes that
 * start together each close different batches, and a batch whose chunk is being stored (its row
 * locked by the heartbeat) is passed by. Should a slow process outlive its heartbeat, its next
 * chunk finds the batch closed and stops without storing, so the counts stay true.
 */
export async function recoverInterruptedBatches(
  db: Kysely<DB>,
  clock: Clock,
  options: RecoveryOptions = {},
): Promise<RecoveredBatch[]> {
  const staleAfterMs = options.staleAfterMs ?? STALE_AFTER_MS;
  const recovered: RecoveredBatch[] = [];
  for (;;) {
    const closed = await db.transaction().execute(async (tx) => {
      const batch = await tx
        .selectFrom("ingest_batch")
        .select(["id", "agency_id", "file_name", "format", "heartbeat_at"])
        .where("status", "=", "running")
        .$if(options.isSoleProcess !== true, (qb) =>
          qb.where(
            "heartbeat_at",
            "<",
            sql<Date>`now() - cast(${staleAfterMs} as double precision) * interval '1 millisecond'`,
          ),
        )
        .orderBy("received_at")
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!batch) {
        return null;
      }
      const report = await closeFailedBatch(
        tx,
        clock,
        batch.id,
        await heldReport(tx, batch.id, batch.file_name, batch.format as TradeFormat),
        {
          actor: null,
          agencyId: batch.agency_id,
          action: "manifest.interrupted",
          finding: {
            where: batch.file_name,
            code: "ingest.interrupted",
            message: `The ingest stopped when its process ended (last heard from at ${batch.heartbeat_at.toISOString()}); the shipments stored before are kept, send the file again to complete it`,
          },
          payload: { lastHeartbeat: batch.heartbeat_at.toISOString() },
        },
      );
      return { id: batch.id, fileName: batch.file_name, shipments: report.shipments };
    });
    if (!closed) {
      return recovered;
    }
    recovered.push(closed);
  }
}

/** The report of a batch whose process died: its quarantined records are its only findings left. */
async function heldReport(tx: Tx, batchId: string, fileName: string, format: TradeFormat): Promise<FileReport> {
  const report = emptyReport(fileName, format);
  const held = await tx
    .selectFrom("quarantine_record")
    .select(["location", "reasons"])
    .where("batch_id", "=", batchId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  for (const h of held) {
    for (const reason of h.reasons as { code: string; message: string }[]) {
      addError(report, { where: h.location, code: reason.code, message: reason.message });
    }
  }
  return report;
}
