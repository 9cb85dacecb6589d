import { rebinCounts } from "./rebin.ts";
import { fitTemplates, type TemplateFitResult } from "./template-fit.ts";
import { templateSetsFor, type TemplateSet } from "./templates.ts";
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
  observed: number[];
  components: number[][];
  names: string[];
  nuclides: string[];
}

/** Rebins foreground and background onto the set grid (scaled by gain) and normalises the components. */
function prepare(set: TemplateSet, data: SpectrumData, background: SpectrumData | undefined, gain: number, exclude: readonly string[]): Problem {
  const templates = set.templates.filter((t) => !exclude.includes(t.name));
  const keep = set.edges.slice(0, -1).map((e) => e >= MIN_ENERGY);
  const cut = (v: number[]): number[] => v.filter((_, i) => keep[i]);
  const unit = (v: number[]): number[] => {
    const s = v.reduce((a, b) => a + b, 0);
    return v.map((x) => x / (s || 1));
  };
  const bg = background ? rebinCounts(background.counts, background.edges, set.edges, gain) : set.background;
  return {
    observed: cut(rebinCounts(data.counts, data.edges, set.edges, gain)),
    components: [unit(cut(bg)), ...templates.map((t) => unit(cut(t.net)))],
    names: ["background", ...templates.map((t) => t.name)],
    nuclides: ["", ...templates.map((t) => t.nuclide)],
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

/** Fits background + the given nuclides' templates only. */
function fitSubset(problem: Problem, groups: Map<string, number[]>, chosen: readonly string[]): TemplateFitResult {
  const active = new Set([0, ...chosen.flatMap((n) => groups.get(n) ?? [])]);
  const exclude = new Set(problem.components.map((_, k) => k).filter((k) => !active.has(k)));
  return fitTemplates(problem.observed, problem.components, { iterations: 200, exclude });
}

/**
 * Greedy forward selection: repeatedly add the nuclide with the largest likelihood gain while the gain,
 * scaled by the current over-dispersion φ = deviance/dof, exceeds `minLambda`; at most `maxNuclides`.
 */
function selectNuclides(problem: Problem, minLambda: number, maxNuclides: number): { chosen: string[]; fit: TemplateFitResult; significant: string[] } {
  const groups = nuclideGroups(problem);
  const chosen: string[] = [];
  let fit = fitSubset(problem, groups, chosen);
  let candidates = [...groups.keys()];
  let significant: string[] | undefined;
  while (chosen.length < maxNuclides) {
    const phi = Math.max(1, devianceOf(problem.observed, fit.model) / problem.observed.length);
    const trials = candidates.map((n) => {
      const trial = fitSubset(problem, groups, [...chosen, n]);
      return { n, fit: trial, lambda: (2 * (trial.logLikelihood - fit.logLikelihood)) / phi };
    });
    // Only the strongest nuclides that were significant on their own stay candidates for later steps (speed).
    candidates = trials
      .filter((t) => t.lambda >= minLambda)
      .sort((a, b) => b.lambda - a.lambda)
      .slice(0, MAX_CANDIDATES)
      .map((t) => t.n);
    significant ??= candidates;
    const best = trials.reduce<(typeof trials)[number] | undefined>((b, t) => (!b || t.lambda > b.lambda ? t : b), undefined);
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
function evidenceFor(problem: Problem, chosen: readonly string[], full: TemplateFitResult): TemplateEvidence[] {
  const groups = nuclideGroups(problem);
  const phi = Math.max(1, devianceOf(problem.observed, full.model) / problem.observed.length);
  return chosen.map((nuclide) => {
    const idx = groups.get(nuclide) ?? [];
    const counts = idx.reduce((s, k) => s + full.amplitudes[k]!, 0);
    const best = idx.reduce((b, k) => (full.amplitudes[k]! > full.amplitudes[b]! ? k : b), idx[0]!);
    const without = fitSubset(problem, groups, chosen.filter((n) => n !== nuclide));
    const lambda = Math.max(0, (2 * (full.logLikelihood - without.logLikelihood)) / phi);
    return { nuclide, lambda, template: problem.names[best]!, counts };
  }).sort((a, b) => b.lambda - a.lambda);
}

/**
 * Alternatives: for each selected nuclide c, any other nuclide n whose substitution for c keeps at least half
 * of c's likelihood gain; only nuclides significant on their own (first greedy step) are tried (≥ 70 %; confusable templates, e.g. Am-241 vs Pu-239 with Am ingrowth).
 */
function alternativesFor(problem: Problem, selected: readonly TemplateEvidence[], full: TemplateFitResult, pool: readonly string[]): TemplateEvidence[] {
  const groups = nuclideGroups(problem);
  const phi = Math.max(1, devianceOf(problem.observed, full.model) / problem.observed.length);
  const chosen = selected.map((e) => e.nuclide);
  const out = new Map<string, TemplateEvidence>();
  for (const c of selected) {
    const rest = chosen.filter((n) => n !== c.nuclide);
    const base = fitSubset(problem, groups, rest).logLikelihood;
    for (const n of pool) {
      if (chosen.includes(n)) {
        continue;
      }
      const swap = fitSubset(problem, groups, [...rest, n]);
      const lambda = (2 * (swap.logLikelihood - base)) / phi;
      const idx = groups.get(n) ?? [];
      const best = idx.reduce((b, k) => (swap.amplitudes[k]! > swap.amplitudes[b]! ? k : b), idx[0]!);
      if (lambda >= 0.7 * c.lambda && lambda > (out.get(n)?.lambda ?? 0)) {
        const counts = idx.reduce((s, k) => s + swap.amplitudes[k]!, 0);
        out.set(n, { nuclide: n, lambda, template: problem.names[best]!, counts, alternativeTo: c.nuclide, replacedLambda: c.lambda });
      }
    }
  }
  return [...out.values()];
}

/** Poisson deviance 2Σ(m − n + n·ln(n/m)). */
function devianceOf(observed: readonly number[], model: ArrayLike<number>): number {
  let d = 0;
  observed.forEach((n, i) => {
    const m = Math.max(model[i]!, 1e-12);
    d += 2 * (m - n + (n > 0 ? n * Math.log(n / m) : 0));
  });
  return d;
}

/** Full-spectrum template identification: best template set and gain by likelihood, then per-nuclide evidence. */
export function identifyByTemplates(data: SpectrumData, type: DetectorType, background?: SpectrumData, exclude: readonly string[] = []): TemplateIdentification {
  let best: { set: TemplateSet; gain: number; ll: number } | undefined;
  for (const set of templateSetsFor(type)) {
    for (const gain of GAINS[type]) {
      const p = prepare(set, data, background, gain, exclude);
      const fit = fitTemplates(p.observed, p.components, { iterations: 150 });
      const ll = -devianceOf(p.observed, fit.model) / p.observed.length;
      if (!best || ll > best.ll) {
        best = { set, gain, ll };
      }
    }
  }
  const chosen = best!;
  const problem = prepare(chosen.set, data, background, chosen.gain, exclude);
  const { chosen: nuclides, fit, significant } = selectNuclides(problem, 25, 4);
  const selected = evidenceFor(problem, nuclides, fit);
  const evidence = [...selected, ...alternativesFor(problem, selected, fit, significant)];
  return { folder: chosen.set.folder, gain: chosen.gain, logLikelihood: fit.logLikelihood, evidence };
}
