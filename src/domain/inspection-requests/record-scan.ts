import type { Kysely } from "kysely";
import { withAgency, type Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { invalid } from "../../errors.ts";
import type { AnalysisReport } from "../../radiation/analyze-file.ts";
import { requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { checkDeclaration } from "../declaration-check.ts";
import { checkFile, storeFile } from "../files.ts";
import { resolveScanDevice } from "../devices.ts";
import { analyseInWorker } from "../instrument-work.ts";
import { applyDisposition } from "./disposition.ts";
import { loadRequest } from "./load.ts";
import { lockRequest } from "./repository.ts";
import { raiseSnmAlert, snmAlertOf } from "./snm-alert.ts";
import { assertMayAct, transition } from "./state-machine.ts";
import type { InspectionRequestView } from "../../contract/inspection-requests.ts";
import type { Disposition, ScanOutcome, ScanType } from "./vocabulary.ts";

/** What an officer submits for one scan. */
export interface NewScan {
  scanType: ScanType;
  outcome: ScanOutcome;
  notes: string;
  device?: string;
  /** A device from the agency's registry; free text in `device` is linked when it names one. */
  deviceId?: string;
  startedAt?: Date;
  scannedAt?: Date;
  attachment?: { fileName: string; mediaType: string; content: Uint8Array };
  /** Set when this scan settles the request. */
  disposition?: Disposition;
}

const RADIATION_SCANS: ScanType[] = ["radiation_portal", "isotope_id"];

/** The analysis of a radiation scan's instrument file, on a worker thread; null for other scans. */
async function analyse(input: NewScan): Promise<AnalysisReport | null> {
  if (!input.attachment || !RADIATION_SCANS.includes(input.scanType)) {
    return null;
  }
  return analyseInWorker(input.attachment.content, input.attachment.fileName);
}

async function checkAgainstDeclaration(tx: Tx, shipmentId: string, report: AnalysisReport) {
  const goods = await tx
    .selectFrom("shipment_goods")
    .select(["hs_code", "description"])
    .where("shipment_id", "=", shipmentId)
    .execute();
  const hasSpectrum = report.measurements.some((m) => m.kind === "spectrum");
  return checkDeclaration(
    goods.map((g) => ({ hsCode: g.hs_code, description: g.description })),
    report,
    hasSpectrum,
  );
}

/** Throws unless the actor may record a scan on the request now; call before reading an upload. */
export async function assertMayRecordScan(db: Kysely<DB>, actor: Actor, requestId: string): Promise<void> {
  requireRole(actor, ["scan_officer", "supervisor"], "record scans");
  await assertMayAct(db, actor, requestId, "record_result");
}

/**
 * A host scan officer records a scan on an accepted request. A radiation file is analysed on
 * upload; the result, its verdict and whether it fits the declared goods are stored with the scan
 * and shared with the requesting agency at once. Possible SNM alerts both agencies' supervisors in
 * the same transaction.
 */
export async function recordScan(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  requestId: string,
  input: NewScan,
): Promise<InspectionRequestView> {
  // Who may act and whether the file is acceptable are settled before the file is analysed.
  await assertMayRecordScan(db, actor, requestId);
  if (input.attachment) {
    checkFile(input.attachment.content, input.attachment.mediaType);
  }
  const report = await analyse(input);
  return withAgency(db, actor.agencyId, async (tx) => {
    const request = await lockRequest(tx, actor, requestId);
    const now = clock.now();
    const scannedAt = input.scannedAt ?? now;
    if (scannedAt.getTime() > now.getTime() + 5 * 60 * 1000) {
      throw invalid("scan.in_future", "The scan time is in the future");
    }
    const device = await resolveScanDevice(tx, actor.agencyId, input.scanType, input);
    const sha256 = input.attachment ? await storeFile(tx, input.attachment.content, input.attachment.mediaType) : null;
    const analysed = report ? { report, check: await checkAgainstDeclaration(tx, request.shipment_id, report) } : null;
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
        device: device.device,
        device_id: device.deviceId,
        started_at: input.startedAt ?? null,
        scanned_at: scannedAt,
        file_sha256: sha256,
        file_name: input.attachment?.fileName ?? null,
        recorded_at: now,
        analysis: analysed ? JSON.stringify(analysed.report) : null,
        verdict: analysed?.report.verdict ?? null,
        is_inconsistent: analysed?.check.isInconsistent ?? false,
        inconsistency: analysed?.check.reason ?? null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await transition(tx, clock, actor, requestId, "record_result", {
      locked: request,
      patch: { first_result_at: request.first_result_at ?? now },
      payload: {
        scanId: scan.id,
        scanType: input.scanType,
        outcome: input.outcome,
        fileSha256: sha256,
        verdict: analysed?.report.verdict ?? null,
        inconsistentWithDeclaration: analysed?.check.isInconsistent ?? false,
      },
    });
    const alert = analysed ? snmAlertOf(analysed.report) : null;
    if (alert) {
      await raiseSnmAlert(tx, clock, actor, request, { id: scan.id, scanType: input.scanType }, alert);
    }
    // Clearing in the same step is weighed against this scan's findings too.
    if (input.disposition) {
      await applyDisposition(tx, clock, actor, requestId, input.disposition);
    }
    return loadRequest(tx, actor, requestId);
  });
}
