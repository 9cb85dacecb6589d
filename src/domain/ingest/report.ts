import type { Diagnostic } from "../../trade/diagnostics.ts";
import type { TradeFormat } from "../../trade/records.ts";
import type { StoreOutcome } from "./store.ts";
import { describeDiagnostic, type Rejection } from "./validate.ts";

/** Findings kept per list in a report; the rest are only counted, so a bad huge file stays small. */
export const FINDINGS_KEPT = 1000;

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
  /** The first FINDINGS_KEPT errors; errorCount says how many there were. */
  errors: Finding[];
  warnings: Finding[];
  errorCount: number;
  warningCount: number;
  batchId: string | null;
  inserted: number;
  replaced: number;
  cancelled: number;
  unchanged: number;
  duplicates: number;
  quarantined: number;
}

/** An empty report for a file. */
export function emptyReport(file: string, format: TradeFormat): FileReport {
  return {
    file,
    format,
    messages: 0,
    shipments: 0,
    containers: 0,
    events: 0,
    errors: [],
    warnings: [],
    errorCount: 0,
    warningCount: 0,
    batchId: null,
    inserted: 0,
    replaced: 0,
    cancelled: 0,
    unchanged: 0,
    duplicates: 0,
    quarantined: 0,
  };
}

/** Adds an error, keeping at most FINDINGS_KEPT of them. */
export function addError(report: FileReport, finding: Finding): void {
  report.errorCount++;
  if (report.errors.length < FINDINGS_KEPT) {
    report.errors.push(finding);
  }
}

/** Adds a warning, keeping at most FINDINGS_KEPT of them. */
export function addWarning(report: FileReport, finding: Finding): void {
  report.warningCount++;
  if (report.warnings.length < FINDINGS_KEPT) {
    report.warnings.push(finding);
  }
}

/** Adds parser diagnostics as errors and warnings. */
export function addDiagnostics(report: FileReport, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    const finding = { where: describeDiagnostic(d), code: d.code, message: d.message };
    if (d.severity === "error") {
      addError(report, finding);
    } else {
      addWarning(report, finding);
    }
  }
}

/** Adds every reason of a rejected record as an error. */
export function addRejection(report: FileReport, rejection: Rejection): void {
  for (const reason of rejection.reasons) {
    addError(report, { where: rejection.location, code: reason.code, message: reason.message });
  }
}

/** Adds what storing one chunk did; records refused at storage leave the shipments for quarantine. */
export function addOutcome(report: FileReport, outcome: StoreOutcome): void {
  report.inserted += outcome.inserted;
  report.replaced += outcome.replaced;
  report.cancelled += outcome.cancelled;
  report.unchanged += outcome.unchanged;
  report.duplicates += outcome.duplicates;
  report.shipments -= outcome.rejected.length;
  report.quarantined += outcome.rejected.length;
  for (const r of outcome.rejected) {
    addRejection(report, r);
  }
}

/** The batch row's columns for a finished batch: its end status and the report's numbers. */
export function finishedBatch(report: FileReport, status: "completed" | "failed", at: Date) {
  return {
    status,
    format: report.format,
    messages: report.messages,
    shipments: report.shipments,
    containers: report.containers,
    events: report.events,
    errors: report.errorCount,
    warnings: report.warningCount,
    report: JSON.stringify(report),
    completed_at: at,
  };
}
