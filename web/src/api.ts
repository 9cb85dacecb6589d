import { errorMessage } from "./i18n/index.tsx";

// Response shapes come from the server's own types (type-only imports: nothing of the server is bundled).
export type { AuditEventView as AuditEvent } from "../../src/contract/audit-events.ts";
export type {
  InspectionRequestView as InspectionRequest,
  ScanView as Scan,
} from "../../src/contract/inspection-requests.ts";
export type { FederationStatus, Reapplied } from "../../src/contract/federation.ts";
export type {
  BatchSummary,
  FileReportView as FileReport,
  QuarantineItem,
  Resubmission,
  ShipmentVersion,
} from "../../src/contract/manifests.ts";
export type { DirectionMetrics, ReciprocityMetrics } from "../../src/contract/metrics.ts";
export type { Page } from "../../src/domain/paging.ts";
export type { Me, NotificationView as Notification } from "../../src/contract/session.ts";
export type { ShipmentDetail, ShipmentSummary } from "../../src/contract/shipments.ts";
export type { AnalysisReport } from "../../src/radiation/analyze-file.ts";
export type { PortalPlot, RateSeries, ScanPlotData, SpectrumPlot } from "../../src/contract/scan-plots.ts";

/** A failed API call, carrying the server's stable error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's details (a rule set's issues, for one). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Calls the API on the same origin; throws ApiError with the code's message from the catalogue on failure. */
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
    const body = data as { code?: string; message?: string; details?: unknown };
    const code = body.code ?? "unknown";
    throw new ApiError(res.status, code, errorMessage(code, body.message ?? res.statusText), body.details);
  }
  return data as T;
}

export { formatTime } from "./time.ts";
