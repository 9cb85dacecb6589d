import type { Kysely } from "kysely";
import { withAgency, type Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { conflict, forbidden, invalid } from "../errors.ts";
import { requireRole } from "./access.ts";
import type { Actor } from "./actor.ts";
import { recordAudit } from "./audit.ts";
import type { Clock } from "./clock.ts";
import { storeFile } from "./files.ts";
import { loadRequest, lockRequest, type Disposition, type InspectionRequestView, type ScanType } from "./inspection-requests.ts";

/** Outcomes an officer can record. */
export const SCAN_OUTCOMES = ["no_alarm", "alarm", "anomaly", "no_anomaly", "inconclusive"] as const;
export type ScanOutcome = (typeof SCAN_OUTCOMES)[number];

/** A recorded scan with its evidence file, if any. */
export interface ScanView {
  id: string;
  scanType: ScanType;
  outcome: ScanOutcome;
  notes: string;
  officer: string;
  site: string | null;
  scannedAt: string;
  recordedAt: string;
  file: { sha256: string; name: string | null; mediaType: string; sizeBytes: number } | null;
}

/** What an officer submits for one scan. */
export interface NewScan {
  scanType: ScanType;
  outcome: ScanOutcome;
  notes: string;
  scannedAt?: Date;
  attachment?: { fileName: string; mediaType: string; content: Uint8Array };
  /** Set when this scan settles the request. */
  disposition?: Disposition;
}

/** Scans of the given requests, grouped by request. */
export async function listScans(tx: Tx, _actor: Actor, requestIds: string[]): Promise<Map<string, ScanView[]>> {
  const byRequest = new Map<string, ScanView[]>();
  if (requestIds.length === 0) {
    return byRequest;
  }
  const rows = await tx
    .selectFrom("scan as sc")
    .innerJoin("app_user as u", "u.id", "sc.officer_id")
    .leftJoin("site", "site.id", "sc.site_id")
    .leftJoin("stored_file as f", "f.sha256", "sc.file_sha256")
    .select([
      "sc.id",
      "sc.request_id",
      "sc.scan_type",
      "sc.outcome",
      "sc.notes",
      "u.username",
      "site.locode",
      "sc.scanned_at",
      "sc.recorded_at",
      "sc.file_sha256",
      "sc.file_name",
      "f.media_type",
      "f.size_bytes",
    ])
    .where("sc.request_id", "in", requestIds)
    .orderBy("sc.scanned_at")
    .execute();
  for (const r of rows) {
    const list = byRequest.get(r.request_id) ?? [];
    list.push({
      id: r.id,
      scanType: r.scan_type as ScanType,
      outcome: r.outcome as ScanOutcome,
      notes: r.notes,
      officer: r.username,
      site: r.locode,
      scannedAt: r.scanned_at.toISOString(),
      recordedAt: r.recorded_at.toISOString(),
      file: r.file_sha256
        ? { sha256: r.file_sha256, name: r.file_name, mediaType: r.media_type ?? "application/octet-stream", sizeBytes: r.size_bytes ?? 0 }
        : null,
    });
    byRequest.set(r.request_id, list);
  }
  return byRequest;
}

/** A host scan officer records a scan on an accepted request, optionally with its disposition. */
export async function recordScan(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  requestId: string,
  input: NewScan,
): Promise<InspectionRequestView> {
  requireRole(actor, ["scan_officer", "supervisor"], "record scans");
  return withAgency(db, actor.agencyId, async (tx) => {
    const request = await lockRequest(tx, actor, requestId);
    if (request.host_agency_id !== actor.agencyId) {
      throw forbidden("Only the host agency records scans on its requests");
    }
    if (request.status !== "accepted" && request.status !== "results_recorded") {
      throw conflict("inspection_request.not_scannable", `A ${request.status} request takes no scans`);
    }
    const now = clock.now();
    const scannedAt = input.scannedAt ?? now;
    if (scannedAt.getTime() > now.getTime() + 5 * 60 * 1000) {
      throw invalid("scan.in_future", "The scan time is in the future");
    }
    const sha256 = input.attachment ? await storeFile(tx, input.attachment.content, input.attachment.mediaType) : null;
    const scan = await tx
      .insertInto("scan")
      .values({
        request_id: requestId,
        container_no: request.container_no,
        scan_type: input.scanType,
        outcome: input.outcome,
        notes: input.notes,
        officer_id: actor.userId,
        site_id: actor.siteId,
        scanned_at: scannedAt,
        file_sha256: sha256,
        file_name: input.attachment?.fileName ?? null,
        recorded_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .updateTable("inspection_request")
      .set({
        status: input.disposition ? "dispositioned" : "results_recorded",
        disposition: input.disposition ?? null,
        dispositioned_by: input.disposition ? actor.userId : null,
        dispositioned_at: input.disposition ? now : null,
        updated_at: now,
      })
      .where("id", "=", requestId)
      .execute();
    const shared = [request.requesting_agency_id];
    await recordAudit(tx, actor, {
      action: "scan.recorded",
      entityType: "inspection_request",
      entityId: requestId,
      otherAgencyIds: shared,
      payload: { scanId: scan.id, scanType: input.scanType, outcome: input.outcome, fileSha256: sha256 },
    });
    if (input.disposition) {
      await recordAudit(tx, actor, {
        action: "inspection_request.dispositioned",
        entityType: "inspection_request",
        entityId: requestId,
        otherAgencyIds: shared,
        payload: { reference: request.reference, disposition: input.disposition },
      });
    }
    return loadRequest(tx, actor, requestId);
  });
}
