import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultFwhmModel } from "../../src/radiation/analysis/calibration.ts";
import { analysePeaks } from "../../src/radiation/analysis/peak-analysis.ts";
import { poissonSignificance, searchPeaks, windowTest } from "../../src/radiation/analysis/peak-search.ts";
import { createRng, samplePoisson } from "../../src/radiation/analysis/random.ts";
import type { SpectrumData } from "../../src/radiation/analysis/types.ts";

/** A sparse HPGe-like spectrum: 0.4 keV channels, a flat continuum of `flat` counts a channel, and Gaussian lines. */
function sparse(seed: number, flat: number, lines: [energy: number, counts: number][]): SpectrumData {
  const rng = createRng(seed);
  const fwhm = defaultFwhmModel("HPGe");
  const edges = Array.from({ length: 8193 }, (_, i) => 0.4 * i);
  const mean = new Array<number>(8192).fill(flat);
  for (const [e, n] of lines) {
    const sigma = Math.sqrt(fwhm.kind === "sqrtPoly" ? fwhm.coefficients[0]! + fwhm.coefficients[1]! * e : 1) / 2.3548;
    for (let i = 0; i < 8192; i++) {
      const x = 0.4 * i + 0.2 - e;
      mean[i]! += (n * 0.4 * Math.exp((-0.5 * x * x) / (sigma * sigma))) / (sigma * Math.sqrt(2 * Math.PI));
    }
  }
  return { counts: mean.map((m) => samplePoisson(rng, m)), edges, liveTimeS: 5 };
}

describe("peaks from a few counts (Poisson window test)", () => {
  it("gives the Poisson likelihood-ratio significance, signed, and infinite only on a zero background", () => {
    assert.equal(poissonSignificance(0, 0), 0);
    assert.equal(poissonSignificance(3, 0), Infinity);
    assert.ok(Math.abs(poissonSignificance(6, 0.5) - 4.34) < 0.05);
    assert.ok(poissonSignificance(2, 4) < 0);
    // At large counts it agrees with (n − b)/√b.
    assert.ok(Math.abs(poissonSignificance(10400, 10000) - 4) < 0.05);
    const t = windowTest([0, 0, 0, 0, 0, 0, 0, 3, 5, 3, 0, 0, 0, 0, 0, 0, 0], 8.5, 2);
    assert.equal(t.counts, 11);
    assert.ok(t.background > 0 && t.background < 1, `${t.background}`);
  });

  it("finds Co-60's lines from about a dozen counts each on an almost empty continuum", () => {
    const s = sparse(3, 0.01, [
      [1173.2, 12],
      [1332.5, 11],
    ]);
    const energies = analysePeaks(s, { fwhm: defaultFwhmModel("HPGe") })
      .filter((p) => p.significance >= 3)
      .map((p) => p.energy);
    for (const e of [1173.2, 1332.5]) {
      assert.ok(
        energies.some((x) => Math.abs(x - e) < 1.5),
        `${e} keV among ${energies.map((x) => x.toFixed(1)).join(", ")}`,
      );
    }
  });

  it("does not make peaks of scattered single counts", () => {
    let spurious = 0;
    for (let seed = 1; seed <= 5; seed++) {
      spurious += searchPeaks(sparse(seed, 0.05, []), { fwhm: defaultFwhmModel("HPGe") }).length;
    }
    assert.ok(spurious <= 2, `${spurious} peaks in five empty sparse spectra`);
  });
});
