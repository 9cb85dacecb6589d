/**
 * Vehicle shadowing of background (radiation-methods.md §3.4): s(t) = 1 − depth·coverage(t), with the fraction
 * of the panel's view blocked by a vehicle occupying the lane between t_in and t_out modelled as
 * coverage(t) = [atan((t − t_in)/τ) − atan((t − t_out)/τ)]/π (τ = distance/speed). τ is chosen from a grid and the
 * depth per panel by a robust (median) estimate over occupied samples, so a point source does not bias it.
 */

/** Fitted shadow model. */
export interface Suppression {
  /** Ramp time constant τ (samples). */
  tauSamples: number;
  /** Depth per panel (0 = no shadowing). */
  depth: number[];
  /** Variance of each panel's depth estimate. */
  depthVariance: number[];
  /** Occupancy edges (sample index, fractional) used by the model. */
  tIn: number;
  tOut: number;
}

const TAU_GRID_S = [0.2, 0.4, 0.7, 1.0, 1.5];

/** View fraction blocked by the vehicle at sample k. */
export function coverageAt(k: number, tIn: number, tOut: number, tau: number): number {
  const t = k + 0.5;
  return (Math.atan((t - tIn) / tau) - Math.atan((t - tOut) / tau)) / Math.PI;
}

/** Median of an array (NaN if empty). */
function median(v: number[]): number {
  if (v.length === 0) {
    return NaN;
  }
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Robust depth for one panel series: median of (1 − c/B)/coverage over well-covered samples, clamped. */
function fitDepth(series: readonly number[], bg: number, cov: readonly number[], maxDepth: number): number {
  const est: number[] = [];
  series.forEach((c, k) => {
    if (cov[k]! > 0.5) {
      est.push((1 - c / bg) / cov[k]!);
    }
  });
  const d = median(est);
  return Number.isFinite(d) ? Math.min(Math.max(d, 0), maxDepth) : 0;
}

/** L1 misfit of a panel-sum series against the shadow model. */
function misfit(series: readonly number[], bg: number, cov: readonly number[], depth: number): number {
  return series.reduce((s, c, k) => s + Math.abs(c - bg * (1 - depth * cov[k]!)), 0);
}

/**
 * Fits the shadow model. `panelSeries[p][k]` are gross counts of panel p at sample k of the analysed span,
 * `bg[p]` the background counts per sample, and [tIn, tOut) the occupied samples within the span.
 */
export function fitSuppression(
  panelSeries: readonly (readonly number[])[],
  bg: readonly number[],
  tIn: number,
  tOut: number,
  sampleS: number,
  maxDepth: number,
): Suppression {
  const n = panelSeries[0]?.length ?? 0;
  const sum = Array.from({ length: n }, (_, k) => panelSeries.reduce((s, p) => s + p[k]!, 0));
  const bgSum = bg.reduce((a, b) => a + b, 0);
  let best: { tau: number; cost: number } | undefined;
  for (const tauS of TAU_GRID_S) {
    const tau = tauS / sampleS;
    const cov = sum.map((_, k) => coverageAt(k, tIn, tOut, tau));
    const cost = misfit(sum, bgSum, cov, fitDepth(sum, bgSum, cov, maxDepth));
    if (!best || cost < best.cost) {
      best = { tau, cost };
    }
  }
  const tau = best?.tau ?? 1;
  const cov = sum.map((_, k) => coverageAt(k, tIn, tOut, tau));
  const covered = Math.max(1, cov.filter((c) => c > 0.5).length);
  const depth = panelSeries.map((s, p) => fitDepth(s, bg[p]!, cov, maxDepth));
  // Median of K Poisson ratios: var ≈ (π/2)·(1/B)/K.
  const depthVariance = bg.map((b) => Math.PI / 2 / (Math.max(b, 1e-9) * covered));
  return { tauSamples: tau, depth, depthVariance, tIn, tOut };
}
