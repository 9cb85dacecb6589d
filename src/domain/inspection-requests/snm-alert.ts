import type { Tx } from "../../db/database.ts";
import type { AnalysisReport } from "../../radiation/analyze-file.ts";
import { isSharedWithRequester } from "../access.ts";
import type { Actor } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import { nuclideLabels, reachBackOf } from "./clearance-guard.ts";
import { notifyRole } from "../notifications.ts";

// Possible special nuclear material is not left for someone to notice in a list: the moment the
// scan is stored, the supervisors of both agencies are told what was found and where.

/** What a scan's analysis found that calls for an alert, or null when it found nothing of the kind. */
export interface SnmAlert {
  verdict: string;
  /** Nuclides as "U-235 (SNM, 87%)". */
  nuclides: string[];
  reachBack: string | null;
}

/** An alert for an analysis with verdict SNM or with reach-back advised; null otherwise. */
export function snmAlertOf(report: AnalysisReport): SnmAlert | null {
  const reachBack = reachBackOf(report);
  if (report.verdict !== "snm" && !reachBack) {
    return null;
  }
  return { verdict: report.verdict, nuclides: nuclideLabels(report, { withConfidence: true }), reachBack };
}

/** The notification's text: the request, the container, what was found and what the analysis advises. */
export function snmAlertMessage(
  request: { reference: string; containerNo: string },
  scanType: string,
  alert: SnmAlert,
): string {
  const found = alert.nuclides.length > 0 ? alert.nuclides.join(", ") : "no nuclide identified";
  const advice = alert.reachBack ? `; reach-back advised: ${alert.reachBack}` : "";
  return `${request.reference} (${request.containerNo}): possible special nuclear material — ${scanType.replaceAll("_", " ")} scan found ${found}; verdict ${alert.verdict}${advice}. Review the request before the container is loaded.`;
}

/**
 * Tells the host's supervisors, and the requesting agency's while the agreement still shares the
 * shipment, inside the transaction that stores the scan; the audit event carries it to both
 * agencies' live streams.
 */
export async function raiseSnmAlert(
  tx: Tx,
  clock: Clock,
  actor: Actor,
  request: {
    id: string;
    reference: string;
    container_no: string;
    host_agency_id: string;
    requesting_agency_id: string;
  },
  scan: { id: string; scanType: string },
  alert: SnmAlert,
): Promise<void> {
  const partner = (await isSharedWithRequester(tx, request.id)) ? [request.requesting_agency_id] : [];
  const message = snmAlertMessage(
    { reference: request.reference, containerNo: request.container_no },
    scan.scanType,
    alert,
  );
  const params = {
    reference: request.reference,
    containerNo: request.container_no,
    scanType: scan.scanType,
    nuclides: alert.nuclides.join(", "),
    verdict: alert.verdict,
    reachBack: alert.reachBack ?? null,
  };
  await notifyRole(tx, {
    agencyIds: [request.host_agency_id, ...partner],
    role: "supervisor",
    kind: "snm_alert",
    requestId: request.id,
    message,
    params,
    at: clock.now(),
  });
  await recordAudit(tx, actor, {
    action: "inspection_request.snm_alert",
    entityType: "inspection_request",
    entityId: request.id,
    otherAgencyIds: partner,
    payload: {
      reference: request.reference,
      scanId: scan.id,
      scanType: scan.scanType,
      verdict: alert.verdict,
      nuclides: alert.nuclides,
      reachBack: alert.reachBack,
      notified: "supervisor",
    },
  });
}
