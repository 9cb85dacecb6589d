/** A failed API call, carrying the server's stable error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the API on the same origin; throws ApiError with the server's message on failure. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(`/api${path}`, {
    method: init.method ?? "GET",
    headers: init.body === undefined ? {} : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: "same-origin",
  });
  if (res.status === 204) {
    return undefined as T;
  }
  const data: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    const body = data as { code?: string; message?: string };
    throw new ApiError(res.status, body.code ?? "unknown", body.message ?? res.statusText);
  }
  return data as T;
}

export interface Me {
  userId: string;
  username: string;
  displayName: string;
  roles: string[];
  agency: { id: string; code: string; name: string; country: string };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ShipmentSummary {
  id: string;
  billOfLading: string;
  carrierScac: string;
  vesselName: string | null;
  voyageNo: string | null;
  portOfLoading: string;
  portOfDischarge: string;
  finalDestination: string | null;
  etd: string | null;
  loadingCutoff: string | null;
  filedAt: string;
  shipperName: string;
  consigneeName: string;
  containerCount: number;
  hsCodes: string[];
  isShared: boolean;
  score: number | null;
  level: string | null;
  hitCount: number;
}

export interface AnalysisReport {
  format: string | null;
  verdict: string;
  alarms: { type: string; measurement: string; detail: { classification?: string; sigma?: number; description?: string } }[];
  nuclides: { name: string; category: string; confidence: number; evidence: { peaksKeV: number[]; template?: string } }[];
  errors: { code: string; message: string }[];
}

export interface Scan {
  id: string;
  scanType: string;
  outcome: string;
  notes: string;
  officer: string;
  site: string | null;
  device: string | null;
  verdict: string | null;
  isInconsistent: boolean;
  inconsistency: string | null;
  analysis: AnalysisReport | null;
  scannedAt: string;
  file: { sha256: string; name: string | null; mediaType: string; sizeBytes: number } | null;
}

export interface InspectionRequest {
  id: string;
  reference: string;
  requestType: string;
  reasonCodes: string[];
  legalBasis: string | null;
  decisionCode: string | null;
  scheduledFor: string | null;
  holdActive: boolean;
  escalatedAt: string | null;
  missedAt: string | null;
  missReason: string | null;
  firstResultAt: string | null;
  closedAt: string | null;
  informationResponse: string | null;
  isOpen: boolean;
  timeline: { at: string; action: string; from: string | null; to: string; by: string | null; note: string | null }[];
  shipmentId: string;
  billOfLading: string;
  containerNo: string;
  status: string;
  priority: string;
  reason: string;
  scansRequested: string[];
  agreementCode: string;
  requestingAgency: string;
  hostAgency: string;
  requestedBy: string;
  requestedAt: string;
  deadline: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  disposition: string | null;
  dispositionedAt: string | null;
  scans: Scan[];
}

export interface ShipmentDetail extends ShipmentSummary {
  vesselImo: string | null;
  shipperAddress: string | null;
  consigneeAddress: string | null;
  notifyName: string | null;
  goods: { lineNo: number; hsCode: string; description: string; packages: number | null; packageType: string | null; grossWeightKg: number | null; containerNo: string | null }[];
  containers: { containerNo: string; sizeType: string; sealNo: string | null; isFull: boolean }[];
  inspectionRequests: InspectionRequest[];
  hits: { ruleId: string; weight: number; explanation: string }[];
}

export interface AuditEvent {
  seq: string;
  occurredAt: string;
  action: string;
  entityType: string;
  entityId: string | null;
  actorUsername: string | null;
  actorAgencyCode: string | null;
  payload: unknown;
  hash: string;
}

/** Formats an ISO time as "2026-11-27 14:05 UTC". */
export function formatTime(iso: string | null): string {
  if (!iso) {
    return "—";
  }
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Human label for snake_case codes. */
export function label(code: string): string {
  return code.replaceAll("_", " ");
}

export interface RateSeries {
  name: string;
  cps: number[];
  backgroundCps: number;
  thresholdCps: number;
}

export interface PortalPlot {
  id: string;
  start: string;
  end: string;
  sampleIntervalS: number;
  windowS: number;
  alpha: number;
  backgroundSource: "report" | "empty_lane";
  classification: string | null;
  occupiedFromS: number | null;
  occupiedToS: number | null;
  timeS: number[];
  gamma: RateSeries[];
  neutron: RateSeries | null;
}

export interface SpectrumPlot {
  id: string;
  detector: string;
  liveTimeS: number;
  binChannels: number;
  energyKeV: number[];
  counts: number[];
  background: number[] | null;
  peaks: { energyKeV: number; nuclide: string; category: string }[];
}

export interface ScanPlotData {
  scanId: string;
  fileName: string | null;
  mediaType: string;
  portal: PortalPlot[];
  spectra: SpectrumPlot[];
  errors: string[];
}

export interface DirectionMetrics {
  agreement: string;
  host: string;
  requester: string;
  requests: number;
  accepted: number;
  declined: number;
  declinedByReason: Record<string, number>;
  withdrawn: number;
  pending: number;
  accommodationRate: number | null;
  scannedBeforeCutoff: number | null;
  missed: number;
  medianHoursToResult: number | null;
  p90HoursToResult: number | null;
  scansByType: Record<string, number>;
  alarms: number;
  nuisanceAlarms: number;
  alarmsByHsChapter: { chapter: string; alarms: number; nuisance: number }[];
  equipmentUse: { device: string; scans: number }[];
}

export interface ReciprocityMetrics {
  from: string;
  to: string;
  directions: DirectionMetrics[];
}
