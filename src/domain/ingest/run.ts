import { sql, type Kysely } from "kysely";
import { withAgency, type Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { AppError, conflict } from "../../errors.ts";
import type { TradeFormat } from "../../trade/index.ts";
import type { Actor } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import { countUnmatched, insertEvents, quarantineHeld } from "./held.ts";
import { PendingChunk, takePart, type ParsedPart } from "./parts.ts";
import { closeFailedBatch } from "./recover.ts";
import { addOutcome, checkUsable, emptyReport, finishedBatch, type FileReport } from "./report.ts";
import type { StoreContext } from "./store-rows.ts";
import { storeShipments, type StoreOutcome } from "./store.ts";

/** Shipments per transaction: big enough for bulk inserts, small enough to keep memory flat. */
export const CHUNK = 1000;

/**
 * Shipments per transaction on the embedded database: it has one connection, so shorter
 * transactions let other users in between them (and keep its memory lower).
 */
export const EMBEDDED_CHUNK = 250;

/** The file being ingested and, once read, its digest. */
export interface IngestTarget {
  fileName: string;
  format: TradeFormat;
  /** sha256 and size of the content; asked for after the last part was read. */
  digest(): { sha256: string; sizeBytes: number };
  /** Called after each stored chunk with the report so far. */
  onProgress?: (report: FileReport) => void;
  /** Shipments per transaction (CHUNK unless set; smaller keeps a single-connection database fair). */
  chunkSize?: number;
}

/** Reads parts without storing anything: the report of what an ingest would do. */
export async function dryRunParts(
  target: IngestTarget,
  parts: AsyncIterable<ParsedPart> | Iterable<ParsedPart>,
): Promise<FileReport> {
  const report = emptyReport(target.fileName, target.format);
  for await (const part of parts) {
    takePart(report, new PendingChunk(), part);
  }
  checkUsable(report);
  return report;
}

/**
 * Stores parts for the actor's agency, a chunk per transaction with its audit event: good
 * records land, bad ones go to quarantine with their reasons and raw text, the rest are set aside
 * with a reason, and the same message twice changes nothing. A file of which nothing landed or
 * waits in quarantine ends "rejected", saying why. A crash leaves whole chunks only, and a rerun
 * completes the file.
 * When reading or storing throws, the batch is marked "failed" with what it stored and the error
 * is rethrown; a batch whose process died is closed by recoverInterruptedBatches.
 */
export async function runIngest(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  target: IngestTarget,
  parts: AsyncIterable<ParsedPart> | Iterable<ParsedPart>,
): Promise<FileReport> {
  const report = emptyReport(target.fileName, target.format);
  const now = clock.now();
  const batch = await withAgency(db, actor.agencyId, (tx) =>
    tx
      .insertInto("ingest_batch")
      // The digest is known only once the stream has been read; the batch is completed with it.
      .values({
        agency_id: actor.agencyId,
        file_name: target.fileName,
        format: target.format,
        content_sha256: "0".repeat(64),
        size_bytes: 0,
        received_by: actor.userId,
        received_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow(),
  );
  report.batchId = batch.id;
  const ctx: StoreContext = { agencyId: actor.agencyId, batchId: batch.id, now, voyages: new Map() };
  // One chunk is stored while the next is parsed: the database works while JavaScript reads.
  // Chunks still commit one after the other, in file order.
  let storing: Promise<void> = Promise.resolve();
  let stored = 0;
  const store = async (chunk: PendingChunk): Promise<void> => {
    await storing;
    storing = storeChunk(db, actor, ctx, report, chunk).then(async () => {
      target.onProgress?.(report);
      if (++stored % VACUUM_STAGE_EVERY === 0) {
        await vacuumStage(db);
      }
    });
    // Marked as handled here; the failure surfaces at the next await of `storing`.
    storing.catch(() => undefined);
  };
  try {
    let chunk = new PendingChunk();
    for await (const part of parts) {
      takePart(report, chunk, part);
      if (chunk.size >= (target.chunkSize ?? CHUNK)) {
        await store(chunk);
        chunk = new PendingChunk();
      }
    }
    await store(chunk);
    await storing;
    await completeBatch(db, clock, actor, target, report);
  } catch (err) {
    // A chunk may still be committing: count what was stored once it has settled.
    await storing.catch(() => undefined);
    // Should this fail too (the database is gone), the heartbeat stops and recovery closes the batch.
    await failBatch(db, clock, actor, report, err).catch(() => undefined);
    throw err;
  }
  target.onProgress?.(report);
  return report;
}

/** Chunks after which the staging table's dead rows are cleared. */
const VACUUM_STAGE_EVERY = 16;

/**
 * Each chunk deletes its staged rows before it commits; the embedded engine has no autovacuum to
 * reclaim them, so a long file would grow the staging table by everything it staged.
 */
async function vacuumStage(db: Kysely<DB>): Promise<void> {
  await sql`vacuum ingest_stage`.execute(db);
}

/**
 * The heartbeat, first thing in a chunk's transaction: it holds the batch row for the chunk, so
 * recovery passes the batch by, and a batch that recovery closed (its process was taken for dead)
 * takes no more chunks. The server is also asked to look for its client every second while the
 * chunk's statements run: should the process die in the middle of one, the transaction ends
 * within a second rather than when the statement is done, and recovery finds the batch free.
 */
async function touchBatch(tx: Tx, batchId: string): Promise<void> {
  const { rows: alive } = await sql<{ id: string }>`
    with beat as (update ingest_batch set heartbeat_at = now() where id = ${batchId} and status = 'running' returning id)
    select id, set_config('client_connection_check_interval', '1000', true) from beat`.execute(tx);
  if (alive.length === 0) {
    throw conflict(
      "ingest_batch.closed",
      "The batch was closed as interrupted while it was still running; send the file again to complete it",
    );
  }
}

async function storeChunk(
  db: Kysely<DB>,
  actor: Actor,
  ctx: StoreContext,
  report: FileReport,
  chunk: PendingChunk,
): Promise<void> {
  if (chunk.size === 0) {
    return;
  }
  const done = await withAgency(db, actor.agencyId, async (tx) => {
    await touchBatch(tx, ctx.batchId);
    let stored: StoreOutcome | null = null;
    if (chunk.accepted.length > 0) {
      stored = await storeShipments(tx, ctx, chunk.accepted);
      await recordAudit(tx, actor, {
        action: "shipments.ingested",
        entityType: "ingest_batch",
        entityId: ctx.batchId,
        payload: {
          inserted: stored.inserted,
          replaced: stored.replaced,
          cancelled: stored.cancelled,
          unchanged: stored.unchanged,
          duplicates: stored.duplicates,
        },
      });
      for (const r of stored.rejected) {
        chunk.held.push({
          rejection: r,
          raw: (r.messageKey && chunk.rawByKey.get(r.messageKey)?.()) ?? "",
          record: null,
        });
      }
    }
    const newEvents = await insertEvents(tx, ctx, chunk.events);
    const unmatched = await countUnmatched(tx, chunk.events);
    await quarantineHeld(tx, ctx, report.format, chunk.held);
    return { stored, newEvents, unmatched };
  });
  // The report takes a chunk's outcome once it has committed.
  if (done.stored) {
    addOutcome(report, done.stored);
  }
  report.events += done.newEvents - chunk.events.length;
  report.unmatched += done.unmatched;
}

async function completeBatch(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  target: IngestTarget,
  report: FileReport,
): Promise<void> {
  const batchId = report.batchId as string;
  const { sha256, sizeBytes } = target.digest();
  const isUsable = checkUsable(report);
  await withAgency(db, actor.agencyId, async (tx) => {
    await touchBatch(tx, batchId);
    await tx
      .updateTable("ingest_batch")
      .set({
        ...finishedBatch(report, isUsable ? "completed" : "rejected", clock.now()),
        content_sha256: sha256,
        size_bytes: sizeBytes,
      })
      .where("id", "=", batchId)
      .execute();
    await recordAudit(tx, actor, {
      action: isUsable ? "manifest.ingested" : "manifest.rejected",
      entityType: "ingest_batch",
      entityId: batchId,
      payload: {
        file: target.fileName,
        format: report.format,
        shipments: report.shipments,
        events: report.events,
        stowage: report.stowage,
        quarantined: report.quarantined,
        setAside: report.records.setAside,
        errors: report.errorCount,
      },
    });
  });
  await vacuumStage(db);
  // A large file moves the planner's statistics; the embedded engine has no autovacuum to notice.
  if (report.shipments >= ANALYZE_AFTER_SHIPMENTS) {
    await sql`analyze shipment, shipment_listing, shipment_goods, shipment_container`.execute(db);
  }
}

/** Shipments landed by one file after which the work-list tables' statistics are gathered again. */
const ANALYZE_AFTER_SHIPMENTS = 1000;

/** Marks the batch "failed" with what it stored and why, unless recovery closed it already. */
async function failBatch(db: Kysely<DB>, clock: Clock, actor: Actor, report: FileReport, err: unknown): Promise<void> {
  const batchId = report.batchId as string;
  // Messages of errors the caller may see go in the report; others (a database error) only in the audit log.
  const isSafe = err instanceof AppError && err.statusCode < 500;
  const message = err instanceof Error ? err.message : String(err);
  await withAgency(db, actor.agencyId, async (tx) => {
    const running = await tx
      .selectFrom("ingest_batch")
      .select("id")
      .where("id", "=", batchId)
      .where("status", "=", "running")
      .forUpdate()
      .executeTakeFirst();
    if (!running) {
      return;
    }
    await closeFailedBatch(tx, clock, batchId, report, {
      actor,
      agencyId: actor.agencyId,
      action: "manifest.failed",
      finding: {
        where: report.file,
        code: err instanceof AppError ? err.code : "ingest.failed",
        message: `The ingest stopped: ${isSafe ? message : "internal error"}; the shipments stored before are kept, send the file again to complete it`,
      },
      payload: { error: message.slice(0, 500) },
    });
  });
}
