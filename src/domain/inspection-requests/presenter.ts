import type { AnalysisReport } from "../../radiation/analyze-file.ts";
import { clearanceFindings } from "./clearance-guard.ts";
import type { cargoRows, ScanRow, timelineRows, ViewRow } from "./repository.ts";
import type {
  ClearanceFinding,
  InspectionRequestView,
  RequestCargo,
  ScanView,
  TimelineStep,
} from "../../contract/inspection-requests.ts";
import { isOpenStatus, missReasonOf } from "./vocabulary.ts";

// Rows as both parties read them: plain functions from database rows to views, no queries.

type TimelineRow = Awaited<ReturnType<typeof timelineRows>>[number];
type CargoRow = Awaited<ReturnType<typeof cargoRows>>[number];

const NO_CARGO: RequestCargo = { goods: null, hsCode: null, riskScore: null, riskLevel: null, topHits: [] };

/** A scan row as a view. */
export function presentScan(r: ScanRow): ScanView {
  return {
    id: r.id,
    scanType: r.scan_type,
    outcome: r.outcome,
    notes: r.notes,
    officer: r.username,
    site: r.locode,
    device: r.device,
    startedAt: r.started_at?.toISOString() ?? null,
    scannedAt: r.scanned_at.toISOString(),
    recordedAt: r.recorded_at.toISOString(),
    file: r.file_sha256
      ? {
          sha256: r.file_sha256,
          name: r.file_name,
          mediaType: r.media_type ?? "application/octet-stream",
          sizeBytes: r.size_bytes ?? 0,
        }
      : null,
    verdict: r.verdict,
    isInconsistent: r.is_inconsistent,
    inconsistency: r.inconsistency,
    analysis: (r.analysis as AnalysisReport | null) ?? null,
  };
}

/** Groups rows by request id, keeping their order, mapped through `present`. */
export function groupByRequest<R extends { request_id: string }, V>(
  rows: readonly R[],
  present: (row: R) => V,
): Map<string, V[]> {
  const byRequest = new Map<string, V[]>();
  for (const r of rows) {
    const list = byRequest.get(r.request_id) ?? [];
    list.push(present(r));
    byRequest.set(r.request_id, list);
  }
  return byRequest;
}

/** A transition row as a step of the timeline. */
export function presentStep(r: TimelineRow): TimelineStep {
  const override =
    r.override_reason === null
      ? null
      : { reason: r.override_reason, findings: (r.override_findings ?? []) as ClearanceFinding[] };
  return {
    at: r.at.toISOString(),
    action: r.action,
    from: r.from_status,
    to: r.to_status,
    by: r.username,
    note: r.note,
    override,
  };
}

/** The goods and the viewer's own score of a shipment, with the three heaviest rule hits. */
export function presentCargo(r: CargoRow): RequestCargo {
  const hits = ((r.hits ?? []) as RequestCargo["topHits"])
    .map((h) => ({ ruleId: h.ruleId, weight: Number(h.weight), explanation: h.explanation }))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 3);
  return {
    goods: r.description ?? null,
    hsCode: r.hs_code ?? null,
    riskScore: r.score === null ? null : Number(r.score),
    riskLevel: r.level ?? null,
    topHits: hits,
  };
}

/** The override of the latest disposition step, if that step was a clearance against findings. */
function currentOverride(timeline: TimelineStep[]): InspectionRequestView["dispositionOverride"] {
  const last = timeline.findLast((t) => t.action === "disposition");
  return last?.override ? { ...last.override, by: last.by, at: last.at } : null;
}

/** A request row with its steps, scans and cargo as the view both parties read. */
export function presentRequest(
  r: ViewRow,
  related: { timeline: TimelineStep[]; scans: ScanView[]; cargo: RequestCargo | undefined },
): InspectionRequestView {
  return {
    id: r.id,
    reference: r.reference,
    requestType: r.request_type,
    reasonCodes: r.reason_codes,
    legalBasis: r.legal_basis,
    decisionCode: r.decision_code,
    scheduledFor: r.scheduled_for?.toISOString() ?? null,
    holdActive: r.hold_active,
    escalatedAt: r.escalated_at?.toISOString() ?? null,
    missedAt: r.missed_at?.toISOString() ?? null,
    missReason: r.miss_reason,
    missReasonCode: missReasonOf(r.miss_reason),
    firstResultAt: r.first_result_at?.toISOString() ?? null,
    closedAt: r.closed_at?.toISOString() ?? null,
    informationResponse: r.information_response,
    isOpen: isOpenStatus(r.status),
    timeline: related.timeline,
    shipmentId: r.shipment_id,
    billOfLading: r.bill_of_lading,
    containerNo: r.container_no,
    status: r.status,
    priority: r.priority,
    reason: r.reason,
    scansRequested: r.scans_requested,
    agreementCode: r.agreement_code,
    requestingAgency: r.requesting_agency,
    hostAgency: r.host_agency,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at.toISOString(),
    deadline: r.deadline?.toISOString() ?? null,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at?.toISOString() ?? null,
    decisionReason: r.decision_reason,
    disposition: r.disposition,
    dispositionedAt: r.dispositioned_at?.toISOString() ?? null,
    dispositionOverride: currentOverride(related.timeline),
    clearanceFindings: clearanceFindings(related.scans),
    scans: related.scans,
    cargo: related.cargo ?? NO_CARGO,
  };
}
