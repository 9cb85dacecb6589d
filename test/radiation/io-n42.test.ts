import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readdirSync } from "node:fs";
import { raddata, readShared, sum } from "./fixtures/io-helpers.ts";

describe("N42-2012 reader on real files", () => {
  it("reads the Mn-56 HPGe file with undeclared DHS: prefix, CountedZeroes and deviation pairs", () => {
    const f = readShared("n42-2012/specutils_Mn56_DetX_Shielded_HPGe.n42");
    assert.equal(f.format, "n42-2012");
    assert.equal(f.instrument.manufacturer, "ORTEC");
    assert.equal(f.instrument.model, "Detective X");
    assert.equal(f.measurements.length, 1);
    const m = f.measurements[0]!;
    assert.equal(m.class, "foreground");
    assert.equal(m.liveTimeS, 1800);
    assert.equal(m.realTimeS, 1824.650024);
    assert.equal(m.startTime, "2013-12-26T21:15:00.000Z");
    assert.equal(m.title, "Mn56 Shielded");
    const counts = m.spectrum!.counts;
    assert.equal(counts.length, 16384);
    assert.equal(sum(counts), 698514);
    // "0 36 2 2 16 82": 36 zeros then 2, 2, 16, 82.
    assert.deepEqual(counts.slice(34, 40), [0, 0, 2, 2, 16, 82]);
    assert.deepEqual(m.spectrum!.calibration.coefficients, [-0.319999993, 0.488827497]);
    assert.equal(m.spectrum!.calibration.deviationPairs!.length, 7);
    assert.deepEqual(m.spectrum!.calibration.deviationPairs![1], [356, -0.589999974]);
  });

  it("reads both spectra of the handheld HPGe exercise (8192 channels each, own calibrations)", () => {
    const f = readShared("n42-2012/interspec_202204_example_problem_1_handheld-HPGe.n42");
    assert.equal(f.instrument.type, "handheld");
    assert.deepEqual(
      f.measurements.map((m) => [m.class, m.spectrum!.counts.length, sum(m.spectrum!.counts), m.liveTimeS]),
      [
        ["foreground", 8192, 289875, 1200],
        ["background", 8192, 12708583, 234000],
      ],
    );
    assert.deepEqual(
      f.measurements[1]!.spectrum!.calibration.coefficients,
      [0.00857262034, 0.364945322, 1.35506781e-7],
    );
  });

  it("reads the RSI mobile time series: 153 gamma spectra, 153 neutron gross counts, GPS", () => {
    const f = readShared("n42-2012/interspec_Q345_Racetrack_RSI-mobile-timeseries.n42");
    assert.equal(f.detectors.length, 5);
    assert.equal(f.detectors.find((d) => d.name.endsWith("Vnd00"))!.kind, "neutron");
    const gamma = f.measurements.filter((m) => m.spectrum);
    const neutron = f.measurements.filter((m) => m.neutronCounts !== undefined);
    assert.equal(gamma.length, 153);
    assert.equal(neutron.length, 153);
    assert.equal(gamma[0]!.spectrum!.counts.length, 1024);
    assert.equal(sum(gamma[0]!.spectrum!.counts), 5034);
    assert.equal(gamma[0]!.liveTimeS, 0.999492);
    assert.deepEqual(
      neutron.slice(0, 2).map((m) => m.neutronCounts),
      [0, 2],
    );
    assert.deepEqual(gamma[0]!.gps, { lat: 30.1386362013897, lon: -97.6339831580139, elevationM: 133.187 });
    assert.equal(gamma[0]!.sampleNumber, neutron[0]!.sampleNumber);
  });

  it("attaches the neutron GrossCounts of a gamma detector and reads analysis results", () => {
    const f = readShared("n42-2012/interspec_trinitite_sample_b.n42");
    const m = f.measurements[0]!;
    assert.equal(m.neutronCounts, 3447);
    assert.equal(m.liveTimeS, 15569.379883);
    assert.equal(f.analysisResults!.length, 10);
    assert.equal(f.analysisResults![0]!.nuclide, "Am241");
    assert.equal(f.analysisResults![0]!.identified, true);
    assert.ok(Number.isNaN(f.analysisResults![0]!.confidence));
  });

  it("reads 11 deviation pairs from the IdentiFINDER-NG file", () => {
    const f = readShared("n42-2012/interspec_Ba133_Unshielded_IdentiFINDER-NG.n42");
    const cal = f.measurements[0]!.spectrum!.calibration;
    assert.equal(cal.deviationPairs!.length, 11);
    assert.deepEqual(cal.deviationPairs![6], [661, 5]);
  });

  it("parses every real N42-2012 file with sensible numbers", () => {
    for (const name of readdirSync(raddata("n42-2012"))) {
      const f = readShared(`n42-2012/${name}`);
      assert.ok(f.measurements.length > 0, name);
      for (const m of f.measurements) {
        assert.ok(m.realTimeS > 0 && m.liveTimeS > 0, `${name} times`);
        if (m.spectrum) {
          // Neutron gross counts may carry a rounded live time (1.000000 s vs 0.99999 s real); spectra may not.
          assert.ok(m.liveTimeS <= m.realTimeS + 1e-6, `${name} live <= real`);
          assert.ok(m.spectrum.counts.length >= 1024 && sum(m.spectrum.counts) > 0, `${name} counts`);
          assert.ok(m.spectrum.calibration.coefficients[1]! > 0, `${name} gain`);
        }
      }
    }
  });
});

describe("N42-2006 reader on real files", () => {
  it("reads the helicopter time series (Sensor=, CountedZeroes, GPS per sample)", () => {
    const f = readShared("n42-2006/interspec_Q8910_Helicopter_RSI-aerial-timeseries.n42");
    assert.equal(f.format, "n42-2006");
    assert.equal(f.instrument.manufacturer, "Radiation Solutions Inc.");
    assert.equal(f.measurements.length, 81);
    const m = f.measurements[0]!;
    assert.equal(m.detector, "Fusion.Vgd00");
    assert.equal(m.sampleNumber, 5623);
    assert.equal(m.startTime, "2016-02-04T20:28:33.000Z");
    assert.equal(m.liveTimeS, 0.999718);
    assert.equal(m.realTimeS, 0.999998);
    assert.equal(m.class, "foreground");
    assert.equal(m.spectrum!.counts.length, 1024);
    assert.equal(sum(m.spectrum!.counts), 9828);
    assert.deepEqual(m.spectrum!.counts.slice(0, 6), [0, 0, 0, 3, 43, 44]);
    assert.deepEqual(m.gps, { lat: 30.4483028526658, lon: -91.236734038036 });
    assert.deepEqual(m.spectrum!.calibration.coefficients, [1.8081, 2.9994]);
  });

  it("reads every RASE base spectrum (bare N42InstrumentData, cubic calibration)", () => {
    const files = readdirSync(raddata("n42-2006/rase_generic-NaI"));
    assert.equal(files.length, 20);
    for (const name of files) {
      const f = readShared(`n42-2006/rase_generic-NaI/${name}`);
      const m = f.measurements[0]!;
      assert.equal(m.spectrum!.counts.length, 1024, name);
      assert.equal(m.spectrum!.calibration.coefficients.length, 4, name);
      assert.ok(m.liveTimeS > 0 && m.liveTimeS < m.realTimeS, name);
    }
    const cs = readShared("n42-2006/rase_generic-NaI/VABCD_M001_Cs137.n42").measurements[0]!;
    assert.equal(cs.liveTimeS, 400.29);
    assert.equal(cs.realTimeS, 407.05);
    assert.equal(sum(cs.spectrum!.counts), 1239451);
    assert.deepEqual(cs.spectrum!.counts.slice(29, 33), [2604, 5474, 3817, 4632]);
    assert.deepEqual(
      cs.spectrum!.calibration.coefficients,
      [-39.70651097, 3.003184543, -0.0001021575959, 1.47518247e-7],
    );
    const bg = readShared("n42-2006/rase_generic-NaI/VABCD_M001_Bgnd.n42").measurements[0]!;
    assert.equal(bg.liveTimeS, 55467.02);
  });
});
