/** Spectral (energy-window) and time-profile features of an occupancy excess (radiation-methods.md §3.5–3.6). */

/** Time-profile features of the net (observed − expected) panel-sum profile. */
export interface ProfileFeatures {
  /** Sample index (within the analysed span) of the smoothed net maximum. */
  peakIndex: number;
  /** Width of the region ≥ half the maximum, samples → seconds, and as a fraction of the occupied time. */
  fwhmS: number;
  widthFraction: number;
  geometry: "point" | "distributed" | "undetermined";
  /** (net A − net B)/(net A + net B) over the peak region; ±1 = source at one side. */
  sideAsymmetry: number;
  /** [from, to) samples of the half-maximum region. */
  region: [number, number];
}

/** Energy-window features over the peak region. */
export interface SpectralFeatures {
  /** Observed L/H ratio and the background ratio R_b = B_L/B_H. */
  lowHighRatio: number;
  backgroundRatio: number;
  /** EWR soft-excess statistic z = (S_L − R_b·S_H)/σ_D. */
  ewrSigma: number;
  /** Net hard-window (> ~1 MeV) fraction of the net excess, with its 1σ uncertainty. */
  hardFraction: number;
  hardFractionSigma: number;
  spectralClass: "NORM-like" | "non-NORM" | "undetermined";
}

/** Boxcar smoothing with half-width h. */
function smooth(v: readonly number[], h: number): number[] {
  return v.map((_, k) => {
    let s = 0;
    let n = 0;
    for (let j = Math.max(0, k - h); j <= Math.min(v.length - 1, k + h); j++) {
      s += v[j]!;
      n++;
    }
    return s / n;
  });
}

/** Options of the profile classifier. */
export interface ProfileOptions {
  occupiedSamples: number;
  sampleS: number;
  /** Smoothed net excess per sample below which the geometry is undetermined. */
  minNet: number;
  distributedWidthFraction: number;
}

/** Profile features: half-maximum width vs occupied time separates point (≈2d/v) from distributed (≈ transit) sources. */
export function profileFeatures(
  net: readonly number[],
  netA: readonly number[],
  netB: readonly number[],
  o: ProfileOptions,
): ProfileFeatures {
  const sm = smooth(net, 3);
  const peakIndex = sm.reduce((b, v, k) => (v > sm[b]! ? k : b), 0);
  const max = sm[peakIndex]!;
  let from = peakIndex;
  let to = peakIndex + 1;
  while (from > 0 && sm[from - 1]! >= max / 2) {
    from--;
  }
  while (to < sm.length && sm[to]! >= max / 2) {
    to++;
  }
  const widthFraction = (to - from) / Math.max(o.occupiedSamples, 1);
  const sum = (v: readonly number[]): number => v.slice(from, to).reduce((a, b) => a + b, 0);
  const a = sum(netA);
  const b = sum(netB);
  return {
    peakIndex,
    fwhmS: (to - from) * o.sampleS,
    widthFraction,
    geometry: max < o.minNet ? "undetermined" : widthFraction >= o.distributedWidthFraction ? "distributed" : "point",
    sideAsymmetry: a + b > 0 ? (a - b) / (a + b) : 0,
    region: [from, to],
  };
}

/** Window sums of observed and expected counts over a region. */
export interface WindowSums {
  observed: number[];
  expected: number[];
  /** Background counts per sample per window (all panels) and number of background samples. */
  bgRate: number[];
  bgSamples: number;
}

/** EWR statistic and net hard fraction (NORM has 9–20 % of its net counts above 1 MeV, Cs-137/medical/SNM ≈ 0). */
export function spectralFeatures(
  w: WindowSums,
  low: readonly number[],
  high: readonly number[],
  hard: readonly number[],
  minHardFraction: number,
  ewrLimit: number,
): SpectralFeatures {
  const pick = (v: readonly number[], idx: readonly number[]): number => idx.reduce((s, i) => s + (v[i] ?? 0), 0);
  const sL = pick(w.observed, low);
  const sH = pick(w.observed, high);
  const bL = pick(w.bgRate, low);
  const bH = pick(w.bgRate, high);
  const rb = bH > 0 ? bL / bH : 0;
  const varRb = rb * rb * (1 / Math.max(bL * w.bgSamples, 1) + 1 / Math.max(bH * w.bgSamples, 1));
  const ewrSigma = (sL - rb * sH) / Math.sqrt(Math.max(sL + rb * rb * sH + sH * sH * varRb, 1));
  const netTotal = w.observed.reduce((s, v, i) => s + v - w.expected[i]!, 0);
  const netHard = pick(w.observed, hard) - pick(w.expected, hard);
  const totalObs = w.observed.reduce((s, v) => s + v, 0);
  const hardFraction = netTotal > 0 ? netHard / netTotal : 0;
  const hardFractionSigma =
    netTotal > 0 ? Math.sqrt(pick(w.observed, hard) + hardFraction ** 2 * totalObs) / netTotal : Infinity;
  const resolved = netTotal > 5 * Math.sqrt(Math.max(totalObs, 1));
  const isNorm = hardFraction >= minHardFraction && ewrSigma < ewrLimit;
  return {
    lowHighRatio: sH > 0 ? sL / sH : Infinity,
    backgroundRatio: rb,
    ewrSigma,
    hardFraction,
    hardFractionSigma,
    spectralClass: !resolved ? "undetermined" : isNorm ? "NORM-like" : "non-NORM",
  };
}
