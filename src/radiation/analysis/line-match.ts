import { fwhmAt, type FwhmModel } from "./calibration.ts";
import { getNuclideLibrary, peakEfficiency, type Nuclide } from "./nuclide-library.ts";
import type { DetectorType } from "./types.ts";

/** A net peak offered to the line matcher. */
export interface NetPeak {
  energy: number;
  energyUncertainty: number;
  /** Net area significance (σ units) after background subtraction, the counts' dispersion included. */
  significance: number;
  /** Net area (counts) and its standard deviation (dispersion included). */
  area: number;
  areaUncertainty: number;
}

/** Line-matching outcome for one nuclide. */
export interface LineMatch {
  nuclide: string;
  /** Fraction (0–1) of the nuclide's expected (yield × efficiency) peak intensity found among the peaks. */
  score: number;
  /** Peak energies matched to the nuclide's lines. */
  matchedEnergies: number[];
  /** Whether the strongest expected line was found. */
  strongestFound: boolean;
  /** Energy of the strongest expected line (keV); NaN when the nuclide has no line in range. */
  strongestLine: number;
  /** Each expected line found: the line, its share of the expected weight and the peak that matched it. */
  matches: { line: number; share: number; peak: number }[];
  /** Every expected line in range with its share of the expected weight. */
  expected: { energy: number; share: number }[];
}

/** An expected (resolution-merged) line: energy and weight = Σ yield × efficiency. */
interface ExpectedLine {
  energy: number;
  weight: number;
}

/** Expected lines above minEnergy, merging lines closer than 0.7 FWHM, keeping those ≥ 5 % of the strongest. */
export function expectedLines(nuclide: Nuclide, type: DetectorType, fwhm: FwhmModel, minEnergy = 30): ExpectedLine[] {
  const merged: ExpectedLine[] = [];
  for (const l of nuclide.lines) {
    if (l.energy < minEnergy) {
      continue;
    }
    const w = l.intensity * peakEfficiency(type, l.energy);
    const last = merged[merged.length - 1];
    if (last && l.energy - last.energy < 0.7 * fwhmAt(fwhm, l.energy)) {
      last.energy = (last.energy * last.weight + l.energy * w) / (last.weight + w);
      last.weight += w;
    } else {
      merged.push({ energy: l.energy, weight: w });
    }
  }
  const max = Math.max(0, ...merged.map((l) => l.weight));
  return merged.filter((l) => l.weight >= 0.05 * max);
}

/** How far (keV) a peak may sit from a line and still be that line: 0.6 FWHM of the detector there (plus 2σ of the peak's energy). */
export function lineTolerance(fwhm: FwhmModel, energy: number): number {
  return 0.6 * fwhmAt(fwhm, energy);
}

/** Scores one nuclide: matched weight / expected weight, with peaks within 0.6 FWHM (+2σ_E) of a line. */
function matchNuclide(nuclide: Nuclide, peaks: readonly NetPeak[], type: DetectorType, fwhm: FwhmModel): LineMatch {
  const lines = expectedLines(nuclide, type, fwhm);
  const total = lines.reduce((s, l) => s + l.weight, 0);
  let matched = 0;
  const energies: number[] = [];
  const matches: LineMatch["matches"] = [];
  let strongestFound = false;
  const strongest = lines.reduce<ExpectedLine | undefined>((b, l) => (!b || l.weight > b.weight ? l : b), undefined);
  for (const line of lines) {
    const tol = lineTolerance(fwhm, line.energy);
    // The nearest peak within tolerance, not the first: two lines may not share a peak by accident of order.
    let hit: NetPeak | undefined;
    for (const p of peaks) {
      const d = Math.abs(p.energy - line.energy);
      if (d <= tol + 2 * p.energyUncertainty && (!hit || d < Math.abs(hit.energy - line.energy))) {
        hit = p;
      }
    }
    if (!hit) {
      continue;
    }
    matched += line.weight;
    energies.push(Math.round(hit.energy * 10) / 10);
    matches.push({ line: line.energy, share: total > 0 ? line.weight / total : 0, peak: hit.energy });
    strongestFound ||= line === strongest;
  }
  return {
    nuclide: nuclide.name,
    score: total > 0 ? matched / total : 0,
    matchedEnergies: energies,
    strongestFound,
    strongestLine: strongest?.energy ?? Number.NaN,
    matches,
    expected: lines.map((l) => ({ energy: l.energy, share: total > 0 ? l.weight / total : 0 })),
  };
}

/** Matches significant net peaks against every library nuclide. */
export function matchLibrary(peaks: readonly NetPeak[], type: DetectorType, fwhm: FwhmModel): LineMatch[] {
  return getNuclideLibrary().map((n) => matchNuclide(n, peaks, type, fwhm));
}
