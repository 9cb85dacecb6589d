import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultFwhmModel, fwhmAt } from "../../src/radiation/analysis/calibration.ts";
import { identify } from "../../src/radiation/analysis/identify.ts";
import { lineComponents } from "../../src/radiation/analysis/line-components.ts";
import { createRng, samplePoisson } from "../../src/radiation/analysis/random.ts";
import { sharedSpectrum } from "./fixtures/spectra.ts";

const grid = Array.from({ length: 1025 }, (_, i) => 3 * i);

describe("photopeak components from nuclear data", () => {
  it("puts each line at its energy with the detector's resolution there", () => {
    const cs = lineComponents(grid, "NaI", 30).find((c) => c.nuclide === "Cs-137")!;
    assert.equal(cs.name, "Cs-137 lines");
    const peakBin = cs.net.indexOf(Math.max(...cs.net));
    assert.ok(Math.abs(3 * peakBin + 1.5 - 661.7) <= 3, `peak at ${3 * peakBin + 1.5} keV`);
    // Width: the bins holding more than half the maximum span about one FWHM.
    const half = cs.net.filter((v, i) => Math.abs(3 * i + 1.5 - 661.7) < 60 && v > Math.max(...cs.net) / 2).length * 3;
    const fwhm = fwhmAt(defaultFwhmModel("NaI"), 661.7);
    assert.ok(Math.abs(half - fwhm) <= 6, `half-maximum width ${half} keV against FWHM ${fwhm.toFixed(1)} keV`);
    // Nothing far below the 30 keV cut (the Ba x-rays at 32 keV spread a few σ), nothing far from any line.
    assert.equal(
      cs.net.slice(0, 4).reduce((a, b) => a + b, 0),
      0,
    );
    assert.equal(
      cs.net.slice(400).reduce((a, b) => a + b, 0),
      0,
    );
  });

  it("is narrower on HPGe than on NaI, and weights Co-60's two lines alike", () => {
    const fine = Array.from({ length: 8193 }, (_, i) => 0.4 * i);
    const ge = lineComponents(fine, "HPGe", 30).find((c) => c.nuclide === "Co-60")!;
    const at = (e: number) =>
      ge.net.slice(Math.floor((e - 5) / 0.4), Math.ceil((e + 5) / 0.4)).reduce((a, b) => a + b, 0);
    const ratio = at(1332.5) / at(1173.2);
    assert.ok(
      ratio > 0.75 && ratio < 1,
      `1332/1173 ${ratio.toFixed(2)} (equal yields, efficiency falling with energy)`,
    );
    const near = ge.net.slice(Math.floor(1160 / 0.4), Math.ceil(1190 / 0.4));
    const width = near.filter((v) => v > Math.max(...near) / 2).length * 0.4;
    const fwhm = fwhmAt(defaultFwhmModel("HPGe"), 1173.2);
    assert.ok(
      Math.abs(width - fwhm) <= 0.8,
      `HPGe half-maximum width ${width} keV against FWHM ${fwhm.toFixed(2)} keV`,
    );
  });

  it("leaves no nuclide without a component once its templates are left out, and needs no template file", () => {
    const names = lineComponents(grid, "LaBr3", 30).map((c) => c.nuclide);
    for (const n of ["Na-22", "Se-75", "Eu-152", "U-235", "Mn-56"]) {
      assert.ok(names.includes(n), n);
    }
  });
});

describe("leave-one-out identification with the photopeak components", () => {
  // Cases the fit missed with the simulated responses alone (own template left out).
  const REF = "reference-spectra/raddata-uri";
  const cases: [folder: string, type: Parameters<typeof identify>[1]["detectorType"], file: string, nuclide: string][] =
    [
      ["2x4x16-NaI", "NaI-2x4x16", "Se75_Unshielded", "Se-75"],
      ["2x4x16-NaI", "NaI-2x4x16", "Eu152_Unshielded", "Eu-152"],
      ["IdentiFINDER-NG", "NaI", "Ba133_Unshielded", "Ba-133"],
      ["RadSeeker-CL-LaBr", "LaBr3", "Na22_Unshielded", "Na-22"],
      ["Detective-EX", "HPGe", "Na22_Unshielded", "Na-22"],
    ];
  for (const [folder, type, file, nuclide] of cases) {
    it(`names ${nuclide} first in a 30 s ${folder} spectrum without its ${file} template`, () => {
      const ref = sharedSpectrum(`${REF}/${folder}/${file}.txt`);
      const background = sharedSpectrum(`${REF}/${folder}/background.txt`);
      const rng = createRng(31);
      const s = { ...ref, counts: ref.counts.map((c) => samplePoisson(rng, (c * 30) / ref.liveTimeS)), liveTimeS: 30 };
      const ids = identify(s, { detectorType: type, background, excludeTemplates: [file] });
      assert.equal(
        ids.find((i) => i.status !== "possible")?.nuclide,
        nuclide,
        ids.map((i) => `${i.nuclide} ${i.status} ${i.confidence}`).join(", "),
      );
      if (nuclide === "Na-22") {
        // Its annihilation peak is Na-22's: F-18, which has nothing else, is not named beside it.
        assert.notEqual(ids.find((i) => i.nuclide === "F-18")?.status, "identified");
      }
    });
  }
});

describe("one peak, one nuclide, near the lead x-rays", () => {
  it("leaves Tl-201 possible when Ba-133's own 81 keV line explains the only peak it rests on", () => {
    const REF = "reference-spectra/raddata-uri/IdentiFINDER-NG";
    const ref = sharedSpectrum(`${REF}/Ba133_Unshielded.txt`);
    const background = sharedSpectrum(`${REF}/background.txt`);
    for (const seed of [2, 3]) {
      const rng = createRng(seed);
      const s = { ...ref, counts: ref.counts.map((c) => samplePoisson(rng, (c * 5) / ref.liveTimeS)), liveTimeS: 5 };
      const ids = identify(s, { detectorType: "NaI", background, excludeTemplates: ["Ba133_Unshielded"] });
      assert.equal(ids[0]?.nuclide, "Ba-133", ids.map((i) => `${i.nuclide} ${i.status}`).join(", "));
      const tl = ids.find((i) => i.nuclide === "Tl-201");
      assert.notEqual(tl?.status, "identified", tl?.notes.join("; "));
    }
  });
});
