import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { countTailProbability, perTestAlpha } from "../../src/radiation/analysis/portal-alarm.ts";
import { PORTAL_CONFIG_VERSION } from "../../src/radiation/analysis/portal-config.ts";
import { analyzePortal, frameOccupancies } from "../../src/radiation/analysis/portal.ts";
import { createRng, samplePoisson } from "../../src/radiation/analysis/random.ts";
import { poissonCriticalCount, poissonUpperTail } from "../../src/radiation/analysis/special.ts";
import { generatePortalOccupancy } from "../../src/radiation/analysis/synthetic-portal.ts";

describe("portal statistics", () => {
  it("exact Poisson tail and critical counts", () => {
    // P(N ≥ 3 | 1) = 1 − e^-1(1 + 1 + 1/2)
    assert.ok(Math.abs(poissonUpperTail(3, 1) - (1 - Math.exp(-1) * 2.5)) < 1e-12);
    const s = poissonCriticalCount(2, 1e-4);
    assert.ok(poissonUpperTail(s, 2) <= 1e-4 && poissonUpperTail(s - 1, 2) > 1e-4);
    assert.equal(countTailProbability(5, 2, 2), poissonUpperTail(5, 2));
    assert.ok(Math.abs(perTestAlpha(1e-3, 100) - 1.0005e-5) < 1e-9);
  });

  it("Poisson sampler has the right mean and variance at low and high rates", () => {
    const rng = createRng(9);
    for (const mu of [0.3, 12, 150]) {
      const xs = Array.from({ length: 20000 }, () => samplePoisson(rng, mu));
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
      assert.ok(Math.abs(m - mu) < 4 * Math.sqrt(mu / xs.length), `mean ${m} vs ${mu}`);
      assert.ok(Math.abs(v / mu - 1) < 0.06, `var ${v} vs ${mu}`);
    }
  });
});

describe("portal occupancy analysis on synthetic data", () => {
  it("frames one occupancy and returns the versioned config with the result", () => {
    const rec = generatePortalOccupancy({ seed: 1 });
    const spans = frameOccupancies(rec);
    assert.equal(spans.length, 1);
    assert.ok(Math.abs((spans[0]!.end - spans[0]!.start) * 0.1 - 12 / 2.2) < 0.2);
    const [r] = analyzePortal(rec);
    assert.equal(r!.configVersion, PORTAL_CONFIG_VERSION);
    assert.equal(r!.config.gammaFalseAlarmRate, 1e-3);
    assert.ok(Math.abs(r!.background.gamma[0]!.reduce((a, b) => a + b, 0) - 100) < 3);
  });

  it("estimates the shadow-shielding depth from the profile", () => {
    const depths = [1, 2, 3, 4, 5].map(
      (seed) => analyzePortal(generatePortalOccupancy({ seed, shadowDepth: 0.25 }))[0]!.suppression.depth,
    );
    const mean = depths.flat().reduce((a, b) => a + b, 0) / depths.flat().length;
    assert.ok(Math.abs(mean - 0.25) < 0.04, `mean depth ${mean}`);
  });

  it("a distributed K-40 load is a distributed, NORM-like alarm classified NORM", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const [r] = analyzePortal(
        generatePortalOccupancy({ seed, sources: [{ kind: "distributed", isotope: "K-40", cps: 400 }] }),
      );
      assert.equal(r!.gamma.alarm, true);
      assert.equal(r!.profile.geometry, "distributed");
      assert.equal(r!.spectral.spectralClass, "NORM-like");
      assert.equal(r!.classification, "NORM");
    }
  });

  it("a Cs-137 point source is a point, non-NORM alarm to investigate", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const [r] = analyzePortal(
        generatePortalOccupancy({
          seed: 50 + seed,
          sources: [{ kind: "point", isotope: "Cs-137", peakCps: 400, positionM: 6, lateralM: 0.5 }],
        }),
      );
      assert.equal(r!.gamma.alarm, true);
      assert.equal(r!.profile.geometry, "point");
      assert.ok(r!.profile.fwhmS > 0.8 && r!.profile.fwhmS < 3, `profile FWHM ${r!.profile.fwhmS}`);
      assert.ok(r!.profile.sideAsymmetry > 0, "source nearer side A");
      assert.equal(r!.spectral.spectralClass, "non-NORM");
      assert.equal(r!.classification, "investigate");
    }
  });

  it("a neutron source raises the Poisson neutron alarm", () => {
    const [r] = analyzePortal(generatePortalOccupancy({ seed: 3, neutronPeakCps: 15 }));
    assert.equal(r!.neutron.alarm, true);
    assert.equal(r!.classification, "neutron");
  });

  it("background-only occupancies alarm at about the target false-alarm rate", () => {
    const target = 0.02;
    const n = 1500;
    let gamma = 0;
    let neutron = 0;
    for (let seed = 1; seed <= n; seed++) {
      const rec = generatePortalOccupancy({
        seed,
        shadowDepth: 0.1 + (0.2 * ((seed * 7919) % 100)) / 100,
        vehicleLengthM: 5 + (seed % 4) * 3,
        preSeconds: 31,
      });
      const [r] = analyzePortal(rec, { gammaFalseAlarmRate: target, neutronFalseAlarmRate: target });
      gamma += r!.gamma.alarm ? 1 : 0;
      neutron += r!.neutron.alarm ? 1 : 0;
    }
    // Binomial 3.5σ around the target plus 30 % calibration tolerance.
    const lo = n * target * 0.7 - 3.5 * Math.sqrt(n * target);
    const hi = n * target * 1.3 + 3.5 * Math.sqrt(n * target);
    assert.ok(gamma >= lo && gamma <= hi, `gamma false alarms ${gamma}/${n} (target ${n * target})`);
    assert.ok(neutron >= lo && neutron <= hi, `neutron false alarms ${neutron}/${n} (target ${n * target})`);
  });
});
