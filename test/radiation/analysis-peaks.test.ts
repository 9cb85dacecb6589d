import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  defaultFwhmModel,
  fitEnergyCalibration,
  fitFwhmModel,
  fwhmAt,
} from "../../src/radiation/analysis/calibration.ts";
import { analysePeaks } from "../../src/radiation/analysis/peak-analysis.ts";
import { fitRoi } from "../../src/radiation/analysis/peak-fit.ts";
import { searchPeaks } from "../../src/radiation/analysis/peak-search.ts";
import { createRng, samplePoisson } from "../../src/radiation/analysis/random.ts";
import { normalCdf } from "../../src/radiation/analysis/special.ts";
import type { SpectrumData } from "../../src/radiation/analysis/types.ts";

/** Synthetic NaI-like spectrum: exponential continuum + Gaussian peaks (energy, area), Poisson sampled. */
function synthSpectrum(peaks: [number, number][], seed = 1, keVPerCh = 3): SpectrumData {
  const rng = createRng(seed);
  const n = 1024;
  const edges = Array.from({ length: n + 1 }, (_, i) => i * keVPerCh);
  const fwhm = defaultFwhmModel("NaI");
  const counts = Array.from({ length: n }, (_, i) => {
    const lo = edges[i]!;
    const hi = edges[i + 1]!;
    let m = 400 * Math.exp(-lo / 600) + 5;
    for (const [e, a] of peaks) {
      const s = fwhmAt(fwhm, e) / 2.3548;
      m += a * (normalCdf((hi - e) / s) - normalCdf((lo - e) / s));
    }
    return samplePoisson(rng, m);
  });
  return { counts, edges, liveTimeS: 100 };
}

describe("energy calibration", () => {
  it("recovers a quadratic calibration from (channel, energy) pairs", () => {
    const truth = [1.5, 2.9, 2e-5];
    const pairs = [30, 120, 220, 480, 700, 900].map(
      (ch) => [ch, truth[0]! + truth[1]! * ch + truth[2]! * ch * ch] as const,
    );
    const fit = fitEnergyCalibration(pairs, 2);
    fit.coefficients.forEach((c, i) =>
      assert.ok(Math.abs(c - truth[i]!) < 1e-6 * Math.max(1, Math.abs(truth[i]!)) + 1e-9),
    );
    assert.ok(fit.rmsResidual < 1e-6);
  });

  it("has the nominal resolutions per detector type", () => {
    assert.ok(Math.abs(fwhmAt(defaultFwhmModel("NaI"), 661.7) / 661.7 - 0.07) < 0.002);
    assert.ok(Math.abs(fwhmAt(defaultFwhmModel("LaBr3"), 661.7) / 661.7 - 0.03) < 0.002);
    const ge = fwhmAt(defaultFwhmModel("HPGe"), 1332.5);
    assert.ok(ge > 1.6 && ge < 2.3, `HPGe FWHM at 1332 keV ${ge}`);
    const nai = defaultFwhmModel("NaI");
    assert.ok(fwhmAt(nai, 1460) > fwhmAt(nai, 662));
  });

  it("fits FWHM² = a + b·E to measured widths", () => {
    const pts = [122, 662, 1332].map((e) => [e, Math.sqrt(1 + 0.0025 * e)] as const);
    const model = fitFwhmModel(pts);
    assert.ok(Math.abs(fwhmAt(model, 1000) - Math.sqrt(3.5)) < 1e-6);
  });
});

describe("peak search and fit", () => {
  it("finds the Cs-137 and K-40 peaks and nothing spurious", () => {
    const data = synthSpectrum([
      [661.7, 20000],
      [1460.8, 5000],
    ]);
    const peaks = searchPeaks(data, { fwhm: defaultFwhmModel("NaI"), threshold: 5 });
    const energies = peaks.map((p) => p.energy);
    assert.ok(
      energies.some((e) => Math.abs(e - 661.7) < 5),
      energies.join(","),
    );
    assert.ok(
      energies.some((e) => Math.abs(e - 1460.8) < 10),
      energies.join(","),
    );
    assert.ok(peaks.length <= 3, energies.join(","));
  });

  it("Poisson-ML fit recovers centroid, area and FWHM within their uncertainties", () => {
    const pulls: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const data = synthSpectrum([[661.7, 8000]], seed);
      const [peak] = analysePeaks(data, { fwhm: defaultFwhmModel("NaI") }).filter(
        (p) => Math.abs(p.energy - 661.7) < 20,
      );
      assert.ok(peak, "peak found");
      pulls.push((peak.area - 8000) / peak.areaUncertainty);
      assert.ok(
        Math.abs(peak.energy - 661.7) < 4 * peak.energyUncertainty + 0.5,
        `centroid ${peak.energy} ± ${peak.energyUncertainty}`,
      );
      assert.ok(Math.abs(peak.fwhm - fwhmAt(defaultFwhmModel("NaI"), 661.7)) < 4 * peak.fwhmUncertainty + 1);
    }
    const mean = pulls.reduce((s, v) => s + v, 0) / pulls.length;
    const sd = Math.sqrt(pulls.reduce((s, v) => s + (v - mean) ** 2, 0) / (pulls.length - 1));
    assert.ok(Math.abs(mean) < 0.8, `area pull mean ${mean}`);
    assert.ok(sd > 0.5 && sd < 1.6, `area pull sd ${sd}`);
  });

  it("separates a doublet (Co-60) in one multiplet ROI", () => {
    const data = synthSpectrum(
      [
        [1173.2, 10000],
        [1332.5, 10000],
      ],
      3,
    );
    const peaks = analysePeaks(data, { fwhm: defaultFwhmModel("NaI") });
    const near = (e: number) => peaks.find((p) => Math.abs(p.energy - e) < 12);
    assert.ok(near(1173.2) && near(1332.5), peaks.map((p) => p.energy).join(","));
    assert.ok(Math.abs(near(1173.2)!.area - 10000) < 5 * near(1173.2)!.areaUncertainty);
  });

  it("fitRoi reports a converged fit with a sensible deviance", () => {
    const data = synthSpectrum([[661.7, 8000]], 7);
    const fit = fitRoi(data, { start: 195, end: 250, centroids: [220.5], sigma: 6.5 });
    assert.ok(fit.converged);
    assert.ok(fit.deviance / fit.dof < 2, `deviance/dof ${fit.deviance / fit.dof}`);
  });
});
