import { invertMatrix, solveLinear } from "./linalg.ts";
import { normalCdf, normalPdf } from "./special.ts";
import { energyAt, type SpectrumData } from "./types.ts";

/** One fitted photopeak with 1σ uncertainties from the inverse Fisher information. */
export interface FittedPeak {
  energy: number;
  energyUncertainty: number;
  /** Net peak area (counts). */
  area: number;
  areaUncertainty: number;
  fwhm: number;
  fwhmUncertainty: number;
  /** Centroid as fractional channel position. */
  channel: number;
}

/** Result of one region-of-interest fit (Gaussians sharing one σ on a linear continuum). */
export interface RoiFit {
  peaks: FittedPeak[];
  /** Continuum c0 + c1·(x − xMid) per channel, xMid = ROI centre. */
  continuum: [number, number];
  /** Poisson deviance 2Σ(m − n + n·ln(n/m)) at the optimum and its degrees of freedom. */
  deviance: number;
  dof: number;
  converged: boolean;
}

/** Peak-fit inputs: ROI [start, end) in channels, initial centroids (fractional channels) and σ (channels). */
export interface RoiFitInput {
  start: number;
  end: number;
  centroids: readonly number[];
  /** σ (channels) of the first peak; the others scale by `sigmaRatios`. */
  sigma: number;
  /** Per-peak σ relative to the first peak (from the resolution model); default all 1. */
  sigmaRatios?: readonly number[];
}

/** Model value and derivatives of channel i for parameters [c0, c1, σ, A1, μ1, A2, μ2, …] (σ_k = σ·r_k). */
function modelAt(p: readonly number[], i: number, xMid: number, grad: number[], ratios?: readonly number[]): number {
  let m = p[0]! + p[1]! * (i + 0.5 - xMid);
  grad[0] = 1;
  grad[1] = i + 0.5 - xMid;
  grad[2] = 0;
  for (let k = 3; k < p.length; k += 2) {
    const r = ratios?.[(k - 3) / 2] ?? 1;
    const sigma = p[2]! * r;
    const a = p[k]!;
    const zLo = (i - p[k + 1]!) / sigma;
    const zHi = (i + 1 - p[k + 1]!) / sigma;
    const frac = normalCdf(zHi) - normalCdf(zLo);
    const pLo = normalPdf(zLo);
    const pHi = normalPdf(zHi);
    m += a * frac;
    grad[k] = frac;
    grad[k + 1] = (a * (pLo - pHi)) / sigma;
    grad[2] += (a * r * (zLo * pLo - zHi * pHi)) / sigma;
  }
  return m;
}

/** Poisson deviance of parameters p over the ROI; Infinity if any model value is non-positive. */
function deviance(counts: readonly number[], p: readonly number[], input: RoiFitInput, xMid: number): number {
  const grad = new Array<number>(p.length).fill(0);
  let d = 0;
  for (let i = input.start; i < input.end; i++) {
    const m = modelAt(p, i, xMid, grad, input.sigmaRatios);
    const n = counts[i] ?? 0;
    if (!(m > 0)) {
      return Infinity;
    }
    d += 2 * (m - n + (n > 0 ? n * Math.log(n / m) : 0));
  }
  return d;
}

/** Fisher information Σ J·Jᵀ/m and score Σ J·(n − m)/m at p. */
function fisherAndScore(
  counts: readonly number[],
  p: readonly number[],
  input: RoiFitInput,
  xMid: number,
): { info: number[][]; score: number[] } {
  const np = p.length;
  const info = Array.from({ length: np }, () => new Array<number>(np).fill(0));
  const score = new Array<number>(np).fill(0);
  const g = new Array<number>(np).fill(0);
  for (let i = input.start; i < input.end; i++) {
    const m = Math.max(modelAt(p, i, xMid, g, input.sigmaRatios), 1e-9);
    const r = ((counts[i] ?? 0) - m) / m;
    for (let a = 0; a < np; a++) {
      score[a]! += g[a]! * r;
      for (let b = 0; b <= a; b++) {
        info[a]![b]! += (g[a]! * g[b]!) / m;
      }
    }
  }
  for (let a = 0; a < np; a++) {
    for (let b = a + 1; b < np; b++) {
      info[a]![b] = info[b]![a]!;
    }
  }
  return { info, score };
}

/** Initial parameters: continuum from the ROI ends, areas from the excess near each centroid. */
function initialParameters(counts: readonly number[], input: RoiFitInput, xMid: number): number[] {
  const edge = (a: number, b: number): number => {
    let s = 0;
    for (let i = a; i < b; i++) {
      s += counts[i] ?? 0;
    }
    return s / Math.max(b - a, 1);
  };
  const w = Math.max(1, Math.min(3, Math.floor((input.end - input.start) / 6)));
  const left = edge(input.start, input.start + w);
  const right = edge(input.end - w, input.end);
  const span = Math.max(input.end - input.start - w, 1);
  const c0 = Math.max((left + right) / 2, 0.5);
  // The starting continuum stays positive over the whole ROI, or the deviance cannot be evaluated.
  const halfWidth = (input.end - input.start) / 2 + 1;
  const c1 = Math.max((-0.9 * c0) / halfWidth, Math.min((0.9 * c0) / halfWidth, (right - left) / span));
  const p = [c0, c1, input.sigma];
  for (const c of input.centroids) {
    const i = Math.floor(c);
    const excess = (counts[i] ?? 0) - (p[0]! + p[1]! * (i + 0.5 - xMid));
    p.push(Math.max(excess * input.sigma * 2.5066, 1), c);
  }
  return p;
}

/** Most Fisher-scoring steps of one ROI fit. */
const MAX_STEPS = 60;

/** Levenberg–Marquardt (Fisher scoring) minimisation of the Poisson deviance for one ROI. */
export function fitRoi(data: SpectrumData, input: RoiFitInput): RoiFit {
  const counts = data.counts;
  const xMid = (input.start + input.end) / 2;
  let p = initialParameters(counts, input, xMid);
  let d = deviance(counts, p, input, xMid);
  let lambda = 1e-3;
  let converged = false;
  // Accepted steps in a row that gained almost nothing: a damped fit can creep along a flat valley,
  // trading accepted and refused steps without ever reaching the undamped regime.
  let creeping = 0;
  // A well-posed ROI converges in a few tens of steps; one still moving after MAX_STEPS is a
  // degenerate multiplet (peaks trading area along a flat valley), whose uncertainties say so.
  for (let iter = 0; iter < MAX_STEPS && !converged; iter++) {
    const { info, score } = fisherAndScore(counts, p, input, xMid);
    const damped = info.map((row, a) => row.map((v, b) => (a === b ? v * (1 + lambda) + 1e-12 : v)));
    const step = solveLinear(damped, score);
    if (!step) {
      break;
    }
    const trial = clampParameters(
      p.map((v, k) => v + step[k]!),
      input,
    );
    const dTrial = deviance(counts, trial, input, xMid);
    if (dTrial <= d && Number.isFinite(dTrial)) {
      const gain = d - dTrial;
      creeping = gain < 1e-6 * Math.max(1, d) ? creeping + 1 : 0;
      converged = (gain < 1e-7 * Math.max(1, d) && lambda < 1) || creeping >= 3;
      p = trial;
      d = dTrial;
      lambda = Math.max(lambda / 10, 1e-9);
    } else {
      lambda *= 10;
      converged = lambda > 1e8;
    }
  }
  return summariseFit(data, p, d, input, xMid, converged);
}

/** Keeps σ positive and centroids inside the ROI. */
function clampParameters(p: number[], input: RoiFitInput): number[] {
  p[2] = Math.min(Math.max(p[2]!, 0.3), (input.end - input.start) / 2);
  for (let k = 4; k < p.length; k += 2) {
    p[k] = Math.min(Math.max(p[k]!, input.start), input.end);
  }
  return p;
}

/** Converts parameters and their covariance into energies/areas/FWHMs with uncertainties. */
function summariseFit(
  data: SpectrumData,
  p: number[],
  d: number,
  input: RoiFitInput,
  xMid: number,
  converged: boolean,
): RoiFit {
  const { info } = fisherAndScore(data.counts, p, input, xMid);
  const cov = invertMatrix(info);
  const sd = (k: number): number => Math.sqrt(Math.max(cov?.[k]?.[k] ?? NaN, 0));
  const peaks: FittedPeak[] = [];
  for (let k = 3; k < p.length; k += 2) {
    const r = input.sigmaRatios?.[(k - 3) / 2] ?? 1;
    const sigma = p[2]! * r;
    const mu = p[k + 1]!;
    const slope = energyAt(data.edges, mu + 0.5) - energyAt(data.edges, mu - 0.5);
    peaks.push({
      channel: mu,
      energy: energyAt(data.edges, mu),
      energyUncertainty: sd(k + 1) * slope,
      area: p[k]!,
      areaUncertainty: sd(k),
      fwhm: 2.3548 * sigma * slope,
      fwhmUncertainty: 2.3548 * sd(2) * r * slope,
    });
  }
  const dof = input.end - input.start - p.length;
  return { peaks, continuum: [p[0]!, p[1]!], deviance: d, dof, converged };
}
