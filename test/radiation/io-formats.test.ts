import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { readRadFile } from "../../src/radiation/io/read-rad-file.ts";
import { raddata, readShared, sum } from "./fixtures/io-helpers.ts";

const f32 = (v: number): number => Math.fround(v);

describe("ORTEC SPC", () => {
  it("reads Alcatraz14: 8192 integer channels, times from the header, calibration record", () => {
    const f = readShared("spc/becquerel_Alcatraz14_HPGe.Spc");
    assert.equal(f.format, "spc");
    const m = f.measurements[0]!;
    assert.equal(m.spectrum!.counts.length, 8192);
    assert.equal(sum(m.spectrum!.counts), 132978);
    assert.equal(m.liveTimeS, 900);
    assert.equal(m.realTimeS, f32(905.42));
    assert.equal(m.startTime, "2012-09-17T13:41:07.000Z");
    assert.equal(m.title, "Alcatraz14");
    assert.deepEqual(m.spectrum!.calibration.coefficients, [f32(0.5783317), f32(0.37443596), f32(2.9858589e-7)]);
    assert.equal(f.instrument.model, "Transpec MCB129");
  });
});

describe("Canberra CNF", () => {
  it("reads Half Moon Bay: 4096 channels, complemented 100 ns times, PDP-11 float calibration", () => {
    const f = readShared("cnf/becquerel_HalfMoonBay_Falcon5000_HPGe.cnf");
    assert.equal(f.format, "cnf");
    const m = f.measurements[0]!;
    assert.equal(m.spectrum!.counts.length, 4096);
    assert.equal(sum(m.spectrum!.counts), 683658);
    assert.ok(Math.abs(m.realTimeS - 849.51) < 1e-6);
    assert.ok(Math.abs(m.liveTimeS - 841.42) < 1e-6);
    assert.equal(m.startTime, "2014-01-12T15:12:28.125Z");
    const [c0, c1] = m.spectrum!.calibration.coefficients;
    assert.ok(Math.abs(c0! + 0.2097135) < 1e-6 && Math.abs(c1! - 0.7189929) < 1e-6);
  });
});

describe("GADRAS PCF", () => {
  it("reads the 3x3 NaI file: 4 spectra x 256 channels, FRF 0/3200", () => {
    const f = readShared("pcf/interspec_nai3x3_sr90_unshielded.pcf");
    assert.deepEqual(
      f.measurements.map((m) => m.liveTimeS),
      [300, 300, 3000, 300],
    );
    assert.deepEqual(
      f.measurements.map((m) => m.class),
      ["foreground", "background", "background", "foreground"],
    );
    assert.deepEqual(
      f.measurements.slice(0, 3).map((m) => sum(m.spectrum!.counts)),
      [426847, 53904, 539830],
    );
    const cal = f.measurements[0]!.spectrum!.calibration;
    assert.equal(cal.kind, "fullRangeFraction");
    assert.deepEqual(cal.coefficients, [0, 3200, 0, 0, 0]);
    assert.equal(f.measurements[0]!.startTime, "2013-12-26T21:15:00.000Z");
  });

  it("reads the HPGe file with a DeviationPairsInFile block (spectra from record 83)", () => {
    const f = readShared("pcf/interspec_detx_cs137_shielded.pcf");
    assert.equal(f.measurements.length, 4);
    const m = f.measurements[0]!;
    assert.equal(m.spectrum!.counts.length, 16384);
    assert.equal(sum(m.spectrum!.counts), 118931);
    assert.deepEqual(m.spectrum!.calibration.coefficients.slice(0, 2), [f32(-0.32), f32(8008.95)]);
    assert.equal(m.spectrum!.calibration.deviationPairs!.length, 7);
    assert.deepEqual(m.spectrum!.calibration.deviationPairs![3], [662, f32(-0.55)]);
  });
});

describe("SPE and IEC 1455 text formats", () => {
  it("reads the lead-cave HPGe background SPE", () => {
    const m = readShared("spe/becquerel_1110C_NAA_cave_background_May2017_HPGe.spe").measurements[0]!;
    assert.equal(m.spectrum!.counts.length, 16384);
    assert.equal(sum(m.spectrum!.counts), 1052900);
    assert.equal(m.spectrum!.counts[506], 1507);
    assert.equal(m.liveTimeS, 437817);
    assert.equal(m.realTimeS, 437903);
    assert.equal(m.startTime, "2017-04-26T11:05:11.000Z");
    assert.deepEqual(m.spectrum!.calibration.coefficients, [-0.035087, 0.1828039, -6.86613e-10]);
  });

  it("keeps going on the digiBASE SPE with an all-zero calibration, with a warning", () => {
    const f = readShared("spe/becquerel_digibase_5min_30_1_NaI.spe");
    assert.equal(f.measurements[0]!.spectrum!.counts.length, 1024);
    assert.equal(f.measurements[0]!.liveTimeS, 296);
    assert.equal(f.measurements[0]!.realTimeS, 300);
    assert.match(f.warnings[0]!, /calibration/);
  });

  it("reads every SPE sample", () => {
    for (const name of readdirSync(raddata("spe")).filter((n) => n.endsWith(".spe"))) {
      const m = readShared(`spe/${name}`).measurements[0]!;
      assert.ok(m.spectrum!.counts.length >= 1000 && sum(m.spectrum!.counts) > 0, name);
    }
  });

  it("reads the IEC 1455 dummy file (touching Fortran floats in the calibration record)", () => {
    const f = readShared("iec/becquerel_hpge_dummy_test_01.iec");
    assert.equal(f.format, "iec1455");
    const m = f.measurements[0]!;
    assert.equal(m.spectrum!.counts.length, 2048);
    assert.deepEqual(m.spectrum!.counts.slice(0, 5), [40680, 41390, 41100, 40900, 41720]);
    assert.equal(m.liveTimeS, 3564);
    assert.equal(m.realTimeS, 3600);
    assert.deepEqual(m.spectrum!.calibration.coefficients, [-0.0155656, 0.8, -2.97939e-8]);
  });
});

function readCsv(file: string): { counts: number[]; header: string } {
  const text = readFileSync(file, "utf8");
  const counts = text
    .split("\n")
    .filter((l) => /^\d+,/.test(l))
    .map((l) => Number(l.split(",")[1]));
  return { counts, header: text.split("\n").slice(0, 4).join("\n") };
}

describe("RADDATA://G0/ URI decoder", () => {
  it("matches all 120 decoded golden CSVs channel for channel", () => {
    let checked = 0;
    for (const det of readdirSync(raddata("reference-spectra/decoded-csv"))) {
      for (const csv of readdirSync(raddata(`reference-spectra/decoded-csv/${det}`))) {
        const uri = raddata(`reference-spectra/raddata-uri/${det}/${csv.replace(/\.csv$/, ".txt")}`);
        const f = readRadFile(readFileSync(uri), path.basename(uri));
        const golden = readCsv(raddata(`reference-spectra/decoded-csv/${det}/${csv}`));
        assert.deepEqual(f.measurements[0]!.spectrum!.counts, golden.counts, `${det}/${csv}`);
        const live = /live_time_s=([\d.]+)/.exec(golden.header)![1];
        assert.equal(f.measurements[0]!.liveTimeS, Number(live), `${det}/${csv} live`);
        checked++;
      }
    }
    assert.equal(checked, 120);
  });

  it("decodes the 2x4x16 NaI background: 1024 channels, 3 124 933 counts, 3 keV/ch", () => {
    const f = readShared("reference-spectra/raddata-uri/2x4x16-NaI/background.txt");
    const m = f.measurements[0]!;
    assert.equal(f.format, "raddata-uri");
    assert.equal(m.class, "background");
    assert.equal(m.spectrum!.counts.length, 1024);
    assert.equal(sum(m.spectrum!.counts), 3124933);
    assert.equal(m.liveTimeS, 1800);
    assert.deepEqual(m.spectrum!.calibration.coefficients, [0, 3]);
  });

  it("decodes IdentiFINDER-NG deviation pairs", () => {
    const cal = readShared("reference-spectra/raddata-uri/IdentiFINDER-NG/background.txt").measurements[0]!.spectrum!
      .calibration;
    assert.deepEqual(cal.coefficients, [-0.21, 2.974609]);
    assert.equal(cal.deviationPairs!.length, 11);
    assert.deepEqual(cal.deviationPairs![0], [32, -1]);
  });
});
