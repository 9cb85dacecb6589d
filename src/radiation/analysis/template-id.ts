import { rebinCounts } from "./rebin.ts";
import { fitTemplates, type TemplateFitResult } from "./template-fit.ts";
import { lineComponents } from "./line-components.ts";
import { TEMPLATE_DETECTORS, templateSetsFor, type TemplateSet } from "./templates.ts";
import type { DetectorType, SpectrumData } from "./types.ts";

/** Template evidence for one nuclide. */
export interface TemplateEvidence {
  nuclide: string;
  /** Likelihood-ratio statistic 2(ℓ_full − ℓ_without nuclide) (≥ 0). */
  lambda: number;
  /** Best template name (largest fitted counts) and its fitted net counts. */
  template: string;
  counts: number;
  /** Set when the nuclide was not selected but can replace `alternativeTo` with a comparable likelihood gain. */
  alternativeTo?: string;
  /** Λ of the selected nuclide this one can replace. */
  replacedLambda?: number;
}

/** Overall full-spectrum fit summary. */
export interface TemplateIdentification {
  folder: string;
  gain: number;
  logLikelihood: number;
  evidence: TemplateEvidence[];
}

/** Gain factors scanned per detector type (HPGe calibrations are trusted). */
const GAINS: Record<DetectorType, number[]> = {
  NaI: [0.96, 0.98, 1, 1.02, 1.04],
  "NaI-2x4x16": [0.96, 0.98, 1, 1.02, 1.04],
  LaBr3: [0.98, 0.99, 1, 1.01, 1.02],
  HPGe: [1],
};
const MIN_ENERGY = 30;
const MAX_CANDIDATES = 8;

/** Prepared fit problem: observed counts and unit-normalised components (component 0 = background). */
interface Problem {
  observed: Float64Array;
  components: Float64Array[];
  /** Σ of each component: 1, or 0 for an empty one. */
  norms: number[];
  names: string[];
  nuclides: string[];
  /** Dispersion index of the measured counts (1 when Poisson): the floor of the over-dispersion φ. */
  dispersion: number;
}

/** Unit-normalised source templates of a set above MIN_ENERGY, per set and left-out list (they do not depend on the data). */
interface PreparedSources {
  keep: boolean[];
  templates: TemplateSet["templates"];
  units: Float64Array[];
}
const sourceCache = new WeakMap<TemplateSet, Map<string, PreparedSources>>();

/** Keeps the bins at or above MIN_ENERGY. */
function cut(v: readonly number[], keep: readonly boolean[]): number[] {
  return v.filter((_, i) => keep[i]);
}

/** Scales a vector to unit sum (an all-zero vector stays zero). */
function unit(v: readonly number[]): Float64Array {
  const s = v.reduce((a, b) => a + b, 0);
  return Float64Array.from(v, (x) => x / (s || 1));
}

/** The set's source templates without the left-out ones, cut and normalised once. */
function sourcesOf(set: TemplateSet, exclude: readonly string[], withLines: boolean): PreparedSources {
  const perSet = sourceCache.get(set) ?? new Map<string, PreparedSources>();
  sourceCache.set(set, perSet);
  const key = `${withLines ? "lines" : ""}|${exclude.join("|")}`;
  const hit = perSet.get(key);
  if (hit) {
    return hit;
  }
  const keep = set.edges.slice(0, -1).map((e) => e >= MIN_ENERGY);
  const type = TEMPLATE_DETECTORS.find((d) => d.folder === set.folder)?.detectorType;
  const lines = type && withLines ? lineComponents(set.edges, type, MIN_ENERGY) : [];
  const templates = [...set.templates.filter((t) => !exclude.includes(t.name)), ...lines];
  const entry = { keep, templates, units: templates.map((t) => unit(cut(t.net, keep))) };
  perSet.set(key, entry);
  return entry;
}

/** Rebins foreground and background onto the set grid (scaled by gain) and normalises the components. */
function prepare(
  set: TemplateSet,
  data: SpectrumData,
  background: SpectrumData | undefined,
  gain: number,
  exclude: readonly string[],
  dispersion = 1,
  withLines = true,
): Problem {
  const { keep, templates, units } = sourcesOf(set, exclude, withLines);
  const bg = background ? rebinCounts(background.counts, background.edges, set.edges, gain) : set.background;
  const components = [unit(cut(bg, keep)), ...units];
  return {
    observed: Float64Array.from(cut(rebinCounts(data.counts, data.edges, set.edges, gain), keep)),
    components,
    norms: components.map((c) => (c.some((x) => x > 0) ? 1 : 0)),
    names: ["background", ...templates.map((t) => t.name)],
    nuclides: ["", ...templates.map((t) => t.nuclide)],
    dispersion,
  };
}

/** Indices of the components belonging to each nuclide. */
function nuclideGroups(problem: Problem): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  problem.nuclides.forEach((n, k) => {
    if (n) {
      groups.set(n, [...(groups.get(n) ?? []), k]);
    }
  });
  return groups;
}

/**
 * Fits of background + subsets of the nuclides, memoised by subset: selection, drop-one evidence
 * and swaps ask for many of the same subsets. A fit starts from the amplitudes of the closest
 * fit already made (the subset minus or plus one nuclide), so it converges in a few iterations.
 */
class SubsetFitter {
  private readonly cache = new Map<string, TemplateFitResult>();
  constructor(
    private readonly problem: Problem,
    private readonly groups: Map<string, number[]>,
  ) {}

  fit(chosen: readonly string[], warm?: TemplateFitResult): TemplateFitResult {
    const key = [...chosen].sort().join("|");
    const hit = this.cache.get(key);
    if (hit) {
      return hit;
    }
    const active = new Set([0, ...chosen.flatMap((n) => this.groups.get(n) ?? [])]);
    const exclude = new Set(this.problem.components.map((_, k) => k).filter((k) => !active.has(k)));
    let initial: number[] | undefined;
    if (warm) {
      // Components new to this subset start with a small share of the counts, the rest where they were.
      const total = this.problem.observed.reduce((a, b) => a + b, 0);
      initial = warm.amplitudes.map((a, k) => (active.has(k) ? (a > 0 ? a : 0.01 * total) : 0));
    }
    const result = fitTemplates(this.problem.observed, this.problem.components, {
      iterations: warm ? 120 : 200,
      exclude,
      norms: this.problem.norms,
      ...(initial ? { initial } : {}),
    });
    this.cache.set(key, result);
    return result;
  }
}

/**
 * Greedy forward selection: repeatedly add the nuclide with the largest likelihood gain while the gain,
 * scaled by the current over-dispersion φ = deviance/dof, exceeds `minLambda`; at most `maxNuclides`.
 */
function selectNuclides(
  problem: Problem,
  fitter: SubsetFitter,
  minLambda: number,
  maxNuclides: number,
): { chosen: string[]; fit: TemplateFitResult; significant: string[] } {
  const groups = nuclideGroups(problem);
  const chosen: string[] = [];
  let fit = fitter.fit(chosen);
  let candidates = [...groups.keys()];
  let significant: string[] | undefined;
  while (chosen.length < maxNuclides) {
    const phi = overdispersion(problem, fit.model);
    const trials = candidates.map((n) => {
      const trial = fitter.fit([...chosen, n], fit);
      return { n, fit: trial, lambda: (2 * (trial.logLikelihood - fit.logLikelihood)) / phi };
    });
    // Only the strongest nuclides that were significant on their own stay candidates for later steps (speed).
    candidates = trials
      .filter((t) => t.lambda >= minLambda)
      .sort((a, b) => b.lambda - a.lambda)
      .slice(0, MAX_CANDIDATES)
      .map((t) => t.n);
    significant ??= candidates;
    const best = trials.reduce<(typeof trials)[number] | undefined>(
      (b, t) => (!b || t.lambda > b.lambda ? t : b),
      undefined,
    );
    if (!best || best.lambda < minLambda) {
      break;
    }
    chosen.push(best.n);
    candidates = candidates.filter((n) => n !== best.n);
    fit = best.fit;
  }
  return { chosen, fit, significant: significant ?? [] };
}

/** Evidence per selected nuclide: drop-one likelihood ratio (over-dispersion scaled) in the final model. */
function evidenceFor(
  problem: Problem,
  fitter: SubsetFitter,
  chosen: readonly string[],
  full: TemplateFitResult,
): TemplateEvidence[] {
  const groups = nuclideGroups(problem);
  const phi = overdispersion(problem, full.model);
  return chosen
    .map((nuclide) => {
      const idx = groups.get(nuclide) ?? [];
      const counts = idx.reduce((s, k) => s + full.amplitudes[k]!, 0);
      const best = idx.reduce((b, k) => (full.amplitudes[k]! > full.amplitudes[b]! ? k : b), idx[0]!);
      const without = fitter.fit(
        chosen.filter((n) => n !== nuclide),
        full,
      );
      const lambda = Math.max(0, (2 * (full.logLikelihood - without.logLikelihood)) / phi);
      return { nuclide, lambda, template: problem.names[best]!, counts };
    })
    .sort((a, b) => b.lambda - a.lambda);
}

/**
 * Alternatives: for each selected nuclide c, any other nuclide n whose substitution for c keeps at least half
 * of c's likelihood gain; only nuclides significant on their own (first greedy step) are tried (≥ 70 %; confusable templates, e.g. Am-241 vs Pu-239 with Am ingrowth).
 */
function alternativesFor(
  problem: Problem,
  fitter: SubsetFitter,
  selected: readonly TemplateEvidence[],
  full: TemplateFitResult,
  pool: readonly string[],
): TemplateEvidence[] {
  const groups = nuclideGroups(problem);
  const phi = overdispersion(problem, full.model);
  const chosen = selected.map((e) => e.nuclide);
  const out = new Map<string, TemplateEvidence>();
  for (const c of selected) {
    const rest = chosen.filter((n) => n !== c.nuclide);
    const baseFit = fitter.fit(rest, full);
    const base = baseFit.logLikelihood;
    for (const n of pool) {
      if (chosen.includes(n)) {
        continue;
      }
      const swap = fitter.fit([...rest, n], baseFit);
      const lambda = (2 * (swap.logLikelihood - base)) / phi;
      const idx = groups.get(n) ?? [];
      const best = idx.reduce((b, k) => (swap.amplitudes[k]! > swap.amplitudes[b]! ? k : b), idx[0]!);
      if (lambda >= 0.7 * c.lambda && lambda > (out.get(n)?.lambda ?? 0)) {
        const counts = idx.reduce((s, k) => s + swap.amplitudes[k]!, 0);
        out.set(n, {
          nuclide: n,
          lambda,
          template: problem.names[best]!,
          counts,
          alternativeTo: c.nuclide,
          replacedLambda: c.lambda,
        });
      }
    }
  }
  return [...out.values()];
}

/** Over-dispersion φ of a fit: deviance per bin, at least the measured counts' own dispersion, at least 1. */
function overdispersion(problem: Problem, model: ArrayLike<number>): number {
  return Math.max(1, problem.dispersion, devianceOf(problem.observed, model) / problem.observed.length);
}

/** Poisson deviance 2Σ(m − n + n·ln(n/m)). */
function devianceOf(observed: ArrayLike<number>, model: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < observed.length; i++) {
    const n = observed[i]!;
    const m = Math.max(model[i]!, 1e-12);
    d += 2 * (m - n + (n > 0 ? n * Math.log(n / m) : 0));
  }
  return d;
}

/** Full-spectrum template identification: best template set and gain by likelihood, then per-nuclide evidence. */
export function identifyByTemplates(
  data: SpectrumData,
  type: DetectorType,
  background?: SpectrumData,
  exclude: readonly string[] = [],
  dispersion = 1,
): TemplateIdentification {
  let best: { set: TemplateSet; gain: number; ll: number } | undefined;
  const sets = templateSetsFor(type);
  // With one template set and one gain (HPGe: calibrations are trusted) there is nothing to choose.
  if (sets.length === 1 && GAINS[type].length === 1) {
    best = { set: sets[0]!, gain: GAINS[type][0]!, ll: 0 };
  }
  for (const set of best ? [] : sets) {
    // The nominal gain is fitted in full; its neighbours start from its amplitudes.
    let nominal: TemplateFitResult | undefined;
    for (const gain of [...GAINS[type]].sort((a, b) => Math.abs(a - 1) - Math.abs(b - 1))) {
      // The choice of set and gain rests on the simulated responses alone (fewer components, same choice).
      const p = prepare(set, data, background, gain, exclude, 1, false);
      const fit = fitTemplates(p.observed, p.components, {
        norms: p.norms,
        ...(nominal ? { iterations: 60, initial: nominal.amplitudes } : { iterations: 150 }),
      });
      nominal ??= fit;
      const ll = -devianceOf(p.observed, fit.model) / p.observed.length;
      if (!best || ll > best.ll) {
        best = { set, gain, ll };
      }
    }
  }
  const chosen = best!;
  const problem = prepare(chosen.set, data, background, chosen.gain, exclude, dispersion);
  const fitter = new SubsetFitter(problem, nuclideGroups(problem));
  const { chosen: nuclides, fit, significant } = selectNuclides(problem, fitter, 25, 4);
  const selected = evidenceFor(problem, fitter, nuclides, fit);
  const evidence = [...selected, ...alternativesFor(problem, fitter, selected, fit, significant)];
  return { folder: chosen.set.folder, gain: chosen.gain, logLikelihood: fit.logLikelihood, evidence };
}
