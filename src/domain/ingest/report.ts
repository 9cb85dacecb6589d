import type { Diagnostic, TradeFormat } from "../../trade/index.ts";
import type { StoreOutcome } from "./store.ts";
import type { FileReportView, Finding } from "../../contract/manifests.ts";
import { describeDiagnostic, type Rejection } from "./validate.ts";

/** Findings kept per list in a report; the rest are only counted, so a bad huge file stays small. */
export const FINDINGS_KEPT = 1000;

export type { Finding, RecordCounts, SetAside } from "../../contract/manifests.ts";

/**
 * What happened to one file; the API answers the contract's part of it, the CLI prints all of it.
 * `errors` holds the first FINDINGS_KEPT errors, `errorCount` says how many there were.
 */
export type FileReport = Omit<FileReportView, "format"> & {
  format: TradeFormat;
  errorCount: number;
  warningCount: number;
};

/** An empty report for a file. */
export function emptyReport(file: string, format: TradeFormat): FileReport {
  return {
    file,
    format,
    messages: 0,
    shipments: 0,
    containers: 0,
    events: 0,
    stowage: 0,
    unmatched: 0,
    records: { read: 0, landed: 0, quarantined: 0, setAside: 0 },
    setAside: [],
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

/** Adds parser diagnostics as errors and warnings; an item the parser dropped counts as read and set aside. */
export function addDiagnostics(report: FileReport, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    const finding = { where: describeDiagnostic(d), code: d.code, message: d.message };
    if (d.severity === "error") {
      addError(report, finding);
    } else {
      addWarning(report, finding);
    }
    if (d.isDropped) {
      report.records.read++;
      setAside(report, d.code, d.message);
    }
  }
}

/** Counts a record read and set aside for a reason (the first message of a code stands for all). */
export function setAside(report: FileReport, code: string, message: string): void {
  report.records.setAside++;
  const known = report.setAside.find((s) => s.code === code);
  if (known) {
    known.count++;
  } else {
    report.setAside.push({ code, message, count: 1 });
  }
}

/**
 * Closes the account of a file: when nothing in it landed or waits in quarantine, adds the error
 * that says so and why, and returns false (the batch is then "rejected", not "completed").
 */
export function checkUsable(report: FileReport): boolean {
  if (report.records.landed > 0 || report.records.quarantined > 0) {
    return true;
  }
  const reasons = report.setAside.map((s) => `${s.count} × ${s.message} [${s.code}]`).join("; ");
  const first = report.errors.find((e) => e.code !== "ingest.nothing_usable");
  const why = reasons || (first ? `${first.message} [${first.code}]` : "it holds no record that Reciprocity reads");
  addError(report, {
    where: report.file,
    code: "ingest.nothing_usable",
    message: `Nothing in the file could be used (${report.records.read} records read): ${why}`,
  });
  return false;
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
  report.records.landed -= outcome.rejected.length;
  report.records.quarantined += outcome.rejected.length;
  for (const r of outcome.rejected) {
    addRejection(report, r);
  }
}

/** The batch row's columns for a finished batch: its end status and the report's numbers. */
export function finishedBatch(report: FileReport, status: "completed" | "rejected" | "failed", at: Date) {
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
