import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { withAgency, type Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import type { CsvLayout } from "../../trade/csv/layout.ts";
import { parseMessageText } from "../../trade/detect.ts";
import type { ContainerEvent, ParseResult, TradeFormat } from "../../trade/records.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import { rawTextOf } from "./raw-text.ts";
import { storeShipments, type StoreOutcome } from "./store.ts";
import { describeDiagnostic, validateShipment, type CleanShipment, type Rejection } from "./validate.ts";

/** Shipments per transaction: big enough for bulk inserts, small enough to keep memory flat. */
const CHUNK = 500;

/** One file to ingest. */
export interface IngestInput {
  fileName: string;
  text: string;
  format?: TradeFormat;
  csvLayout?: CsvLayout;
}

/** A finding in the report: where, a stable code, and what is wrong. */
export interface Finding {
  where: string;
  code: string;
  message: string;
}

/** What happened to one file; the CLI and the API print exactly this. */
export interface FileReport {
  file: string;
  format: TradeFormat;
  messages: number;
  shipments: number;
  containers: number;
  events: number;
  errors: Finding[];
  warnings: Finding[];
  batchId: string | null;
  inserted: number;
  replaced: number;
  cancelled: number;
  unchanged: number;
  duplicates: number;
  quarantined: number;
}

interface Analysis {
  parsed: ParseResult;
  accepted: CleanShipment[];
  rejected: { rejection: Rejection; raw: string; record: unknown }[];
  events: ContainerEvent[];
  sha256: string;
  /** Raw text of each accepted record, kept in case storage rejects it. */
  rawByKey: Map<string, () => string>;
}

/** Parses and validates a file without touching a database. */
export function analyseFile(input: IngestInput): Analysis {
  const sha256 = createHash("sha256").update(input.text).digest("hex");
  const parsed = parseMessageText(input.text, { format: input.format, file: input.fileName, csvLayout: input.csvLayout });
  const accepted: CleanShipment[] = [];
  const rejected: Analysis["rejected"] = [];
  const rawByKey = new Map<string, () => string>();
  for (const record of parsed.shipments) {
    const checked = validateShipment(record, { format: parsed.format, fileSha256: sha256 });
    if (checked.ok) {
      accepted.push(checked.value);
      rawByKey.set(checked.value.messageKey, () => rawTextOf(input.text, parsed.format, record.source) ?? JSON.stringify(record));
    } else {
      rejected.push({ rejection: checked.rejection, raw: rawTextOf(input.text, parsed.format, record.source) ?? JSON.stringify(record), record });
    }
  }
  const events = parsed.containerEvents.filter((e) => e.containerValid);
  return { parsed, accepted, rejected, events, sha256, rawByKey };
}

function baseReport(input: IngestInput, a: Analysis): FileReport {
  const findings = (severity: "error" | "warning") =>
    a.parsed.diagnostics.filter((d) => d.severity === severity).map((d) => ({ where: describeDiagnostic(d), code: d.code, message: d.message }));
  const errors = findings("error");
  for (const { rejection } of a.rejected) {
    for (const reason of rejection.reasons) {
      errors.push({ where: rejection.location, code: reason.code, message: reason.message });
    }
  }
  return {
    file: input.fileName,
    format: a.parsed.format,
    messages: a.parsed.messages,
    shipments: a.accepted.length,
    containers: a.accepted.reduce((n, s) => n + s.containers.length, 0),
    events: a.events.length,
    errors,
    warnings: findings("warning"),
    batchId: null,
    inserted: 0,
    replaced: 0,
    cancelled: 0,
    unchanged: 0,
    duplicates: 0,
    quarantined: a.rejected.length,
  };
}

/** Parses and validates only: the report of what an ingest would do, without storing anything. */
export function dryRunIngest(input: IngestInput): FileReport {
  return baseReport(input, analyseFile(input));
}

async function insertEvents(tx: Tx, agencyId: string, batchId: string, now: Date, events: ContainerEvent[]): Promise<number> {
  if (events.length === 0) {
    return 0;
  }
  const rows = await tx
    .insertInto("container_event")
    .values(
      events.map((e) => ({
        agency_id: agencyId,
        container_no: e.container,
        event_type: e.eventType,
        event_time: e.time ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(e.time) ? e.time : `${e.time}Z`) : null,
        place: e.place ?? null,
        vessel_imo: e.vessel.imo ?? null,
        voyage_no: e.voyage ?? null,
        bill_of_lading: e.billOfLading ?? null,
        status_code: e.statusCode ?? null,
        is_planned: e.isPlanned,
        batch_id: batchId,
        message_ref: e.source.messageRef ?? null,
        recorded_at: now,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .execute();
  return rows.length;
}

/**
 * Ingests one file for the actor's agency: good records land, bad ones go to quarantine with
 * their reasons and raw text, and the same message twice changes nothing. Each chunk commits
 * with its audit event, so a crash leaves whole messages only and a rerun completes the file.
 */
export async function ingestFile(db: Kysely<DB>, clock: Clock, actor: Actor, input: IngestInput): Promise<FileReport> {
  requireRole(actor, ["admin", "ingest"], "ingest manifests");
  const analysis = analyseFile(input);
  const report = baseReport(input, analysis);
  const now = clock.now();
  const batch = await withAgency(db, actor.agencyId, (tx) =>
    tx
      .insertInto("ingest_batch")
      .values({
        agency_id: actor.agencyId,
        file_name: input.fileName,
        format: analysis.parsed.format,
        content_sha256: analysis.sha256,
        size_bytes: Buffer.byteLength(input.text),
        received_by: actor.userId,
        received_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow(),
  );
  report.batchId = batch.id;
  const ctx = { agencyId: actor.agencyId, batchId: batch.id, now };
  for (let i = 0; i < analysis.accepted.length; i += CHUNK) {
    const chunk = analysis.accepted.slice(i, i + CHUNK);
    const outcome = await withAgency(db, actor.agencyId, async (tx) => {
      const stored = await storeShipments(tx, ctx, chunk);
      await recordAudit(tx, actor, {
        action: "shipments.ingested",
        entityType: "ingest_batch",
        entityId: batch.id,
        payload: { inserted: stored.inserted, replaced: stored.replaced, cancelled: stored.cancelled, unchanged: stored.unchanged, duplicates: stored.duplicates },
      });
      return stored;
    });
    addOutcome(report, outcome, analysis);
  }
  report.events = await withAgency(db, actor.agencyId, (tx) => insertEvents(tx, actor.agencyId, batch.id, now, analysis.events));
  await withAgency(db, actor.agencyId, async (tx) => {
    // A record already waiting in quarantine with the same text is not queued twice.
    const waiting = analysis.rejected.length === 0 ? [] : await tx
      .selectFrom("quarantine_record")
      .select(["location", "raw_text"])
      .where("status", "=", "open")
      .where("location", "in", analysis.rejected.map((r) => r.rejection.location))
      .execute();
    const isWaiting = (r: Analysis["rejected"][number]) => waiting.some((w) => w.location === r.rejection.location && w.raw_text === r.raw);
    const toQueue = analysis.rejected.filter((r) => !isWaiting(r));
    if (toQueue.length > 0) {
      await tx
        .insertInto("quarantine_record")
        .values(
          toQueue.map((r) => ({
            agency_id: actor.agencyId,
            batch_id: batch.id,
            format: analysis.parsed.format,
            location: r.rejection.location,
            reasons: JSON.stringify(r.rejection.reasons),
            raw_text: r.raw,
            record: JSON.stringify(r.record),
            created_at: now,
          })),
        )
        .execute();
    }
    await tx
      .updateTable("ingest_batch")
      .set({
        status: "completed",
        messages: report.messages,
        shipments: report.shipments,
        containers: report.containers,
        events: report.events,
        errors: report.errors.length,
        warnings: report.warnings.length,
        report: JSON.stringify(report),
        completed_at: clock.now(),
      })
      .where("id", "=", batch.id)
      .execute();
    await recordAudit(tx, actor, {
      action: "manifest.ingested",
      entityType: "ingest_batch",
      entityId: batch.id,
      payload: { file: input.fileName, format: report.format, shipments: report.shipments, quarantined: report.quarantined, errors: report.errors.length },
    });
  });
  return report;
}

function addOutcome(report: FileReport, outcome: StoreOutcome, analysis: Analysis): void {
  report.inserted += outcome.inserted;
  report.replaced += outcome.replaced;
  report.cancelled += outcome.cancelled;
  report.unchanged += outcome.unchanged;
  report.duplicates += outcome.duplicates;
  for (const r of outcome.rejected) {
    report.shipments--;
    report.quarantined++;
    analysis.rejected.push({ rejection: r, raw: (r.messageKey && analysis.rawByKey.get(r.messageKey)?.()) ?? "", record: null });
    for (const reason of r.reasons) {
      report.errors.push({ where: r.location, code: reason.code, message: reason.message });
    }
  }
}
