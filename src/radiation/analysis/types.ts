import { channelEdgeEnergies, type Spectrum } from "../model.ts";

/** Detector families the analysis has resolution models and templates for. */
export type DetectorType = "NaI" | "NaI-2x4x16" | "LaBr3" | "HPGe";

/** Plain spectrum input: counts per channel, channel energy edges (keV, length n + 1) and live time (s). */
export interface SpectrumData {
  counts: readonly number[];
  edges: readonly number[];
  liveTimeS: number;
}

/** Builds the plain analysis input from a model `Spectrum` and its live time. */
export function toSpectrumData(spectrum: Spectrum, liveTimeS: number): SpectrumData {
  return {
    counts: spectrum.counts,
    edges: channelEdgeEnergies(spectrum.calibration, spectrum.counts.length),
    liveTimeS,
  };
}

/** Energy (keV) at fractional channel position x (0 = lower edge of channel 0), interpolating the edges. */
export function energyAt(edges: readonly number[], x: number): number {
  const last = edges.length - 1;
  const i = Math.min(Math.max(Math.floor(x), 0), last - 1);
  const e0 = edges[i]!;
  return e0 + (edges[i + 1]! - e0) * (x - i);
}

/** Fractional channel position whose energy is `e` (inverse of energyAt for increasing edges). */
export function channelAt(edges: readonly number[], e: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  if (e <= edges[0]!) {
    return (e - edges[0]!) / (edges[1]! - edges[0]!);
  }
  if (e >= edges[hi]!) {
    return hi + (e - edges[hi]!) / (edges[hi]! - edges[hi - 1]!);
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= e) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo + (e - edges[lo]!) / (edges[lo + 1]! - edges[lo]!);
}
