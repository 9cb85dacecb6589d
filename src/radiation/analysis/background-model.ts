/**
 * The background model a claim is tested against when the measurement comes without its own
 * background record: how much the counts scatter (are they Poisson at all?) and which lines a
 * detector of the class shows with no source present (detector-intrinsic contamination and cosmic
 * activation). A weak call on such a line must exceed what the background model itself puts there
 * by the Currie critical level.
 */
import type { DetectorType, SpectrumData } from "./types.ts";

/** Channels below this many counts are left out of the scatter estimate (the normal approximation fails). */
const DISPERSION_MIN_COUNTS = 25;
/** Fewer usable channels than this: too little to judge, counts are taken as Poisson. */
const DISPERSION_MIN_CHANNELS = 200;
/** Median of a χ²(1) variable: the median of the scatter statistic when counts are Poisson. */
const CHI2_1_MEDIAN = 0.4549;

/**
 * Dispersion index φ of a spectrum: the channel-to-channel scatter relative to what Poisson
 * statistics allow. For each channel with enough counts, d = n_i − (n_{i−1} + n_{i+1})/2 has
 * variance n_i + (n_{i−1} + n_{i+1})/4 under Poisson counts on a locally straight continuum, so
 * d²/var is χ²(1); the median over channels (robust against the curvature of peaks) divided by
 * the χ²(1) median estimates φ (the lowest over ranges of channels). Counted spectra give φ ≈ 1; scaled, summed-with-weights or
 * otherwise processed spectra give more, and their peak significances must be divided by √φ.
 * Returns at least 1.
 */
export function countDispersion(data: SpectrumData): number {
  const c = data.counts;
  const ratios: number[] = [];
  for (let i = 1; i < c.length - 1; i++) {
    const n = c[i]!;
    if (n < DISPERSION_MIN_COUNTS) {
      continue;
    }
    const side = c[i - 1]! + c[i + 1]!;
    const d = n - side / 2;
    ratios.push((d * d) / (n + side / 4));
  }
  if (ratios.length < DISPERSION_MIN_CHANNELS) {
    return 1;
  }
  // Strong, narrow peaks crowd some energy ranges, and their curvature looks like scatter there;
  // processing scatters every range alike. So: the median per range of channels, the lowest one.
  let lowest = Infinity;
  for (let start = 0; start + DISPERSION_MIN_CHANNELS <= ratios.length; start += DISPERSION_MIN_CHANNELS) {
    const end = start + 2 * DISPERSION_MIN_CHANNELS > ratios.length ? ratios.length : start + DISPERSION_MIN_CHANNELS;
    const chunk = ratios.slice(start, end).sort((a, b) => a - b);
    lowest = Math.min(lowest, chunk[Math.floor(chunk.length / 2)]! / CHI2_1_MEDIAN);
  }
  return Math.max(1, lowest);
}

/**
 * Dispersion below this is ordinary Poisson scatter plus the curvature of real peaks and
 * continua; only above it are the counts treated as over-dispersed.
 */
export const OVERDISPERSED = 3;

/** The dispersion to apply to significances: φ when the counts are clearly over-dispersed, else 1. */
export function effectiveDispersion(data: SpectrumData): number {
  const phi = countDispersion(data);
  return phi >= OVERDISPERSED ? phi : 1;
}

/** A line a detector class shows without any source, and the largest full-energy-peak rate the model allows it. */
export interface IntrinsicLine {
  nuclide: string;
  energy: number;
  /** Counts per second in the full-energy peak that the background model allows. */
  rateCps: number;
  origin: string;
}

/**
 * Lines in the background of an HPGe detector that no cargo put there: Co-60 from cosmic-neutron
 * activation of the cryostat's copper and of the steel and lead of a shield (of the order of a
 * hundred counts a day in each peak for a commercial coaxial detector; 2·10⁻³ cps allowed here).
 * Scintillators' own lines (La-138 / Ac-227 in LaBr3) are in their GADRAS background templates.
 */
const INTRINSIC: Record<DetectorType, readonly IntrinsicLine[]> = {
  HPGe: [
    { nuclide: "Co-60", energy: 1173.2, rateCps: 2e-3, origin: "cosmic activation of the detector and its shield" },
    { nuclide: "Co-60", energy: 1332.5, rateCps: 2e-3, origin: "cosmic activation of the detector and its shield" },
  ],
  NaI: [],
  "NaI-2x4x16": [],
  LaBr3: [],
};

/** The background model's intrinsic lines of a nuclide for a detector class. */
export function intrinsicLines(type: DetectorType, nuclide: string): readonly IntrinsicLine[] {
  return INTRINSIC[type].filter((l) => l.nuclide === nuclide);
}

/**
 * Currie's critical level as a multiple of σ₀ (the standard deviation of the net peak area when
 * only background is present): k = 3 keeps the false-positive rate per line near 0.1 %, as the
 * peak search does.
 */
export const CURRIE_K = 3;

/**
 * Excess of a net peak over what the background model puts at its line, in units of σ₀: the
 * expected intrinsic counts (rate × live time) are subtracted and σ₀² = φ·(σ_area² + expected).
 * A line is evidence of a source only when this reaches CURRIE_K.
 */
export function excessOverModel(area: number, areaUncertainty: number, expected: number, dispersion: number): number {
  const sigma0 = Math.sqrt(dispersion * (areaUncertainty * areaUncertainty + expected));
  return sigma0 > 0 ? (area - expected) / sigma0 : 0;
}
