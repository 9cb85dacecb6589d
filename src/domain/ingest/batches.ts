import { sql, type Kysely } from "kysely";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { conflict, notFound } from "../../errors.ts";
import type { TradeFormat } from "../../trade/index.ts";
import { requireRole, shipmentIsVisible } from "../access.ts";
import type { Actor } from "../actor.ts";
import { recordAudit, recordSharedRead } from "../audit.ts";
import type { Clock } from "../clock.ts";
import { afterCursor, decodeCursor, toPage, type Page } from "../paging.ts";
import { ingestManifest } from "./ingest-manifest.ts";
import { emptyReport, type FileReport } from "./report.ts";
import { diffSnapshots, type Snapshot } from "./store.ts";
import type { BatchSummary, QuarantineItem, ShipmentVersion } from "../../contract/manifests.ts";

export type { BatchSummary, QuarantineItem, ShipmentVersion } from "../../contract/manifests.ts";

/**
 * Lists the agency's ingest batches, newest first. Status is "running", "completed", "rejected"
 * (nothing in the file could be used; its report says why) or "failed" (stopped by an error or by
 * its process ending; its counts are what it stored).
 */
export async function listBatches(
  db: Kysely<DB>,
  actor: Actor,
  query: { limit: number; cursor?: string },
): Promise<Page<BatchSummary>> {
  requireRole(actor, ["admin", "ingest", "targeter", "supervisor"], "read ingest batches");
  const after = query.cursor ? decodeCursor(query.cursor, "ingest-batches") : null;
  const rows = await withAgency(db, actor.agencyId, (tx) =>
    tx
      .selectFrom("ingest_batch as b")
      .leftJoin("app_user as u", "u.id", "b.received_by")
      .select([
        "b.id",
        "b.file_name",
        "b.format",
        "b.status",
        "b.received_at",
        "u.username",
        "b.messages",
        "b.shipments",
        "b.containers",
        "b.events",
        "b.errors",
        "b.warnings",
      ])
      .$if(after !== null, (qb) =>
        qb.where(
          afterCursor(after!, {
            value: "b.received_at",
            id: "b.id",
            order: "desc",
            valueType: "timestamptz",
            idType: "uuid",
          }),
        ),
      )
      .orderBy("b.received_at", "desc")
      .orderBy("b.id", "desc")
      .limit(query.limit + 1)
      .execute(),
  );
  const page = toPage(rows, query.limit, (r) => ({ value: r.received_at.toISOString(), id: r.id }), "ingest-batches");
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((r) => ({
      id: r.id,
      fileName: r.file_name,
      format: r.format,
      status: r.status,
      receivedAt: r.received_at.toISOString(),
      receivedBy: r.username,
      messages: r.messages,
      shipments: r.shipments,
      containers: r.containers,
      events: r.events,
      errors: r.errors,
      warnings: r.warnings,
    })),
  };
}

/**
 * The full report of one batch. A completed or failed batch keeps the report it ended with (a
 * failed one counts what it stored, its first error says why it stopped); a running one has only
 * its counts so far.
 */
export async function getBatchReport(db: Kysely<DB>, actor: Actor, id: string): Promise<FileReport> {
  requireRole(actor, ["admin", "ingest", "targeter", "supervisor"], "read ingest batches");
  const row = await withAgency(db, actor.agencyId, (tx) =>
    tx
      .selectFrom("ingest_batch")
      .select(["status", "report", "file_name", "format", "messages", "shipments", "containers", "events"])
      .where("id", "=", id)
      .executeTakeFirst(),
  );
  if (!row) {
    throw notFound("ingest_batch");
  }
  const empty = emptyReport(row.file_name, row.format as TradeFormat);
  if (row.status === "running") {
    const { messages, shipments, containers, events } = row;
    return { ...empty, messages, shipments, containers, events, batchId: id };
  }
  // Reports stored before a field existed read it as its empty value.
  return { ...empty, ...(row.report as Partial<FileReport>) };
}

/** Lists quarantined records of the agency. */
export async function listQuarantine(
  db: Kysely<DB>,
  actor: Actor,
  query: { status?: string; limit: number; cursor?: string },
): Promise<Page<QuarantineItem>> {
  requireRole(actor, ["admin", "ingest"], "read the quarantine");
  const after = query.cursor ? decodeCursor(query.cursor, "quarantine") : null;
  const rows = await withAgency(db, actor.agencyId, (tx) =>
    tx
      .selectFrom("quarantine_record")
      .selectAll()
      .$if(query.status !== undefined, (qb) => qb.where("status", "=", query.status as string))
      .$if(after !== null, (qb) =>
        qb.where(
          afterCursor(after!, {
            value: "created_at",
            id: "id",
            order: "desc",
            valueType: "timestamptz",
            idType: "uuid",
          }),
        ),
      )
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(query.limit + 1)
      .execute(),
  );
  const page = toPage(rows, query.limit, (r) => ({ value: r.created_at.toISOString(), id: r.id }), "quarantine");
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((r) => ({
      id: r.id,
      batchId: r.batch_id,
      format: r.format,
      location: r.location,
      reasons: r.reasons as QuarantineItem["reasons"],
      rawText: r.raw_text,
      status: r.status,
      createdAt: r.created_at.toISOString(),
      resolvedAt: r.resolved_at?.toISOString() ?? null,
      resolvedBatchId: r.resolved_batch_id,
    })),
  };
}

/**
 * Ingests corrected text for a quarantined record as a new batch; the record is resolved when
 * the new batch lands every record it holds.
 */
export async function resubmitQuarantined(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
  text: string,
): Promise<{ report: FileReport; isResolved: boolean }> {
  requireRole(actor, ["admin", "ingest"], "resubmit quarantined records");
  const item = await withAgency(db, actor.agencyId, (tx) =>
    tx
      .selectFrom("quarantine_record")
      .select(["id", "format", "status", "location"])
      .where("id", "=", id)
      .executeTakeFirst(),
  );
  if (!item) {
    throw notFound("quarantine_record");
  }
  if (item.status !== "open") {
    throw conflict("quarantine_record.closed", `The record is already ${item.status}`);
  }
  const report = await ingestManifest(db, clock, actor, {
    fileName: `resubmission of ${item.location}`,
    text,
    format: item.format === "unknown" ? undefined : (item.format as never),
  });
  const isResolved = report.quarantined === 0 && report.shipments > 0;
  if (isResolved) {
    await withAgency(db, actor.agencyId, async (tx) => {
      await tx
        .updateTable("quarantine_record")
        .set({
          status: "resubmitted",
          resolved_batch_id: report.batchId,
          resolved_by: actor.userId,
          resolved_at: clock.now(),
        })
        .where("id", "=", id)
        .execute();
      await recordAudit(tx, actor, {
        action: "quarantine.resubmitted",
        entityType: "quarantine_record",
        entityId: id,
        payload: { batchId: report.batchId },
      });
    });
  }
  return { report, isResolved };
}

/** A shipment's versions with the fields each one changed. */
export async function listShipmentVersions(
  db: Kysely<DB>,
  actor: Actor,
  shipmentId: string,
): Promise<ShipmentVersion[]> {
  const rows = await withAgency(db, actor.agencyId, async (tx) => {
    const shipment = await tx
      .selectFrom("shipment as s")
      .select(["s.id", "s.owner_agency_id"])
      .where(shipmentIsVisible(actor))
      .where("s.id", "=", shipmentId)
      .executeTakeFirst();
    if (!shipment) {
      throw notFound("shipment");
    }
    const isOwner = shipment.owner_agency_id === actor.agencyId;
    // Another agency sees only the versions that its agreement itself covered: a shipment first
    // filed for elsewhere shows nothing of the time before it was shared.
    const versions = await tx
      .selectFrom("shipment_version as sv")
      .select(["sv.version", "sv.function", "sv.message_ref", "sv.recorded_at", "sv.diff", "sv.snapshot"])
      .select(
        sql<boolean>`${isOwner} or exists (
          select 1 from agreement a
          where a.provider_agency_id = ${shipment.owner_agency_id} and a.recipient_agency_id = ${actor.agencyId}
            and agreement_covers(a, substr(sv.snapshot->>'portOfDischarge', 1, 2),
                                 substr(coalesce(sv.snapshot->>'finalDestination', sv.snapshot->>'portOfDischarge'), 1, 2),
                                 coalesce((sv.snapshot->>'etd')::timestamptz, sv.recorded_at)))`.as("is_shared"),
      )
      .where("sv.shipment_id", "=", shipmentId)
      .orderBy("sv.version", "asc")
      .execute();
    await recordSharedRead(tx, actor, {
      action: "shipment.versions_viewed",
      entityType: "shipment",
      entityId: shipmentId,
      records: [{ id: shipmentId, ownerAgencyId: shipment.owner_agency_id }],
    });
    return versions;
  });
  const shown: ShipmentVersion[] = [];
  let previousShown = 0;
  for (const r of rows) {
    if (!r.is_shared) {
      continue;
    }
    // After a version the caller did not see, the diff starts from nothing rather than from it.
    const followsHidden = r.version !== previousShown + 1;
    shown.push({
      version: r.version,
      function: r.function,
      messageRef: r.message_ref,
      recordedAt: r.recorded_at.toISOString(),
      diff: followsHidden ? diffSnapshots({}, r.snapshot as Snapshot) : (r.diff as ShipmentVersion["diff"]),
    });
    previousShown = r.version;
  }
  return shown.reverse();
}
