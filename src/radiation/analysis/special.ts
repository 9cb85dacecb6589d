/** Special functions used by the peak fit and the alarm thresholds (written from the standard series/fractions). */

const SQRT2 = Math.SQRT2;

/** Complementary error function, |relative error| < 1.2e-7 (Chebyshev-fitted exponential form). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

/** Error function. */
export function erf(x: number): number {
  return 1 - erfc(x);
}

/** Standard normal cumulative distribution Φ(x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / SQRT2);
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Upper-tail normal quantile: z with P(Z > z) = p (Abramowitz–Stegun 26.2.23 start, Newton-refined). */
export function normalUpperQuantile(p: number): number {
  if (p <= 0) {
    return Infinity;
  }
  if (p >= 1) {
    return -Infinity;
  }
  const q = Math.min(p, 1 - p);
  const t = Math.sqrt(-2 * Math.log(q));
  let z =
    t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  for (let i = 0; i < 3; i++) {
    const err = normalCdf(-z) - q;
    z += err / Math.max(normalPdf(z), 1e-300);
  }
  return p < 0.5 ? z : -z;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  }
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) {
    a += c[i]! / (xx + i);
  }
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised lower incomplete gamma P(a, x) by series (x < a + 1) or continued fraction. */
export function gammaP(a: number, x: number): number {
  if (x <= 0) {
    return 0;
  }
  const lnPre = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.min(1, sum * Math.exp(lnPre));
  }
  return 1 - gammaQContinuedFraction(a, x, lnPre);
}

/** Q(a, x) by the Lentz continued fraction (valid for x ≥ a + 1). */
function gammaQContinuedFraction(a: number, x: number, lnPre: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    d = Math.abs(d) < tiny ? tiny : d;
    c = b + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) {
      break;
    }
  }
  return Math.exp(lnPre) * h;
}

/** Exact Poisson upper tail P(N ≥ s | μ) = P(s, μ) (regularised lower incomplete gamma). */
export function poissonUpperTail(s: number, mu: number): number {
  if (s <= 0) {
    return 1;
  }
  return gammaP(s, mu);
}

/** Smallest integer count s with P(N ≥ s | μ) ≤ α (exact Poisson critical value). */
export function poissonCriticalCount(mu: number, alpha: number): number {
  let s = Math.max(1, Math.floor(mu + normalUpperQuantile(alpha) * Math.sqrt(mu + 1)));
  while (s > 1 && poissonUpperTail(s - 1, mu) <= alpha) {
    s--;
  }
  while (poissonUpperTail(s, mu) > alpha) {
    s++;
  }
  return s;
}
