import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  countDispersion,
  CURRIE_K,
  excessOverModel,
  intrinsicLines,
} from "../../src/radiation/analysis/background-model.ts";
import { identifyWithEvidence } from "../../src/radiation/analysis/identify.ts";
import { createRng, samplePoisson } from "../../src/radiation/analysis/random.ts";
import { rebinCounts } from "../../src/radiation/analysis/rebin.ts";
import type { SpectrumData } from "../../src/radiation/analysis/types.ts";
import { sharedSpectrum } from "./fixtures/spectra.ts";

const CAVE = "spe/becquerel_1110C_NAA_cave_background_May2017_HPGe.spe";
const HPGE_CO60 = "reference-spectra/raddata-uri/Detective-EX/Co60_Unshielded.txt";

/** Poisson sample of `scale` × a spectrum's counts (the same energy grid, live time × scale). */
function resample(s: SpectrumData, scale: number, seed: number): SpectrumData {
  const rng = createRng(seed);
  return { ...s, counts: s.counts.map((c) => samplePoisson(rng, c * scale)), liveTimeS: s.liveTimeS * scale };
}

describe("count dispersion", () => {
  it("is 1 for counted spectra and finds the scatter of scaled ones", () => {
    const cave = sharedSpectrum(CAVE);
    assert.ok(countDispersion(cave) < 1.5, `cave ${countDispersion(cave)}`);
    // A counted spectrum multiplied by 16 scatters 4× more than Poisson counts of that size: φ 16× larger.
    const co60 = resample(sharedSpectrum(HPGE_CO60), 1, 7);
    const counted = countDispersion(co60);
    assert.ok(counted < 2, `counted φ ${counted}`);
    const phi = countDispersion({ ...co60, counts: co60.counts.map((c) => 16 * c) });
    assert.ok(phi / counted > 12 && phi / counted < 20, `scaled φ ${phi} against ${counted}`);
    // The simulated 12 h background is such a spectrum.
    assert.ok(countDispersion(sharedSpectrum("n42-2012/interspec_easy_background_long.n42")) >= 3);
  });

  it("is 1 where there is too little to judge (empty, tiny or short spectra)", () => {
    assert.equal(countDispersion({ counts: [], edges: [0], liveTimeS: 1 }), 1);
    assert.equal(countDispersion({ counts: [5, 1e6, 0, 1e6, 3], edges: [0, 1, 2, 3, 4, 5], liveTimeS: 1 }), 1);
    const short = resample(sharedSpectrum(HPGE_CO60), 1 / 360, 3);
    assert.equal(countDispersion(short), 1);
  });
});

describe("Currie test against the background model's intrinsic lines", () => {
  it("measures a peak's excess over the expected intrinsic counts in σ₀", () => {
    assert.equal(excessOverModel(100, 10, 0, 1), 10);
    assert.ok(excessOverModel(485, 36, 876, 1) < 0);
    // Over-dispersed counts widen σ₀.
    assert.ok(excessOverModel(100, 10, 0, 4) === 5);
    assert.equal(excessOverModel(0, 0, 0, 1), 0);
    assert.deepEqual(intrinsicLines("NaI", "Co-60"), []);
    assert.equal(intrinsicLines("HPGe", "Co-60").length, 2);
  });

  it("leaves a true HPGe Co-60 source identified without a background measurement", () => {
    const ref = sharedSpectrum(HPGE_CO60);
    for (const [seconds, seed] of [
      [30, 11],
      [120, 12],
    ] as const) {
      const r = identifyWithEvidence(resample(ref, seconds / ref.liveTimeS, seed), { detectorType: "HPGe" });
      const co = r.nuclides.find((n) => n.nuclide === "Co-60");
      assert.equal(co?.status, "identified", `${seconds} s: ${co?.notes.join("; ")}`);
    }
  });

  it("calls a weak Co-60 source in the lead cave once its peaks pass the critical level", () => {
    const cave = sharedSpectrum(CAVE);
    const quiet = identifyWithEvidence(cave, { detectorType: "HPGe" }).nuclides.find((n) => n.nuclide === "Co-60");
    assert.equal(quiet?.status, "background");
    // Add a Co-60 source giving ≈ 0.02 cps in the 1332 keV peak over the 5-day count: ten times the model's allowance.
    const ref = sharedSpectrum(HPGE_CO60);
    const onGrid = rebinCounts(ref.counts, ref.edges, cave.edges);
    const rng = createRng(5);
    const scale = 1e-3 * (cave.liveTimeS / ref.liveTimeS);
    const withSource = { ...cave, counts: cave.counts.map((c, i) => c + samplePoisson(rng, onGrid[i]! * scale)) };
    const loud = identifyWithEvidence(withSource, { detectorType: "HPGe" }).nuclides.find((n) => n.nuclide === "Co-60");
    assert.equal(loud?.status, "identified", loud?.notes.join("; "));
    assert.ok(CURRIE_K >= 3);
  });
});
