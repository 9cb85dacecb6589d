import { gammaP, normalUpperQuantile } from "./special.ts";

/** One count series to test (a panel, a side sum or the all-panel sum). */
export interface TestSeries {
  name: string;
  observed: number[];
  expected: number[];
  /**
   * Fully correlated (systematic) error sources: each term adds (Σ_window sens_k)²·variance to σ²
   * (background-estimate error, suppression-depth error).
   */
  systematics: { sens: number[]; variance: number }[];
}

/** Outcome of a family of moving-window tests. */
export interface WindowTestResult {
  alarm: boolean;
  /** Per-test significance level α = 1 − (1 − P_FA)^(1/M_eff) and M_eff. */
  alpha: number;
  effectiveTests: number;
  /** Smallest tail probability found and its normal-equivalent σ. */
  minP: number;
  sigma: number;
  worst?: { series: string; windowSamples: number; start: number; observed: number; expected: number };
  /** Series names that crossed the threshold. */
  alarmingSeries: string[];
}

/** Prefix sums (length n + 1). */
function prefix(v: readonly number[]): number[] {
  const out = [0];
  v.forEach((x, i) => out.push(out[i]! + x));
  return out;
}

/**
 * Upper tail of S under mean μ and variance σ² ≥ μ: "scaled Poisson" P(N ≥ S·f | μ·f), f = μ/σ², which is the exact
 * Poisson tail when σ² = μ and keeps the Poisson skewness at low counts (normal approximations understate it).
 */
export function countTailProbability(s: number, mu: number, variance: number): number {
  if (mu <= 0) {
    return s > 0 ? 0 : 1;
  }
  const f = mu / Math.max(variance, mu);
  return s * f <= 0 ? 1 : gammaP(s * f, mu * f);
}

/** Per-test α for a family-wise false-alarm probability over M_eff effective tests. */
export function perTestAlpha(familyRate: number, effectiveTests: number): number {
  return -Math.expm1(Math.log1p(-familyRate) / Math.max(effectiveTests, 1));
}

/** Moving-window tests over all series and window lengths, threshold from the family-wise false-alarm rate. */
export function movingWindowTests(
  series: readonly TestSeries[],
  windows: readonly number[],
  familyRate: number,
  testsFactor: number,
): WindowTestResult {
  const n = series[0]?.observed.length ?? 0;
  const usable = windows.filter((w) => w <= n);
  const effectiveTests = testsFactor * series.length * usable.reduce((s, w) => s + Math.max(1, n / w), 0);
  const alpha = perTestAlpha(familyRate, effectiveTests);
  const screen = normalUpperQuantile(alpha) - 1.5;
  const result: WindowTestResult = { alarm: false, alpha, effectiveTests, minP: 1, sigma: 0, alarmingSeries: [] };
  for (const s of series) {
    const po = prefix(s.observed);
    const pm = prefix(s.expected);
    const ps = s.systematics.map((t) => ({ p: prefix(t.sens), v: t.variance }));
    for (const w of usable) {
      for (let k = 0; k + w <= n; k++) {
        const obs = po[k + w]! - po[k]!;
        const mu = pm[k + w]! - pm[k]!;
        const variance = mu + ps.reduce((acc, t) => acc + (t.p[k + w]! - t.p[k]!) ** 2 * t.v, 0);
        if ((obs - mu) / Math.sqrt(Math.max(variance, 1e-9)) < screen) {
          continue;
        }
        const p = countTailProbability(obs, mu, variance);
        if (p < result.minP) {
          result.minP = p;
          result.worst = { series: s.name, windowSamples: w, start: k, observed: obs, expected: mu };
        }
        if (p <= alpha && !result.alarmingSeries.includes(s.name)) {
          result.alarmingSeries.push(s.name);
        }
      }
    }
  }
  result.alarm = result.alarmingSeries.length > 0;
  result.sigma = result.minP < 1 ? normalUpperQuantile(result.minP) : 0;
  return result;
}
