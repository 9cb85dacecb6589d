import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { identify } from "../../src/radiation/analysis/identify.ts";
import { findNuclide, getNuclideLibrary, normaliseNuclideName } from "../../src/radiation/analysis/nuclide-library.ts";
import { sharedSpectrum } from "./fixtures/spectra.ts";

const RASE = "n42-2006/rase_generic-NaI/VABCD_M001_";
/** RASE generic-NaI base spectra with a gamma signature in our library → expected top nuclide. */
const RASE_CASES: [file: string, nuclide: string][] = [
  ["Cs137", "Cs-137"],
  ["Co60", "Co-60"],
  ["Am241", "Am-241"],
  ["I131", "I-131"],
  ["Tc99M", "Tc-99m"],
  ["Ra226", "Ra-226"],
  ["Th232", "Th-232"],
  ["Ir192", "Ir-192"],
  ["Se75", "Se-75"],
  ["Ga67", "Ga-67"],
  ["Tl201", "Tl-201"],
  ["Co57", "Co-57"],
  ["Eu154", "Eu-154"],
  ["Yb169", "Yb-169"],
  ["Cf252", "Cf-252"],
  ["Cm244", "Cm-244"],
];
/**
 * Against the Bgnd file (not each file's own background): 13/16. Misses: Yb169 → Ir-192; the two
 * neutron sources Cf252 and Cm244, which without a neutron measurement are only ever "possible" and
 * rank below any gamma nuclide the fit does identify (Cf252's fission continuum gives Ga-67 or
 * Am-241 depending on the last digits of the peak fits).
 */
const RASE_MIN_HITS = 13;

describe("nuclide library", () => {
  it("covers every category and has the key lines", () => {
    const cats = new Set(getNuclideLibrary().map((n) => n.category));
    assert.deepEqual([...cats].sort(), ["Industrial", "Medical", "NORM", "Neutron", "SNM"]);
    const strongest = (name: string) =>
      findNuclide(name)!.lines.reduce((a, b) => (b.intensity > a.intensity ? b : a)).energy;
    assert.ok(Math.abs(strongest("Cs-137") - 661.66) < 0.1);
    assert.ok(Math.abs(strongest("Co60") - 1332.49) < 0.1);
    assert.ok(Math.abs(strongest("Ra-226") - 609.31) < 0.1);
    assert.ok(Math.abs(strongest("U-235") - 185.71) < 0.1);
    assert.equal(normaliseNuclideName("Tc99M"), "tc99m");
  });
});

describe("identify on RASE generic-NaI base spectra (background = Bgnd file)", () => {
  const bg = sharedSpectrum(`${RASE}Bgnd.n42`);
  const outcomes = RASE_CASES.map(([file, expected]) => {
    const results = identify(sharedSpectrum(`${RASE}${file}.n42`), { detectorType: "NaI", background: bg });
    return { file, expected, top: results[0]?.nuclide ?? "(none)", results };
  });
  const hits = outcomes.filter((o) => o.top === o.expected);

  it(`top-ranks the labelled nuclide in at least ${RASE_MIN_HITS}/${RASE_CASES.length} files`, () => {
    const report = outcomes.map((o) => `${o.file}→${o.top}${o.top === o.expected ? "" : " ✗"}`).join(", ");
    assert.ok(hits.length >= RASE_MIN_HITS, `hit rate ${hits.length}/${RASE_CASES.length}: ${report}`);
  });

  it("reports reasons: matched peak energies and the template", () => {
    const cs = outcomes.find((o) => o.file === "Cs137")!.results[0]!;
    assert.equal(cs.category, "Industrial");
    assert.ok(cs.reason.peaks.some((e) => Math.abs(e - 661.7) < 15));
    assert.match(cs.reason.template ?? "", /^Cs137_/);
    assert.ok(cs.confidence > 0.8 && cs.confidence <= 1);
    const ra = outcomes.find((o) => o.file === "Ra226")!.results[0]!;
    assert.equal(ra.category, "NORM");
    assert.ok(ra.reason.peaks.length >= 4);
  });
});

describe("identify on N42-2012 InterSpec files", () => {
  it("IdentiFINDER-NG Ba-133 (NaI, deviation pairs)", () => {
    const r = identify(sharedSpectrum("n42-2012/interspec_Ba133_Unshielded_IdentiFINDER-NG.n42"), {
      detectorType: "NaI",
    });
    assert.equal(r[0]?.nuclide, "Ba-133");
  });

  it("Detective-X HPGe Ba-133 + Cs-137 → both top-2", () => {
    const r = identify(sharedSpectrum("n42-2012/interspec_Ba133_Cs137_RandomSummingOnly.n42"), {
      detectorType: "HPGe",
    });
    assert.deepEqual(
      r
        .slice(0, 2)
        .map((x) => x.nuclide)
        .sort(),
      ["Ba-133", "Cs-137"],
    );
  });

  it("Detective-X HPGe uranium with its background → U-235 (SNM)", () => {
    const file = "n42-2012/interspec_U235_Unshielded_6000.n42";
    const r = identify(sharedSpectrum(file, 0), { detectorType: "HPGe", background: sharedSpectrum(file, 1) });
    assert.equal(r[0]?.nuclide, "U-235");
    assert.equal(r[0]?.category, "SNM");
  });
});
