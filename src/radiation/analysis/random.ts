/** Seeded pseudo-random numbers for synthetic data (deterministic tests). */

import { mulberry32, type UniformSource } from "../../random/index.ts";

/** A uniform [0, 1) generator. */
export type Rng = UniformSource;

/** A seeded uniform generator (mulberry32). */
export const createRng: (seed: number) => Rng = mulberry32;

/** Standard normal deviate (Box–Muller). */
export function sampleNormal(rng: Rng): number {
  const u = Math.max(rng(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Poisson deviate: multiplication method below μ = 30, Hörmann's PTRS transformed rejection above. */
export function samplePoisson(rng: Rng, mu: number): number {
  if (!(mu > 0)) {
    return 0;
  }
  if (mu < 30) {
    const limit = Math.exp(-mu);
    let k = 0;
    let p = rng();
    while (p > limit) {
      k++;
      p *= rng();
    }
    return k;
  }
  return samplePoissonPtrs(rng, mu);
}

/** PTRS (W. Hörmann 1993) for μ ≥ 10. */
function samplePoissonPtrs(rng: Rng, mu: number): number {
  const slam = Math.sqrt(mu);
  const logLam = Math.log(mu);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng() - 0.5;
    const v = rng();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mu + 0.43);
    if (us >= 0.07 && v <= vr) {
      return k;
    }
    if (k < 0 || (us < 0.013 && v > us)) {
      continue;
    }
    const lhs = Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b);
    if (lhs <= -mu + k * logLam - lnFactorial(k)) {
      return k;
    }
  }
}

/** ln k! via Stirling series (exact table below 10). */
function lnFactorial(k: number): number {
  if (k < 10) {
    let s = 0;
    for (let i = 2; i <= k; i++) {
      s += Math.log(i);
    }
    return s;
  }
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k ** 3);
}
