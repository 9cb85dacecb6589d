import type { AnalysisReport } from "../../radiation/analyze-file.ts";
import type { ClearanceReason, Disposition, MissReason, Priority, RequestStatus, RequestType, ScanOutcome, ScanType } from "./vocabulary.ts";

// The shapes a request is read and written in, shared by the use cases, the presenter and the
// browser app (types only).

/** One scan's findings that a clearance would override. */
export interface ClearanceFinding {
  scanId: string;
  scanType: ScanType;
  scannedAt: string;
  reasons: ClearanceReason[];
  verdict: string | null;
  /** Nuclides identified, e.g. "U-235 (SNM)". */
  nuclides: string[];
  /** Why the analysis advised expert reach-back, when it did. */
  reachBack: string | null;
  /** How the result contradicts the declared goods, when it does. */
  inconsistency: string | null;
  /** One line for people: "isotope id scan at 2026-11-27 09:00 UTC: special nuclear material (U-235 (SNM))". */
  summary: string;
}

/** What a host supervisor gives to clear against findings. */
export interface ClearanceOverride {
  reason: string;
}

/** A host supervisor's reason for clearing against findings, and the findings as they stood. */
export interface DispositionOverride {
  reason: string;
  findings: ClearanceFinding[];
}

/** One step of a request's history. */
export interface TimelineStep {
  at: string;
  action: string;
  from: string | null;
  to: string;
  by: string | null;
  note: string | null;
  override: DispositionOverride | null;
}

/** What is in the container and how the viewer's own rules scored it: what a decision is made on. */
export interface RequestCargo {
  goods: string | null;
  hsCode: string | null;
  /** The viewer's agency's risk score of the shipment, when its rules scored it. */
  riskScore: number | null;
  riskLevel: string | null;
  /** The rules that gave the most points, highest first. */
  topHits: { ruleId: string; weight: number; explanation: string }[];
}

/** A recorded scan with its evidence file and, for radiation files, the analysis. */
export interface ScanView {
  id: string;
  scanType: ScanType;
  outcome: ScanOutcome;
  notes: string;
  officer: string;
  site: string | null;
  device: string | null;
  startedAt: string | null;
  scannedAt: string;
  recordedAt: string;
  file: { sha256: string; name: string | null; mediaType: string; sizeBytes: number } | null;
  verdict: string | null;
  isInconsistent: boolean;
  inconsistency: string | null;
  analysis: AnalysisReport | null;
}

/** An inspection request as both parties see it. */
export interface InspectionRequestView {
  id: string;
  reference: string;
  requestType: RequestType;
  reasonCodes: string[];
  legalBasis: string | null;
  decisionCode: string | null;
  scheduledFor: string | null;
  holdActive: boolean;
  escalatedAt: string | null;
  missedAt: string | null;
  missReason: string | null;
  /** The miss reason's code, which screens word in the reader's language; null for none or another text. */
  missReasonCode: MissReason | null;
  firstResultAt: string | null;
  closedAt: string | null;
  informationResponse: string | null;
  /** True while the loading cut-off has not passed and the request is still open. */
  isOpen: boolean;
  /** Every step; a clearance against the scans' findings carries the supervisor's override. */
  timeline: TimelineStep[];
  shipmentId: string;
  billOfLading: string;
  containerNo: string;
  status: RequestStatus;
  priority: Priority;
  reason: string;
  scansRequested: ScanType[];
  agreementCode: string;
  requestingAgency: string;
  hostAgency: string;
  requestedBy: string;
  requestedAt: string;
  deadline: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  disposition: Disposition | null;
  dispositionedAt: string | null;
  /** Set when the current disposition cleared the container against its scans' findings. */
  dispositionOverride: (DispositionOverride & { by: string | null; at: string }) | null;
  /** What stands in the way of clearing with one click: a host supervisor must override these. */
  clearanceFindings: ClearanceFinding[];
  scans: ScanView[];
  cargo: RequestCargo;
}
