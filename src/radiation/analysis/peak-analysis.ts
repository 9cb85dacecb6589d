import type { FwhmModel } from "./calibration.ts";
import { fitRoi, type FittedPeak } from "./peak-fit.ts";
import { LOW_COUNTS, searchPeaks, windowTest, type PeakCandidate } from "./peak-search.ts";
import { channelAt, type SpectrumData } from "./types.ts";

/**
 * A fitted peak with its search significance and its significance: area / σ_area, or at low
 * counts (≤ LOW_COUNTS in the ±1 FWHM window) the Poisson window test, whose counts and expected
 * continuum are kept for comparison with a background measurement.
 */
export interface AnalysedPeak extends FittedPeak {
  searchSignificance: number;
  significance: number;
  window?: { counts: number; background: number };
}

/** Options for search + fit. */
export interface PeakAnalysisOptions {
  fwhm: FwhmModel;
  threshold?: number;
  minEnergy?: number;
  /** Largest number of peaks fitted together in one ROI (default 4). */
  maxMultiplet?: number;
}

/** Groups candidates into ROIs: neighbours closer than 3 FWHM share a ROI (up to maxMultiplet peaks). */
function groupCandidates(peaks: readonly PeakCandidate[], maxMultiplet: number): PeakCandidate[][] {
  const groups: PeakCandidate[][] = [];
  for (const p of peaks) {
    const g = groups[groups.length - 1];
    const last = g?.[g.length - 1];
    if (g && last && p.energy - last.energy < 1.5 * (p.fwhm + last.fwhm) && g.length < maxMultiplet) {
      g.push(p);
    } else {
      groups.push([p]);
    }
  }
  return groups;
}

/** Fits one group as a multiplet on a linear continuum with ±2.5 FWHM margins. */
function fitGroup(data: SpectrumData, group: readonly PeakCandidate[]): AnalysedPeak[] {
  const first = group[0]!;
  const last = group[group.length - 1]!;
  const start = Math.max(0, Math.floor(channelAt(data.edges, first.energy - 2.5 * first.fwhm)));
  const end = Math.min(data.counts.length, Math.ceil(channelAt(data.edges, last.energy + 2.5 * last.fwhm)));
  const c0 = Math.min(Math.max(Math.floor(first.channel), 0), data.counts.length - 1);
  const keVPerCh = data.edges[c0 + 1]! - data.edges[c0]!;
  if (end - start < 2 * group.length + 4) {
    return [];
  }
  const sigmaCh = (p: PeakCandidate): number => {
    const c = Math.min(Math.max(Math.floor(p.channel), 0), data.counts.length - 1);
    return p.fwhm / 2.3548 / (data.edges[c + 1]! - data.edges[c]!);
  };
  const sigma = first.fwhm / 2.3548 / keVPerCh;
  const sigmaRatios = group.map((p) => sigmaCh(p) / sigma);
  const fit = fitRoi(data, { start, end, centroids: group.map((p) => p.channel), sigma, sigmaRatios });
  return fit.peaks.map((peak, k) => {
    const gaussian = peak.areaUncertainty > 0 ? peak.area / peak.areaUncertainty : 0;
    const test = windowTest(data.counts, peak.channel, 2.3548 * sigmaCh(group[k]!));
    if (test.counts <= LOW_COUNTS && peak.area > 0) {
      return {
        ...peak,
        searchSignificance: group[k]!.significance,
        significance: test.z,
        window: { counts: test.counts, background: test.background },
      };
    }
    return { ...peak, searchSignificance: group[k]!.significance, significance: gaussian };
  });
}

/** Peak search (second-derivative filter) followed by Poisson-ML fits of each ROI. */
export function analysePeaks(data: SpectrumData, options: PeakAnalysisOptions): AnalysedPeak[] {
  const candidates = searchPeaks(data, {
    fwhm: options.fwhm,
    threshold: options.threshold,
    minEnergy: options.minEnergy,
  });
  const groups = groupCandidates(candidates, options.maxMultiplet ?? 4);
  return groups.flatMap((g) => fitGroup(data, g)).filter((p) => p.area > 0 && Number.isFinite(p.significance));
}
