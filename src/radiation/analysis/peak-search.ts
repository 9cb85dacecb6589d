import { fwhmAt, type FwhmModel } from "./calibration.ts";
import { energyAt, type SpectrumData } from "./types.ts";

/** A candidate peak from the second-derivative filter. */
export interface PeakCandidate {
  /** Fractional channel of the filter maximum (channel centre = i + 0.5). */
  channel: number;
  energy: number;
  /** Filter signal-to-noise ratio (K·n / sqrt(K²·n)). */
  significance: number;
  /** Expected FWHM in keV at this energy (from the resolution model). */
  fwhm: number;
}

/** Peak-search options. */
export interface PeakSearchOptions {
  fwhm: FwhmModel;
  /** Minimum filter SNR (default 4). */
  threshold?: number;
  /** Ignore peaks below this energy (default 20 keV). */
  minEnergy?: number;
}

/** Zero-area "Mexican hat" kernel −G''(x) for Gaussian σ (channels), truncated at ±4σ, lobes balanced. */
export function secondDerivativeKernel(sigma: number): number[] {
  const half = Math.max(2, Math.ceil(4 * sigma));
  const k: number[] = [];
  for (let j = -half; j <= half; j++) {
    const u = (j * j) / (sigma * sigma);
    k.push((1 - u) * Math.exp(-0.5 * u));
  }
  const pos = k.reduce((s, v) => s + Math.max(v, 0), 0);
  const neg = k.reduce((s, v) => s + Math.min(v, 0), 0);
  return k.map((v) => (v < 0 ? (v * pos) / -neg : v));
}

/** Filter signal and significance per channel, with σ following the FWHM model (kernels cached per σ). */
export function filterSpectrum(data: SpectrumData, fwhm: FwhmModel): { signal: number[]; snr: number[] } {
  const n = data.counts.length;
  const signal = new Array<number>(n).fill(0);
  const snr = new Array<number>(n).fill(0);
  const cache = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const keVPerCh = data.edges[i + 1]! - data.edges[i]!;
    if (keVPerCh <= 0) {
      continue;
    }
    const sigma = Math.max(0.8, fwhmAt(fwhm, energyAt(data.edges, i + 0.5)) / 2.3548 / keVPerCh);
    const key = Math.round(sigma * 10) / 10;
    const kernel = cache.get(key) ?? secondDerivativeKernel(key);
    cache.set(key, kernel);
    const half = (kernel.length - 1) / 2;
    let s = 0;
    let v = 0;
    for (let j = 0; j < kernel.length; j++) {
      const c = data.counts[i + j - half] ?? 0;
      s += kernel[j]! * c;
      v += kernel[j]! * kernel[j]! * c;
    }
    signal[i] = s;
    snr[i] = v > 0 ? s / Math.sqrt(v) : 0;
  }
  return { signal, snr };
}

/** Counts in a peak window and the continuum expected there from its side bands. */
export interface WindowTest {
  /** Counts within ±1 FWHM of the centroid. */
  counts: number;
  /** Continuum expected in that window: (side-band counts + 1) × width ratio (the +1 keeps empty side bands honest). */
  background: number;
  /** Signed Poisson likelihood-ratio significance of counts over background. */
  z: number;
}

/** Window counts at or below which a peak is judged by its Poisson window test rather than the Gaussian approximation. */
export const LOW_COUNTS = 100;

/**
 * Poisson likelihood-ratio significance of n counts where b are expected: the signed root of
 * 2[n·ln(n/b) − (n − b)]. At low counts, where the filter's Gaussian SNR needs ~16 counts on an
 * empty continuum to reach 4, this reaches 4 with about 6 — as the exact Poisson tail does.
 */
export function poissonSignificance(n: number, b: number): number {
  if (b <= 0) {
    return n > 0 ? Infinity : 0;
  }
  const d = 2 * ((n > 0 ? n * Math.log(n / b) : 0) - (n - b));
  return Math.sign(n - b) * Math.sqrt(Math.max(d, 0));
}

/** Sums counts over the fractional channel range [a, b) (whole channels whose centre lies inside). */
function sumChannels(counts: readonly number[], a: number, b: number): { sum: number; width: number } {
  let sum = 0;
  let width = 0;
  for (let i = Math.max(0, Math.ceil(a - 0.5)); i < counts.length && i + 0.5 < b; i++) {
    sum += counts[i]!;
    width++;
  }
  return { sum, width };
}

/**
 * The window test of a peak at fractional channel `channel` with FWHM `fwhmCh` (channels): counts
 * within ±1 FWHM against the side bands 1.5–3.5 FWHM away on both sides.
 */
export function windowTest(counts: readonly number[], channel: number, fwhmCh: number): WindowTest {
  const w = Math.max(fwhmCh, 1);
  const peak = sumChannels(counts, channel - w, channel + w);
  const left = sumChannels(counts, channel - 3.5 * w, channel - 1.5 * w);
  const right = sumChannels(counts, channel + 1.5 * w, channel + 3.5 * w);
  const sideWidth = left.width + right.width;
  const background = sideWidth > 0 ? ((left.sum + right.sum + 1) * peak.width) / sideWidth : peak.sum + 1;
  return { counts: peak.sum, background, z: poissonSignificance(peak.sum, background) };
}

/** Filter SNR a low-count local maximum needs before its window test is tried. */
const LOW_COUNT_FILTER_SNR = 2;

/**
 * Finds peaks as local maxima of the filter SNR above threshold, at least one FWHM apart. Where
 * counts are sparse (a few counts on an almost empty continuum, as in a short HPGe measurement)
 * the filter's Gaussian SNR undersells a peak; there a local maximum is also taken when its
 * Poisson window test reaches the threshold.
 */
export function searchPeaks(data: SpectrumData, options: PeakSearchOptions): PeakCandidate[] {
  const threshold = options.threshold ?? 4;
  const minEnergy = options.minEnergy ?? 20;
  const { snr } = filterSpectrum(data, options.fwhm);
  const found: PeakCandidate[] = [];
  for (let i = 1; i < snr.length - 1; i++) {
    const v = snr[i]!;
    if (v < LOW_COUNT_FILTER_SNR || v < snr[i - 1]! || v <= snr[i + 1]!) {
      continue;
    }
    const channel = i + 0.5 + parabolaOffset(snr[i - 1]!, v, snr[i + 1]!);
    const energy = energyAt(data.edges, channel);
    if (energy < minEnergy) {
      continue;
    }
    const fwhm = fwhmAt(options.fwhm, energy);
    let significance = v;
    if (v < threshold) {
      const keVPerCh = data.edges[i + 1]! - data.edges[i]!;
      const test = windowTest(data.counts, channel, fwhm / keVPerCh);
      if (test.counts > LOW_COUNTS || test.z < threshold) {
        continue;
      }
      significance = test.z;
    }
    found.push({ channel, energy, significance, fwhm });
  }
  return suppressNeighbours(found);
}

/** Vertex offset of a parabola through three equally spaced points (−0.5..0.5). */
function parabolaOffset(a: number, b: number, c: number): number {
  const den = a - 2 * b + c;
  return den === 0 ? 0 : Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
}

/** Keeps the more significant of any two candidates closer than one FWHM. */
function suppressNeighbours(peaks: PeakCandidate[]): PeakCandidate[] {
  const bySignificance = [...peaks].sort((p, q) => q.significance - p.significance);
  const kept: PeakCandidate[] = [];
  for (const p of bySignificance) {
    if (kept.every((k) => Math.abs(k.energy - p.energy) >= 0.8 * Math.min(k.fwhm, p.fwhm))) {
      kept.push(p);
    }
  }
  return kept.sort((p, q) => p.energy - q.energy);
}
