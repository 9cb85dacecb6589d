import { effectiveDispersion } from "./background-model.ts";
import { defaultFwhmModel, fwhmAt, type FwhmModel } from "./calibration.ts";
import { adjudicate, type ClaimStatus } from "./claims.ts";
import { matchLibrary, type NetPeak } from "./line-match.ts";
import { TEMPLATE_SOURCES, type NuclideCategory } from "./nuclide-catalog.ts";
import { getNuclideLibrary } from "./nuclide-library.ts";
import { analysePeaks, type AnalysedPeak } from "./peak-analysis.ts";
import { poissonSignificance } from "./peak-search.ts";
import { identifyByTemplates, type TemplateEvidence } from "./template-id.ts";
import { channelAt, type DetectorType, type SpectrumData } from "./types.ts";

/** Identification options. */
export interface IdentifyOptions {
  detectorType: DetectorType;
  /** Background spectrum (any live time; it is scaled). */
  background?: SpectrumData;
  /** Resolution model (default per detector type). */
  fwhm?: FwhmModel;
  /** Drop results below this confidence (default 0.3). */
  minConfidence?: number;
  /** Template names left out of the full-spectrum fit (leave-one-out evaluation). */
  excludeTemplates?: readonly string[];
  /** Significance (σ) of the measurement's neutron excess over background; null or absent without neutron data. */
  neutronSigma?: number | null;
}

/** Why a nuclide was reported. */
export interface IdentificationReason {
  /** Net peak energies (keV) matched to the nuclide's lines. */
  peaks: number[];
  /** Fraction of expected line intensity found (0–1). */
  lineScore: number;
  /** Best-fitting GADRAS template, its likelihood-ratio statistic and fitted net counts. */
  template?: string;
  templateLambda?: number;
  templateCounts?: number;
}

/** One proposed nuclide and how it stands. */
export interface Identification {
  nuclide: string;
  category: NuclideCategory;
  /** 0–1: how strongly the line and template evidence point at it. */
  confidence: number;
  /** identified (an analyst would sign it), possible (kept as evidence only) or background (natural). */
  status: ClaimStatus;
  /** Why it is not identified. */
  notes: string[];
  /** Possible special nuclear material: what a reach-back expert should look at. */
  reachBack?: string;
  reason: IdentificationReason;
}

/** Everything the identification found. */
export interface IdentificationResult {
  nuclides: Identification[];
  /** Significant peaks that no identified or natural nuclide explains (keV). */
  unexplainedPeaks: number[];
}

/**
 * Net peaks: foreground peaks minus the time-scaled matching background peak, kept when ≥ 3σ.
 * Uncertainties are widened by √φ of each spectrum (φ = 1 for counted, Poisson data).
 */
function netPeaks(
  fg: readonly AnalysedPeak[],
  bg: readonly AnalysedPeak[],
  scale: number,
  phiFg: number,
  phiBg: number,
): NetPeak[] {
  return fg.flatMap((p) => {
    const b = bg.find((q) => Math.abs(q.energy - p.energy) < 0.5 * p.fwhm);
    const area = p.area - (b ? scale * b.area : 0);
    const sigma = Math.sqrt(phiFg * p.areaUncertainty ** 2 + (b ? phiBg * (scale * b.areaUncertainty) ** 2 : 0));
    // Few counts: the Poisson window test, with the background measurement's peak added to what the continuum puts there.
    const significance = p.window
      ? poissonSignificance(p.window.counts, p.window.background + (b ? scale * Math.max(b.area, 0) : 0)) /
        Math.sqrt(phiFg)
      : sigma > 0
        ? area / sigma
        : 0;
    return significance >= 3
      ? [{ energy: p.energy, energyUncertainty: p.energyUncertainty, significance, area, areaUncertainty: sigma }]
      : [];
  });
}

/** Template confidence: 0 at √Λ = 3, 1 at √Λ ≥ 10; an alternative is scaled by Λ_alt/Λ of what it replaces. */
function templateConfidence(e: TemplateEvidence | undefined): number {
  if (!e) {
    return 0;
  }
  const lambda = e.replacedLambda ?? e.lambda;
  const base = Math.min(1, Math.max(0, (Math.sqrt(lambda) - 3) / 7));
  return e.replacedLambda ? base * Math.min(1, e.lambda / e.replacedLambda) : base;
}

/**
 * Combines line and template evidence: a nuclide selected by the template fit gets 0.65·template + 0.35·lines;
 * one the fit did not select is capped by half its line score; nuclides without templates use 0.5·lines.
 */
function combine(
  lineScore: number,
  strongestFound: boolean,
  tmpl: TemplateEvidence | undefined,
  hasTemplate: boolean,
): number {
  const line = strongestFound ? lineScore : 0.3 * lineScore;
  if (tmpl) {
    return 0.65 * templateConfidence(tmpl) + 0.35 * line;
  }
  return hasTemplate ? 0.25 * line : 0.5 * line;
}

/**
 * Peaks of background spectra already analysed, per spectrum object and resolution model: a
 * background is measured once and compared with many spectra (a RIID's stored background, a
 * portal's quiet slices), so its peaks are searched and fitted once.
 */
const backgroundPeaks = new WeakMap<SpectrumData, Map<string, AnalysedPeak[]>>();

function peaksOfBackground(background: SpectrumData, fwhm: FwhmModel): AnalysedPeak[] {
  const perModel = backgroundPeaks.get(background) ?? new Map<string, AnalysedPeak[]>();
  backgroundPeaks.set(background, perModel);
  const key = JSON.stringify(fwhm);
  const hit = perModel.get(key);
  if (hit) {
    return hit;
  }
  const peaks = analysePeaks(background, { fwhm });
  perModel.set(key, peaks);
  return peaks;
}

const backgroundDispersion = new WeakMap<SpectrumData, number>();

/** The dispersion of a background spectrum, estimated once per spectrum object. */
function dispersionOfBackground(background: SpectrumData): number {
  const hit = backgroundDispersion.get(background);
  if (hit !== undefined) {
    return hit;
  }
  const phi = effectiveDispersion(background);
  backgroundDispersion.set(background, phi);
  return phi;
}

/** Identifies nuclides in a spectrum by peak ↔ line matching plus a full-spectrum GADRAS template fit. */
export function identify(spectrum: SpectrumData, options: IdentifyOptions): Identification[] {
  return identifyWithEvidence(spectrum, options).nuclides;
}

/** Identification with the decision on every proposal and the peaks left unexplained. */
export function identifyWithEvidence(spectrum: SpectrumData, options: IdentifyOptions): IdentificationResult {
  const fwhm = options.fwhm ?? defaultFwhmModel(options.detectorType);
  const fg = analysePeaks(spectrum, { fwhm });
  const bg = options.background ? peaksOfBackground(options.background, fwhm) : [];
  const scale = options.background ? spectrum.liveTimeS / options.background.liveTimeS : 0;
  const phiFg = effectiveDispersion(spectrum);
  const phiBg = options.background ? dispersionOfBackground(options.background) : 1;
  const peaks = netPeaks(fg, bg, scale, phiFg, phiBg);
  const lines = matchLibrary(peaks, options.detectorType, fwhm);
  const templates = identifyByTemplates(
    spectrum,
    options.detectorType,
    options.background,
    options.excludeTemplates,
    phiFg,
  );
  const excluded = options.excludeTemplates ?? [];
  const withTemplates = new Set(TEMPLATE_SOURCES.filter((t) => !excluded.includes(t.file)).map((t) => t.nuclide));
  const proposals = getNuclideLibrary().map((n) => {
    const lm = lines.find((l) => l.nuclide === n.name)!;
    const te = templates.evidence.find((e) => e.nuclide === n.name);
    const reason: IdentificationReason = { peaks: lm.matchedEnergies, lineScore: round(lm.score) };
    if (te) {
      Object.assign(reason, {
        template: te.template,
        templateLambda: round(te.lambda),
        templateCounts: Math.round(te.counts),
      });
    }
    const confidence = round(combine(lm.score, lm.strongestFound, te, withTemplates.has(n.name)));
    return {
      nuclide: n.name,
      category: n.category,
      confidence,
      reason,
      lines: lm,
      template: te,
      hasTemplate: withTemplates.has(n.name),
    };
  });
  const kept = proposals
    .filter((r) => r.confidence >= (options.minConfidence ?? 0.3))
    .sort((a, b) => b.confidence - a.confidence || (b.reason.templateLambda ?? 0) - (a.reason.templateLambda ?? 0));
  const { claims, unexplainedPeaks } = adjudicate(kept, {
    detectorType: options.detectorType,
    fwhm,
    peaks,
    hasBackground: options.background !== undefined,
    liveTimeS: spectrum.liveTimeS,
    dispersion: phiFg,
    channelWidthAt: (e: number) => {
      const i = Math.min(Math.max(Math.floor(channelAt(spectrum.edges, e)), 0), spectrum.edges.length - 2);
      return spectrum.edges[i + 1]! - spectrum.edges[i]!;
    },
    neutronSigma: options.neutronSigma ?? null,
  });
  const nuclides = kept.map((k): Identification => {
    const claim = claims.find((c) => c.nuclide === k.nuclide)!;
    return {
      nuclide: k.nuclide,
      category: k.category,
      confidence: k.confidence,
      status: claim.status,
      notes: claim.notes,
      ...(claim.reachBack ? { reachBack: claim.reachBack } : {}),
      reason: k.reason,
    };
  });
  // Identified first, then natural background, then the merely possible; each by confidence.
  const rank: Record<ClaimStatus, number> = { identified: 0, background: 1, possible: 2 };
  nuclides.sort((a, b) => rank[a.status] - rank[b.status] || b.confidence - a.confidence);
  return { nuclides, unexplainedPeaks: unexplainedPeaks.map((p) => Math.round(p.energy * 10) / 10) };
}

/** Rounds to 3 decimals for reporting. */
function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** Expected FWHM at an energy for a detector type (convenience for callers displaying tolerances). */
export function nominalFwhm(type: DetectorType, energy: number): number {
  return fwhmAt(defaultFwhmModel(type), energy);
}
