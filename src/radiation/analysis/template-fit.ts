/** Non-negative Poisson maximum-likelihood fit of a spectrum as a sum of templates (projected Newton, or multiplicative EM / MLEM). */
import { solveLinear } from "./linalg.ts";

/** Result of a template fit. */
export interface TemplateFitResult {
  /** Non-negative amplitude per component (counts when components are unit-normalised). */
  amplitudes: number[];
  /** Poisson log-likelihood Σ(n·ln m − m) (constant terms dropped). */
  logLikelihood: number;
  /** Fitted model per bin. */
  model: Float64Array;
}

/** Fit options. */
export interface TemplateFitOptions {
  iterations?: number;
  /** Starting amplitudes (default: equal share of the total counts). */
  initial?: readonly number[];
  /** Components whose amplitude is held at 0. */
  exclude?: ReadonlySet<number>;
  /** Σ_i T_ki per component, when the caller has them (unit-normalised components: all 1). */
  norms?: readonly number[];
  /** Stop when ten iterations gain less than this in log-likelihood (default 0.01). */
  tolerance?: number;
}

/** Poisson log-likelihood of observed counts under a model (bins with m ≤ 0 get a tiny floor). */
export function poissonLogLikelihood(observed: ArrayLike<number>, model: ArrayLike<number>): number {
  let l = 0;
  for (let i = 0; i < observed.length; i++) {
    const m = Math.max(model[i]!, 1e-12);
    l += observed[i]! * Math.log(m) - m;
  }
  return l;
}

/** Sum of a vector. */
function sum(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i]!;
  }
  return s;
}

/** Model m_i = Σ_k a_k·T_ki over the active components, written into m. */
function evaluateInto(
  m: Float64Array,
  components: readonly ArrayLike<number>[],
  a: Float64Array,
  active: readonly number[],
): void {
  m.fill(1e-9);
  for (const k of active) {
    const ak = a[k]!;
    if (ak <= 0) {
      continue;
    }
    const t = components[k]!;
    for (let i = 0; i < m.length; i++) {
      m[i]! += ak * t[i]!;
    }
  }
}

/** Fits with at most this many free components use Newton steps; larger ones MLEM only. */
const NEWTON_MAX_COMPONENTS = 24;

/**
 * Projected Newton ascent of the Poisson log-likelihood over the active components, a_k ≥ 0:
 * components at zero whose gradient points inwards are freed, the others held; each step is
 * halved until the likelihood does not fall. A few steps reach what MLEM reaches in hundreds.
 * Returns false when the curvature cannot be inverted (the caller continues with MLEM).
 */
function newtonAscent(
  observed: ArrayLike<number>,
  components: readonly ArrayLike<number>[],
  norms: readonly number[],
  a: Float64Array,
  active: readonly number[],
  m: Float64Array,
  tolerance: number,
): boolean {
  const bins: number[] = [];
  for (let i = 0; i < observed.length; i++) {
    if (observed[i]! > 0) {
      bins.push(i);
    }
  }
  const trial = new Float64Array(a.length);
  evaluateInto(m, components, a, active);
  let ll = poissonLogLikelihood(observed, m);
  for (let step = 0; step < 50; step++) {
    const k = active.length;
    const g = new Float64Array(k);
    const h = Array.from({ length: k }, () => new Float64Array(k));
    for (const i of bins) {
      const w = observed[i]! / m[i]!;
      const w2 = w / m[i]!;
      for (let x = 0; x < k; x++) {
        const tx = components[active[x]!]![i]!;
        if (tx === 0) {
          continue;
        }
        g[x]! += tx * w;
        const hx = h[x]!;
        for (let y = 0; y <= x; y++) {
          hx[y]! += tx * components[active[y]!]![i]! * w2;
        }
      }
    }
    const free: number[] = [];
    for (let x = 0; x < k; x++) {
      g[x]! -= norms[active[x]!]!;
      if (a[active[x]!]! > 0 || g[x]! > 0) {
        free.push(x);
      }
    }
    if (free.length === 0) {
      return true;
    }
    const matrix = free.map((x) =>
      free.map((y) => (x === y ? h[x]![x]! * (1 + 1e-9) + 1e-12 : x > y ? h[x]![y]! : h[y]![x]!)),
    );
    const d = solveLinear(
      matrix,
      free.map((x) => g[x]!),
    );
    if (!d || d.some((v) => !Number.isFinite(v))) {
      return false;
    }
    let accepted = false;
    for (let t = 1, halvings = 0; halvings < 30; t /= 2, halvings++) {
      trial.set(a);
      free.forEach((x, j) => {
        trial[active[x]!] = Math.max(a[active[x]!]! + t * d[j]!, 0);
      });
      evaluateInto(m, components, trial, active);
      const next = poissonLogLikelihood(observed, m);
      if (next >= ll) {
        a.set(trial);
        accepted = next - ll >= tolerance / 10;
        ll = next;
        break;
      }
    }
    if (!accepted) {
      evaluateInto(m, components, a, active);
      return true;
    }
  }
  return true;
}

/**
 * MLEM: a_k ← a_k·Σ_i T_ki·n_i/m_i / Σ_i T_ki (monotone in likelihood, keeps a_k ≥ 0). Stops when ten
 * iterations gain less than `tolerance` in log-likelihood (the decisions built on it compare
 * likelihood ratios of order 10, so a hundredth is far below what can change one).
 */
export function fitTemplates(
  observed: ArrayLike<number>,
  components: readonly ArrayLike<number>[],
  options: TemplateFitOptions = {},
): TemplateFitResult {
  const nBins = observed.length;
  const total = sum(observed);
  const norms = options.norms ?? components.map(sum);
  const a = new Float64Array(components.length);
  const active: number[] = [];
  components.forEach((_, k) => {
    if (!options.exclude?.has(k) && norms[k]! > 0) {
      active.push(k);
      a[k] = Math.max(options.initial?.[k] ?? total / components.length, total * 1e-6);
    }
  });
  const m = new Float64Array(nBins);
  const ratio = new Float64Array(nBins);
  const tolerance = options.tolerance ?? 0.01;
  if (active.length <= NEWTON_MAX_COMPONENTS && newtonAscent(observed, components, norms, a, active, m, tolerance)) {
    return { amplitudes: Array.from(a), logLikelihood: poissonLogLikelihood(observed, m), model: m };
  }
  let previous = -Infinity;
  for (let it = 0; it < (options.iterations ?? 400); it++) {
    evaluateInto(m, components, a, active);
    if (it % 10 === 9) {
      const l = poissonLogLikelihood(observed, m);
      if (l - previous < tolerance) {
        break;
      }
      previous = l;
    }
    for (let i = 0; i < nBins; i++) {
      ratio[i] = observed[i]! / m[i]!;
    }
    for (const k of active) {
      const ak = a[k]!;
      if (ak <= 0) {
        continue;
      }
      const t = components[k]!;
      let s = 0;
      for (let i = 0; i < nBins; i++) {
        s += t[i]! * ratio[i]!;
      }
      a[k] = (ak * s) / norms[k]!;
    }
  }
  evaluateInto(m, components, a, active);
  return { amplitudes: Array.from(a), logLikelihood: poissonLogLikelihood(observed, m), model: m };
}
