import { weightedLeastSquares } from "./linalg.ts";
import type { DetectorType } from "./types.ts";

/** Result of a least-squares polynomial energy calibration E(ch) = Σ c_i·ch^i. */
export interface PolynomialFit {
  coefficients: number[];
  covariance: number[][];
  /** Root-mean-square residual (keV). */
  rmsResidual: number;
}

/** Fits E(ch) = Σ c_i·ch^i (degree 1–3) to (channel, energy) pairs by ordinary least squares. */
export function fitEnergyCalibration(
  pairs: readonly (readonly [channel: number, energy: number])[],
  degree = 1,
): PolynomialFit {
  if (pairs.length < degree + 1) {
    throw new RangeError(`need at least ${degree + 1} calibration points, got ${pairs.length}`);
  }
  const x = pairs.map(([ch]) => Array.from({ length: degree + 1 }, (_, i) => ch ** i));
  const y = pairs.map(([, e]) => e);
  const fit = weightedLeastSquares(
    x,
    y,
    y.map(() => 1),
  );
  if (!fit) {
    throw new RangeError("calibration points are degenerate (repeated channels)");
  }
  const resid = pairs.map(([ch, e]) => e - evaluatePolynomial(fit.beta, ch));
  const rmsResidual = Math.sqrt(resid.reduce((s, r) => s + r * r, 0) / pairs.length);
  return { coefficients: fit.beta, covariance: fit.covariance, rmsResidual };
}

/** Evaluates Σ c_i·x^i (Horner). */
export function evaluatePolynomial(c: readonly number[], x: number): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) {
    s = s * x + c[i]!;
  }
  return s;
}

/**
 * Detector resolution model. `gadras`: FWHM = 6.617·R·(E/661.7)^P above 661.7 keV, and
 * sqrt(Z² + (6.617·R·(E/661.7)^P)²) with Z = |a|·(661.7 − E)/661.7 below. `sqrtPoly`: FWHM = sqrt(Σ A_i·E^i).
 */
export type FwhmModel =
  { kind: "gadras"; a: number; r: number; p: number } | { kind: "sqrtPoly"; coefficients: number[] };

/** FWHM (keV) at energy E (keV). */
export function fwhmAt(model: FwhmModel, energy: number): number {
  const e = Math.max(energy, 1);
  if (model.kind === "sqrtPoly") {
    return Math.sqrt(Math.max(evaluatePolynomial(model.coefficients, e), 1e-6));
  }
  const main = 6.617 * model.r * Math.pow(e / 661.7, model.p);
  if (e >= 661.7) {
    return main;
  }
  const z = (Math.abs(model.a) * (661.7 - e)) / 661.7;
  return Math.sqrt(z * z + main * main);
}

/** Nominal resolution per detector type: NaI 7 % and 2"×4"×16" NaI 7.7 % at 662 keV, LaBr3 3 %, HPGe sqrt(a + bE). */
export function defaultFwhmModel(type: DetectorType): FwhmModel {
  switch (type) {
    case "NaI":
      return { kind: "gadras", a: 4, r: 7.0, p: 0.6 };
    case "NaI-2x4x16":
      return { kind: "gadras", a: 0, r: 7.7, p: 0.69 };
    case "LaBr3":
      return { kind: "gadras", a: 5, r: 3.0, p: 0.6 };
    case "HPGe":
      return { kind: "sqrtPoly", coefficients: [1.0, 0.0026] };
  }
}

/** Fits FWHM² = A0 + A1·E (+ A2·E² when `quadratic`) to measured (energy, FWHM) points, weighting by 1/FWHM⁴. */
export function fitFwhmModel(
  points: readonly (readonly [energy: number, fwhm: number])[],
  quadratic = false,
): FwhmModel {
  const degree = quadratic ? 2 : 1;
  if (points.length < degree + 1) {
    throw new RangeError(`need at least ${degree + 1} FWHM points`);
  }
  const x = points.map(([e]) => Array.from({ length: degree + 1 }, (_, i) => e ** i));
  const y = points.map(([, f]) => f * f);
  const fit = weightedLeastSquares(
    x,
    y,
    y.map((v) => 1 / (v * v)),
  );
  if (!fit) {
    throw new RangeError("FWHM points are degenerate");
  }
  return { kind: "sqrtPoly", coefficients: fit.beta };
}
