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

/** Finds peaks as local maxima of the filter SNR above threshold, at least one FWHM apart. */
export function searchPeaks(data: SpectrumData, options: PeakSearchOptions): PeakCandidate[] {
  const threshold = options.threshold ?? 4;
  const minEnergy = options.minEnergy ?? 20;
  const { snr } = filterSpectrum(data, options.fwhm);
  const found: PeakCandidate[] = [];
  for (let i = 1; i < snr.length - 1; i++) {
    const v = snr[i]!;
    if (v < threshold || v < snr[i - 1]! || v <= snr[i + 1]!) {
      continue;
    }
    const energy = energyAt(data.edges, i + 0.5 + parabolaOffset(snr[i - 1]!, v, snr[i + 1]!));
    if (energy < minEnergy) {
      continue;
    }
    found.push({ channel: i + 0.5 + parabolaOffset(snr[i - 1]!, v, snr[i + 1]!), energy, significance: v, fwhm: fwhmAt(options.fwhm, energy) });
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
