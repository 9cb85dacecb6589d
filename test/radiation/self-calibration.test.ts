import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { defaultFwhmModel } from "../../src/radiation/analysis/calibration.ts";
import { selfCalibrate } from "../../src/radiation/analysis/self-calibration.ts";
import { analyzeRadFile } from "../../src/radiation/analyze-file.ts";
import { readRadFile } from "../../src/radiation/io/index.ts";

const DIGIBASE = path.resolve(import.meta.dirname, "../../../shared/raddata/spe/becquerel_digibase_5min_30_1_NaI.spe");

describe("energy calibration from a spectrum's own natural lines", () => {
  it("finds K-40 and Tl-208 in an uncalibrated NaI background and fits offset and gain through them", () => {
    const file = readRadFile(readFileSync(DIGIBASE), "digibase.spe");
    const counts = file.measurements.find((m) => m.spectrum)!.spectrum!.counts;
    const cal = selfCalibrate(counts, defaultFwhmModel("NaI"));
    assert.ok(cal, "calibrated");
    assert.deepEqual(
      cal.lines.map((l) => l.name),
      ["K-40", "Tl-208"],
    );
    for (const l of cal.lines) {
      assert.ok(l.significance >= 5, `${l.name} at ${l.significance}σ`);
      assert.ok(Math.abs(cal.offsetKeV + cal.gainKeVPerChannel * l.channel - l.energyKeV) < 0.01);
    }
    assert.ok(cal.gainKeVPerChannel > 1 && cal.gainKeVPerChannel < 12);
  });

  it("refuses a spectrum without the natural lines (flat counts, or only one strong peak)", () => {
    assert.equal(selfCalibrate(new Array<number>(1024).fill(50), defaultFwhmModel("NaI")), null);
    const onePeak = Array.from(
      { length: 1024 },
      (_, i) => 50 + Math.round(5000 * Math.exp(-0.5 * ((i - 220) / 6) ** 2)),
    );
    assert.equal(selfCalibrate(onePeak, defaultFwhmModel("NaI")), null);
  });

  it("shows the fit in the report but identifies nothing on it", () => {
    const report = analyzeRadFile(readFileSync(DIGIBASE), "digibase.spe");
    assert.equal(report.selfCalibrations?.length, 1);
    assert.ok(report.warnings.some((w) => w.includes("K-40 1460.8 keV at channel")));
    assert.deepEqual(report.nuclides, []);
    assert.ok(report.errors.some((e) => e.code === "analysis.uncalibrated"));
  });
});
