import type { AnalysisReport } from "../radiation/analyze-file.ts";
import { normCommodity, normCommodityFromText } from "../trade/index.ts";

/** Declared goods as the manifest gives them. */
export interface DeclaredGoods {
  hsCode: string;
  description: string;
}

/** Whether a radiation result fits what the manifest says is in the box, and why not. */
export interface DeclarationCheck {
  isInconsistent: boolean;
  reason: string | null;
  /** Declared commodities known to carry natural radioactivity. */
  expectedNorm: string[];
}

const THREAT_CATEGORIES = new Set(["industrial", "snm", "medical"]);

/**
 * Compares a scan's analysis with the declared goods: a man-made source in ordinary goods, or a
 * declared NORM commodity whose spectrum shows no natural radioactivity at all, is flagged.
 */
export function checkDeclaration(
  goods: DeclaredGoods[],
  report: AnalysisReport,
  isSpectrum: boolean,
): DeclarationCheck {
  const norm = goods
    .map((g) => normCommodity(g.hsCode) ?? normCommodityFromText(g.description))
    .filter((n) => n !== undefined);
  const expectedNorm = [...new Set(norm.filter((n) => n.kind === "nuisance").map((n) => n.commodity))];
  const declaredSource = norm.some((n) => n.kind === "explain-or-escalate");
  // Only what the analysis identified counts; a possibility is evidence for an expert, not a finding.
  // Reports stored before nuclides were graded have no status and count as identified.
  const status = (n: { status?: string }) => n.status ?? "identified";
  const manMade = report.nuclides.filter(
    (n) => status(n) === "identified" && THREAT_CATEGORIES.has(n.category.toLowerCase()),
  );
  if (manMade.length > 0 && !declaredSource) {
    const names = manMade.map((n) => n.name).join(", ");
    const declared =
      expectedNorm.length > 0
        ? `declared ${expectedNorm.join(", ")}`
        : `declared ${goods.map((g) => g.description.toLowerCase()).join(", ") || "goods"}`;
    return { isInconsistent: true, reason: `${names} found; ${declared} would not contain it`, expectedNorm };
  }
  const naturalFound =
    report.nuclides.some((n) => status(n) !== "possible" && n.category.toLowerCase() === "norm") ||
    report.verdict === "norm_nuisance";
  if (isSpectrum && expectedNorm.length > 0 && !naturalFound && report.errors.length === 0) {
    return {
      isInconsistent: true,
      reason: `declared ${expectedNorm.join(", ")} but no natural radioactivity (K-40, U or Th series) was seen`,
      expectedNorm,
    };
  }
  return { isInconsistent: false, reason: null, expectedNorm };
}
