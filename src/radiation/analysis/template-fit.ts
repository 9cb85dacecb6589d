/** Non-negative Poisson maximum-likelihood fit of a spectrum as a sum of templates (multiplicative EM / MLEM). */

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
}

/** Poisson log-likelihood of observed counts under a model (bins with m ≤ 0 get a tiny floor). */
export function poissonLogLikelihood(observed: readonly number[], model: ArrayLike<number>): number {
  let l = 0;
  for (let i = 0; i < observed.length; i++) {
    const m = Math.max(model[i]!, 1e-12);
    l += observed[i]! * Math.log(m) - m;
  }
  return l;
}

/** Model m_i = Σ_k a_k·T_ki. */
function evaluate(components: readonly (readonly number[])[], a: readonly number[], nBins: number): Float64Array {
  const m = new Float64Array(nBins).fill(1e-9);
  components.forEach((t, k) => {
    const ak = a[k]!;
    if (ak > 0) {
      for (let i = 0; i < nBins; i++) {
        m[i]! += ak * t[i]!;
      }
    }
  });
  return m;
}

/** MLEM: a_k ← a_k·Σ_i T_ki·n_i/m_i / Σ_i T_ki (monotone in likelihood, keeps a_k ≥ 0). */
export function fitTemplates(observed: readonly number[], components: readonly (readonly number[])[], options: TemplateFitOptions = {}): TemplateFitResult {
  const nBins = observed.length;
  const total = observed.reduce((s, v) => s + v, 0);
  const norms = components.map((t) => t.reduce((s, v) => s + v, 0));
  let a = components.map((_, k) => (options.exclude?.has(k) || norms[k]! <= 0 ? 0 : options.initial?.[k] ?? total / components.length));
  a = a.map((v, k) => (options.exclude?.has(k) || norms[k]! <= 0 ? 0 : Math.max(v, total * 1e-6)));
  const ratio = new Float64Array(nBins);
  let previous = -Infinity;
  for (let it = 0; it < (options.iterations ?? 400); it++) {
    const m = evaluate(components, a, nBins);
    for (let i = 0; i < nBins; i++) {
      ratio[i] = observed[i]! / m[i]!;
    }
    if (it % 10 === 9) {
      const l = poissonLogLikelihood(observed, m);
      if (l - previous < 1e-3) {
        break;
      }
      previous = l;
    }
    a = a.map((ak, k) => {
      if (ak <= 0) {
        return 0;
      }
      const t = components[k]!;
      let s = 0;
      for (let i = 0; i < nBins; i++) {
        s += t[i]! * ratio[i]!;
      }
      return (ak * s) / norms[k]!;
    });
  }
  const model = evaluate(components, a, nBins);
  return { amplitudes: a, logLikelihood: poissonLogLikelihood(observed, model), model };
}
