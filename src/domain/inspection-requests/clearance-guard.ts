import { AppError, conflict, forbidden, invalid } from "../../errors.ts";
import type { AnalysisReport } from "../../radiation/analyze-file.ts";
import { hasRole, type Actor } from "../actor.ts";
import type { ClearanceFinding, ClearanceOverride, ScanView } from "../../contract/inspection-requests.ts";
import { MAX_OVERRIDE_REASON, type ClearanceReason, type ScanType } from "./vocabulary.ts";

// Clearing a container is the one disposition that lets it sail. When its radiation results show a
// threat, an alarm nobody explained, or a load that contradicts the declaration, clearing it is an
// adjudication, not a click: a host supervisor overrides with a reason, and both agencies see it.

/** Verdicts of the radiation analysis that need an override to clear. */
const GUARDED_VERDICTS: Partial<Record<string, ClearanceReason>> = {
  snm: "snm",
  industrial: "industrial",
  investigate: "investigate",
};

/** Reasons no later measurement removes: possible SNM stays until someone signs for it. */
const STICKY: ReadonlySet<ClearanceReason> = new Set(["snm", "reach_back"]);

/** The reach-back advice an analysis report carries (`reachBack: { reason }`), read defensively from stored JSON. */
export function reachBackOf(analysis: unknown): string | null {
  if (typeof analysis !== "object" || analysis === null || !("reachBack" in analysis)) {
    return null;
  }
  const advice = (analysis as { reachBack?: unknown }).reachBack;
  if (!advice) {
    return null;
  }
  const reason = typeof advice === "object" && "reason" in advice ? (advice as { reason?: unknown }).reason : undefined;
  return typeof reason === "string" && reason.trim().length > 0 ? reason.trim() : "reach-back advised";
}

/**
 * Nuclides as people read them, "U-235 (SNM)" or "U-235 (SNM, possible)", without those the
 * analysis put down to background; `withConfidence` adds the percentage, `category` keeps one
 * category (case-insensitive). Reports stored before the analysis graded its nuclides have no status.
 */
export function nuclideLabels(
  report: AnalysisReport | null,
  options: { withConfidence?: boolean; category?: string } = {},
): string[] {
  const { withConfidence = false, category } = options;
  return (report?.nuclides ?? [])
    .map((n) => ({ ...n, status: (n as { status?: string }).status }))
    .filter((n) => n.status !== "background" && (!category || n.category.toLowerCase() === category))
    .map((n) => {
      const facts = [n.category];
      if (n.status === "possible") {
        facts.push("possible");
      }
      if (withConfidence) {
        facts.push(`${Math.round(n.confidence * 100)}%`);
      }
      return `${n.name} (${facts.join(", ")})`;
    });
}

const REASON_TEXT: Record<ClearanceReason, string> = {
  snm: "special nuclear material",
  reach_back: "reach-back advised",
  industrial: "industrial source",
  investigate: "unexplained alarm (investigate)",
  inconsistent: "inconsistent with the declaration",
};

/** The nuclide category behind each verdict reason, as the analysis names categories. */
const VERDICT_CATEGORY: Record<"snm" | "industrial" | "investigate", string> = {
  snm: "snm",
  industrial: "industrial",
  investigate: "neutron",
};

function isLater(a: ScanView, b: ScanView): boolean {
  return a.scannedAt === b.scannedAt ? a.recordedAt > b.recordedAt : a.scannedAt > b.scannedAt;
}

function findingOf(scan: ScanView, isLatest: boolean): ClearanceFinding | null {
  const reachBack = reachBackOf(scan.analysis);
  const verdict = scan.verdict ?? scan.analysis?.verdict ?? null;
  const all: ClearanceReason[] = [];
  const fromVerdict = verdict ? GUARDED_VERDICTS[verdict] : undefined;
  if (fromVerdict) {
    all.push(fromVerdict);
  }
  if (reachBack) {
    all.push("reach_back");
  }
  if (scan.isInconsistent) {
    all.push("inconsistent");
  }
  const reasons = all.filter((r) => isLatest || STICKY.has(r));
  if (reasons.length === 0) {
    return null;
  }
  const nuclides = nuclideLabels(scan.analysis);
  const details = reasons.map((r) => {
    if (r === "reach_back") {
      return `${REASON_TEXT[r]}: ${reachBack}`;
    }
    if (r === "inconsistent") {
      return `${REASON_TEXT[r]}: ${scan.inconsistency ?? "see the analysis"}`;
    }
    // Name the nuclides behind the verdict (U-235 for SNM), else all that were found.
    const behind = nuclideLabels(scan.analysis, { category: VERDICT_CATEGORY[r] });
    const named = behind.length > 0 ? behind : nuclides;
    return named.length > 0 ? `${REASON_TEXT[r]} (${named.join(", ")})` : REASON_TEXT[r];
  });
  return {
    scanId: scan.id,
    scanType: scan.scanType,
    scannedAt: scan.scannedAt,
    reasons,
    verdict,
    nuclides,
    reachBack,
    inconsistency: scan.isInconsistent ? scan.inconsistency : null,
    summary: `${scan.scanType.replaceAll("_", " ")} scan at ${scan.scannedAt.slice(0, 16).replace("T", " ")} UTC: ${details.join("; ")}`,
  };
}

/**
 * The findings that stop a one-click clearance. For each kind of scan the latest analysed one
 * counts (a re-scan with the same kind of instrument replaces the earlier result); SNM and
 * reach-back advice count on every scan, since a later clean measurement does not explain them.
 */
export function clearanceFindings(scans: readonly ScanView[]): ClearanceFinding[] {
  const analysed = scans.filter((s) => s.analysis !== null || s.verdict !== null);
  const latest = new Map<ScanType, ScanView>();
  for (const scan of analysed) {
    const seen = latest.get(scan.scanType);
    if (!seen || isLater(scan, seen)) {
      latest.set(scan.scanType, scan);
    }
  }
  return analysed.map((s) => findingOf(s, latest.get(s.scanType) === s)).filter((f) => f !== null);
}

/**
 * Checks a disposition against the request's findings: clearing with findings needs a host
 * supervisor's override with a reason; an override is refused where it overrides nothing.
 * Returns the findings the override covers (empty when none is needed).
 */
export function checkClearance(
  actor: Actor,
  disposition: string,
  findings: readonly ClearanceFinding[],
  override: ClearanceOverride | undefined,
): ClearanceFinding[] {
  if (override) {
    if (!hasRole(actor, "supervisor")) {
      throw forbidden("Only a host supervisor may override the scan findings to clear a container");
    }
    if (disposition !== "cleared") {
      throw invalid("inspection_request.override_not_applicable", "Only clearing a container takes an override");
    }
    const reason = override.reason.trim();
    if (reason.length === 0 || reason.length > MAX_OVERRIDE_REASON) {
      throw invalid(
        "inspection_request.override_reason_required",
        `An override needs a reason of 1 to ${MAX_OVERRIDE_REASON} characters`,
      );
    }
    if (findings.length === 0) {
      throw conflict(
        "inspection_request.nothing_to_override",
        "No scan finding stands in the way of clearing this container; clear it without an override",
      );
    }
    return [...findings];
  }
  if (disposition !== "cleared" || findings.length === 0) {
    return [];
  }
  const reasons = [...new Set(findings.flatMap((f) => f.reasons))].map((r) => REASON_TEXT[r]).join(", ");
  throw new AppError(
    409,
    "inspection_request.clearance_guarded",
    `Cannot clear: ${reasons}. ${findings.map((f) => f.summary).join(". ")}. A host supervisor must override with a reason to clear this container.`,
    { findings },
  );
}
