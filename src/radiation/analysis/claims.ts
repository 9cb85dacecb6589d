/**
 * Evidence before a name. The line matcher and the template fit propose nuclides; this decides which
 * of them an analyst would sign as identified, which are only possible (kept in the evidence, never
 * in the verdict), and which are natural background. The rules, in order of the candidates' scores:
 *
 * - a nuclide with templates must be chosen by the full-spectrum fit on its own merit (a significant
 *   likelihood-ratio gain), not merely be able to stand in for another nuclide;
 * - its strongest line must be found as a significant net peak, and that peak must not already be
 *   explained by a stronger claim or by a background line (lead x-rays, annihilation); a peak
 *   explains at most one nuclide unless that nuclide also shows lines no one else explains;
 * - special nuclear material needs its own signature lines (see SNM_SIGNATURES); anything less is
 *   "possible SNM — reach-back advised" with the reason;
 * - neutron emitters need a neutron excess over background;
 * - natural nuclides (K-40, the U and Th chains) without a background measurement to compare with
 *   are background, not a finding.
 */
import { CURRIE_K, excessOverModel, intrinsicLines } from "./background-model.ts";
import { fwhmAt, type FwhmModel } from "./calibration.ts";
import { lineTolerance, type LineMatch, type NetPeak } from "./line-match.ts";
import type { NuclideCategory } from "./nuclide-catalog.ts";
import type { TemplateEvidence } from "./template-id.ts";
import type { DetectorType } from "./types.ts";

/** How a proposed nuclide stands after the rules. */
export type ClaimStatus = "identified" | "possible" | "background";

/** A proposal from the line matcher and the template fit. */
export interface Candidate {
  nuclide: string;
  category: NuclideCategory;
  confidence: number;
  lines: LineMatch;
  template?: TemplateEvidence;
  hasTemplate: boolean;
}

/** What the rules need to know about the measurement. */
export interface ClaimContext {
  detectorType: DetectorType;
  fwhm: FwhmModel;
  /** Significant net peaks (after the background measurement, when there is one). */
  peaks: readonly NetPeak[];
  /** Whether a background measurement was subtracted / fitted. */
  hasBackground: boolean;
  /** Live time of the measurement (s). */
  liveTimeS: number;
  /** Dispersion index of the counts (1 for Poisson counts). */
  dispersion: number;
  /** Channel width (keV) at an energy, when the spectrum's grid is known. */
  channelWidthAt?: (energy: number) => number;
  /** Significance (σ) of the neutron count excess over background; null when the file has no usable neutron data. */
  neutronSigma: number | null;
}

/** The decision on one candidate. */
export interface Claim {
  nuclide: string;
  status: ClaimStatus;
  /** Why it is not identified (empty when it is). */
  notes: string[];
  /** Set on special nuclear material that is possible but not proven: what an expert should look at. */
  reachBack?: string;
}

/** Lines of the surroundings rather than the cargo: lead x-ray fluorescence and annihilation. */
const BACKGROUND_LINES: readonly { energy: number; name: string }[] = [
  { energy: 72.8, name: "lead x-rays" },
  { energy: 75.0, name: "lead x-rays" },
  { energy: 84.9, name: "lead x-rays" },
  { energy: 87.3, name: "lead x-rays" },
  { energy: 511.0, name: "annihilation" },
];

/**
 * What special nuclear material must show. High-resolution detectors must resolve the lines
 * themselves; on scintillators the template fit must beat every non-SNM explanation and the main
 * group must appear as a peak.
 */
const SNM_SIGNATURES: Record<
  string,
  { required: number[]; anyOf: number[]; text: string; scintillatorRegion: [number, number] }
> = {
  "U-235": {
    required: [185.7],
    anyOf: [143.8, 163.4, 205.3],
    text: "185.7 keV and one of 143.8 / 163.4 / 205.3 keV",
    scintillatorRegion: [170, 200],
  },
  "Pu-239": {
    required: [],
    anyOf: [375.0, 413.7, 129.3],
    text: "its 375 / 414 keV group (or 129.3 keV)",
    scintillatorRegion: [340, 450],
  },
  "Np-237": {
    required: [311.9],
    anyOf: [300.1, 340.5, 86.5],
    text: "311.9 keV and one of 300.1 / 340.5 / 86.5 keV",
    scintillatorRegion: [280, 345],
  },
};

/** Likelihood-ratio gain at which the fit's choice of a nuclide outweighs lead x-rays on its strongest line. */
const STRONG_FIT = 100;

/** The natural potassium line: its presence marks the natural mix of K, U and Th as background. */
const K40_LINE = 1460.8;

/** Significance a neutron excess needs to support a neutron emitter. */
const NEUTRON_SIGMA = 3;

function isHighResolution(type: DetectorType): boolean {
  return type === "HPGe";
}

/** The peak within tolerance of a line, if any. */
function peakAt(peaks: readonly NetPeak[], fwhm: FwhmModel, energy: number): NetPeak | undefined {
  const tol = lineTolerance(fwhm, energy);
  return peaks.find((p) => Math.abs(p.energy - energy) <= tol + 2 * p.energyUncertainty);
}

/**
 * Whether any significant peak lies in the nuclide's signature: on a resolving detector at one of
 * its signature lines, on a scintillator anywhere in its signature region.
 */
function hasPeakInSignature(c: Candidate, ctx: ClaimContext): boolean {
  const signature = SNM_SIGNATURES[c.nuclide];
  if (!signature) {
    return false;
  }
  if (isHighResolution(ctx.detectorType)) {
    return [...signature.required, ...signature.anyOf].some((e) => peakAt(ctx.peaks, ctx.fwhm, e) !== undefined);
  }
  const [lo, hi] = signature.scintillatorRegion;
  return ctx.peaks.some((p) => p.energy >= lo && p.energy <= hi);
}

/** A peak narrower than this many channels cannot be fitted (the fit needs a few channels per peak). */
const MIN_FWHM_CHANNELS = 1.5;

/** Whether the spectrum's channels are fine enough for the nuclide's signature lines to show as fitted peaks. */
function signatureResolvable(c: Candidate, ctx: ClaimContext): boolean {
  const signature = SNM_SIGNATURES[c.nuclide];
  if (!signature || !ctx.channelWidthAt || !isHighResolution(ctx.detectorType)) {
    return true;
  }
  const lines = [...signature.required, ...signature.anyOf];
  return lines.every((e) => fwhmAt(ctx.fwhm, e) >= MIN_FWHM_CHANNELS * ctx.channelWidthAt!(e));
}

/** Why an SNM candidate falls short of its signature, or null when it shows it. */
function snmShortfall(
  c: Candidate,
  ctx: ClaimContext,
  alternatives: readonly Candidate[],
  ownerOf: (p: NetPeak) => string | undefined,
): string | null {
  const signature = SNM_SIGNATURES[c.nuclide];
  if (!signature) {
    return null;
  }
  if (isHighResolution(ctx.detectorType)) {
    const hasRequired = signature.required.every((e) => peakAt(ctx.peaks, ctx.fwhm, e));
    const others = signature.anyOf.filter((e) => peakAt(ctx.peaks, ctx.fwhm, e));
    return hasRequired && others.length >= 1
      ? null
      : `${c.nuclide} needs ${signature.text}; found ${c.lines.matchedEnergies.join(", ") || "no line"} keV`;
  }
  const rival = alternatives.find((a) => a.template?.alternativeTo === c.nuclide && a.category !== "SNM");
  if (rival) {
    return `${rival.nuclide} explains the spectrum nearly as well as ${c.nuclide}`;
  }
  const [lo, hi] = signature.scintillatorRegion;
  const inRegion = ctx.peaks.filter((p) => p.energy >= lo && p.energy <= hi);
  if (inRegion.length === 0) {
    return `${c.nuclide} shows no peak in its ${lo}–${hi} keV group`;
  }
  // One peak is evidence for one nuclide: a peak of the group that a nuclide already claimed explains is not SNM's.
  const claimedBy = inRegion.map(ownerOf).filter((o): o is string => o !== undefined && o !== c.nuclide);
  if (claimedBy.length === inRegion.length) {
    return `${c.nuclide} has no peak of its own in its ${lo}–${hi} keV group (${[...new Set(claimedBy)].join(", ")} explains what is there)`;
  }
  return null;
}

/**
 * Without a background measurement, a nuclide whose lines the detector class shows with no source
 * (Co-60 from cosmic activation in an HPGe and its shield) is a finding only when one of its peaks
 * exceeds what the background model puts there by the Currie critical level.
 */
function intrinsicShortfall(
  c: Candidate,
  ctx: ClaimContext,
  peakOf: (energy: number) => NetPeak | undefined,
): string | null {
  const model = intrinsicLines(ctx.detectorType, c.nuclide);
  if (model.length === 0) {
    return null;
  }
  const tested = model.flatMap((l) => {
    const m = c.lines.matches.find((x) => Math.abs(x.line - l.energy) <= lineTolerance(ctx.fwhm, l.energy));
    const p = m ? peakOf(m.peak) : undefined;
    if (!p) {
      return [];
    }
    const expected = l.rateCps * ctx.liveTimeS;
    return [{ line: l, peak: p, expected, excess: excessOverModel(p.area, p.areaUncertainty, expected, 1) }];
  });
  if (tested.length === 0 || tested.some((t) => t.excess >= CURRIE_K)) {
    return null;
  }
  const t = tested.reduce((a, b) => (b.excess > a.excess ? b : a));
  return (
    `its ${t.line.energy.toFixed(1)} keV peak (${Math.round(t.peak.area)} counts) is within what ${t.line.origin} gives ` +
    `(${Math.round(t.expected)} counts expected in ${Math.round(ctx.liveTimeS)} s; excess ${t.excess.toFixed(1)}σ, critical level ${CURRIE_K}σ)`
  );
}

/** Whether `b` matches every peak `a` matches, and more. */
function explainsMore(b: Candidate, a: Candidate): boolean {
  const mine = new Set(b.lines.matches.map((m) => m.peak));
  return (
    a.lines.matches.length > 0 &&
    a.lines.matches.every((m) => mine.has(m.peak)) &&
    mine.size > new Set(a.lines.matches.map((m) => m.peak)).size
  );
}

/** Decides every candidate (strongest first). */
export function adjudicate(
  candidates: readonly Candidate[],
  ctx: ClaimContext,
): { claims: Claim[]; unexplainedPeaks: NetPeak[] } {
  const owner = new Map<NetPeak, string>();
  for (const p of ctx.peaks) {
    const line = BACKGROUND_LINES.find(
      (l) => Math.abs(p.energy - l.energy) <= lineTolerance(ctx.fwhm, l.energy) + 2 * p.energyUncertainty,
    );
    if (line) {
      owner.set(p, line.name);
    }
  }
  const peakOf = (energy: number): NetPeak | undefined => ctx.peaks.find((p) => p.energy === energy);
  // Nuclides the fit chose are judged first; a stand-in is judged after the nuclide it stands in
  // for, and takes its place only when that one failed.
  const isStandIn = (c: Candidate) => c.template?.alternativeTo !== undefined;
  const ordered = [...candidates].sort(
    (a, b) => Number(isStandIn(a)) - Number(isStandIn(b)) || b.confidence - a.confidence,
  );
  // A nuclide whose every peak another nearly as likely nuclide also explains, along with peaks of
  // its own, yields to that one: one peak is not evidence for two nuclides. A stand-in that does so
  // moves ahead together with the nuclide it stands in for (judged just before it), and only when
  // the fit supports it more strongly than the one it passes.
  for (let i = 0; i < ordered.length; i++) {
    for (let j = i + 1; j < ordered.length; j++) {
      const a = ordered[i]!;
      const b = ordered[j]!;
      if (a.confidence - b.confidence >= 0.1 || !explainsMore(b, a)) {
        continue;
      }
      if (isStandIn(a) === isStandIn(b)) {
        ordered[i] = b;
        ordered[j] = a;
        continue;
      }
      const target = b.template?.alternativeTo;
      const at = ordered.findIndex((x) => x.nuclide === target);
      if (isStandIn(b) && at > i && (b.template?.lambda ?? 0) > (a.template?.lambda ?? 0)) {
        const moved = [ordered[at]!, b];
        const rest = ordered.filter((x) => x !== b && x !== ordered[at]);
        rest.splice(i, 0, ...moved);
        ordered.splice(0, ordered.length, ...rest);
        i++;
        break;
      }
    }
  }
  const claims: Claim[] = [];
  const replaced = new Set<string>();
  for (const c of ordered) {
    const notes: string[] = [];
    const standsInFor = c.template?.alternativeTo;
    if (c.hasTemplate && !c.template) {
      notes.push("the full-spectrum fit does not need it");
    } else if (
      standsInFor !== undefined &&
      (claims.find((k) => k.nuclide === standsInFor)?.status !== "possible" || replaced.has(standsInFor))
    ) {
      notes.push(`only as an alternative to ${standsInFor}`);
    }
    if (!c.lines.strongestFound) {
      notes.push(
        Number.isFinite(c.lines.strongestLine)
          ? `its strongest line (${c.lines.strongestLine.toFixed(1)} keV) is not found`
          : "no line in range",
      );
    } else {
      const unowned = c.lines.matches.filter((m) => {
        const p = peakOf(m.peak);
        return p !== undefined && !owner.has(p);
      });
      const strongest = c.lines.matches.find((m) => m.line === c.lines.strongestLine);
      const strongestPeak = strongest ? peakOf(strongest.peak) : undefined;
      const strongestOwner = strongestPeak !== undefined ? owner.get(strongestPeak) : undefined;
      // Lead x-rays are excited by the source itself: they do not outweigh a nuclide the fit needs strongly.
      const isSurroundings = strongestOwner !== undefined && BACKGROUND_LINES.some((l) => l.name === strongestOwner);
      const isStrongestOwned =
        strongestOwner !== undefined &&
        !(isSurroundings && standsInFor === undefined && (c.template?.lambda ?? 0) >= STRONG_FIT);
      const ownShare = unowned.reduce((s, m) => s + m.share, 0);
      if (isStrongestOwned && ownShare < 0.3) {
        notes.push(`its ${c.lines.strongestLine.toFixed(1)} keV peak is explained by ${owner.get(strongestPeak!)}`);
      } else if (unowned.length === 0 && !(isSurroundings && !isStrongestOwned)) {
        notes.push("every peak it matches is explained by another nuclide");
      }
      if (isHighResolution(ctx.detectorType)) {
        // A resolving detector shows every major line of a nuclide that is there.
        const missing = c.lines.expected.filter(
          (l) => l.share >= 0.25 && !c.lines.matches.some((m) => m.line === l.energy),
        );
        if (missing.length > 0) {
          notes.push(
            `its ${missing.map((l) => l.energy.toFixed(1)).join(" / ")} keV line${missing.length > 1 ? "s are" : " is"} missing`,
          );
        }
      }
    }
    // Lines the background model itself holds are the detector's, not the cargo's.
    let isIntrinsic = false;
    if (notes.length === 0 && !ctx.hasBackground) {
      const shortfall = intrinsicShortfall(c, ctx, peakOf);
      if (shortfall) {
        notes.push(shortfall);
        isIntrinsic = true;
      }
    }
    if (c.category === "Neutron" && (ctx.neutronSigma === null || ctx.neutronSigma < NEUTRON_SIGMA)) {
      notes.push(
        ctx.neutronSigma === null
          ? "no neutron measurement to support it"
          : `neutron excess only ${ctx.neutronSigma.toFixed(1)}σ`,
      );
    }
    let reachBack: string | undefined;
    if (notes.length === 0 && c.category === "SNM") {
      const shortfall = snmShortfall(c, ctx, candidates, (p) => owner.get(p));
      if (shortfall) {
        notes.push(shortfall);
        reachBack = `possible ${c.nuclide}: ${shortfall}`;
      }
    }
    // Strong template evidence for special nuclear material that the rules do not confirm is for
    // an expert to look at, whatever the rule that stopped it.
    // Not when its lines were looked for and are absent: then the spectrum speaks against it. Lines
    // narrower than the channels cannot be fitted, so there their absence says nothing.
    if (
      notes.length > 0 &&
      c.category === "SNM" &&
      !reachBack &&
      (c.template?.lambda ?? 0) >= STRONG_FIT &&
      (ctx.peaks.length === 0 || hasPeakInSignature(c, ctx) || !signatureResolvable(c, ctx))
    ) {
      reachBack = `possible ${c.nuclide}: ${notes.join("; ")}`;
    }
    let status: ClaimStatus =
      notes.length === 0 ? "identified" : isIntrinsic && notes.length === 1 ? "background" : "possible";
    // Without a background measurement, natural nuclides beside natural potassium are the
    // surroundings; one chain standing alone (no K-40) is a source.
    if (
      status === "identified" &&
      c.category === "NORM" &&
      !ctx.hasBackground &&
      (c.nuclide === "K-40" || peakAt(ctx.peaks, ctx.fwhm, K40_LINE))
    ) {
      status = "background";
    }
    if (status !== "possible" && standsInFor !== undefined) {
      replaced.add(standsInFor);
    }
    if (status !== "possible") {
      for (const m of c.lines.matches) {
        const p = peakOf(m.peak);
        // An identified nuclide explains a surroundings peak (annihilation, lead x-rays) that one of
        // its own lines matches: a second nuclide resting on that peak alone no longer finds it free.
        if (p && (!owner.has(p) || BACKGROUND_LINES.some((l) => l.name === owner.get(p)))) {
          owner.set(p, c.nuclide);
        }
      }
    }
    claims.push({ nuclide: c.nuclide, status, notes, ...(reachBack ? { reachBack } : {}) });
  }
  // A peak is unexplained when nothing identified or natural accounts for it and it stands well clear of the continuum.
  const unexplainedPeaks = ctx.peaks.filter(
    (p) => !owner.has(p) && p.significance >= 5 && p.energy > 2 * fwhmAt(ctx.fwhm, p.energy),
  );
  return { claims, unexplainedPeaks };
}
