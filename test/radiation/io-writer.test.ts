import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import type { RadFile } from "../../src/radiation/model.ts";
import { writeN42_2012 } from "../../src/radiation/io/n42-writer.ts";
import { readRadFile } from "../../src/radiation/io/read-rad-file.ts";
import { raddata, readShared } from "./fixtures/io-helpers.ts";

const SCHEMA = raddata("schema/n42-2011_v0.0.54.xsd");
const CREATED = "2024-05-01T12:00:00.000Z";

/** Validates with xmllint (apt package libxml2-utils); fails loudly when xmllint is missing. */
function assertSchemaValid(xml: string, label: string): void {
  const probe = spawnSync("xmllint", ["--version"]);
  if (probe.error) {
    assert.fail("xmllint not found: install the apt package libxml2-utils to run N42 schema validation");
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), "n42-")), `${label}.n42`);
  writeFileSync(file, xml);
  const r = spawnSync("xmllint", ["--noout", "--schema", SCHEMA, file], { encoding: "utf8" });
  assert.equal(r.status, 0, `${label} is not schema-valid:\n${r.stderr.slice(0, 2000)}`);
}

function roundTrip(file: RadFile): RadFile {
  return readRadFile(new TextEncoder().encode(writeN42_2012(file, { createdAt: CREATED })), "out.n42");
}

function occupancyFile(): RadFile {
  const samples = Array.from({ length: 30 }, (_, k) => ({
    tS: Number((k * 0.1).toFixed(3)),
    gammaPanels: [410 + k, 395, 402 + (k % 3), 388],
    neutronPanels: [k === 12 ? 3 : 0, 1],
    occupied: k >= 5 && k < 25,
  }));
  return {
    format: "n42-2012",
    instrument: { manufacturer: "Acme", model: "RPM-8", serial: "SN-17", type: "portal" },
    detectors: [
      { name: "Aa1", kind: "gamma", description: "PVT panel", material: "PVT" },
      { name: "Ab1", kind: "gamma", description: "", material: "PVT" },
      { name: "Ba1", kind: "gamma", description: "", material: "PVT" },
      { name: "Bb1", kind: "gamma", description: "", material: "PVT" },
      { name: "Aa1N", kind: "neutron", description: "", material: "He3" },
      { name: "Ba1N", kind: "neutron", description: "", material: "He3" },
    ],
    measurements: [],
    occupancies: [
      {
        id: "Occ1",
        start: "2024-05-01T10:00:00.000Z",
        end: "2024-05-01T10:00:03.000Z",
        sampleIntervalS: 0.1,
        gammaDetectors: ["Aa1", "Ab1", "Ba1", "Bb1"],
        neutronDetectors: ["Aa1N", "Ba1N"],
        samples,
        alarms: [
          { kind: "gamma", detectors: ["Aa1", "Ab1"], time: "2024-05-01T10:00:01.500Z", description: "sum > 6 sigma" },
          { kind: "neutron", detectors: ["Aa1N"] },
        ],
      },
    ],
    analysisResults: [
      { nuclide: "K-40", confidence: 0.8, category: "NORM", identified: true },
      { nuclide: "Cs-137", confidence: 0.35, category: "Industrial", activityKBq: 120, identified: true },
    ],
    warnings: [],
    uuid: "0b7c6a2e-6f1d-4f57-9a43-2d5f0e7b9c11",
  };
}

describe("N42-2012 writer", () => {
  it("writes schema-valid documents for spectra, time series and PCF/SPC input", () => {
    for (const rel of [
      "n42-2012/specutils_Mn56_DetX_Shielded_HPGe.n42",
      "n42-2012/interspec_Q345_Racetrack_RSI-mobile-timeseries.n42",
      "n42-2012/interspec_trinitite_sample_b.n42",
      "n42-2006/rase_generic-NaI/VABCD_M001_Cs137.n42",
      "pcf/interspec_detx_cs137_shielded.pcf",
      "spc/becquerel_Alcatraz14_HPGe.Spc",
    ]) {
      assertSchemaValid(writeN42_2012(readShared(rel), { createdAt: CREATED }), path.basename(rel));
    }
  });

  it("writes a schema-valid RPM occupancy with per-panel gross counts, alarms and nuclide results", () => {
    assertSchemaValid(writeN42_2012(occupancyFile(), { createdAt: CREATED }), "occupancy");
  });

  it("round-trips an occupancy exactly (samples, panels, alarms, span, results)", () => {
    const original = occupancyFile();
    const back = roundTrip(original);
    assert.deepEqual(back.occupancies, original.occupancies);
    assert.deepEqual(back.analysisResults, original.analysisResults);
    assert.equal(back.measurements.length, 0);
    assert.equal(back.instrument.type, "portal");
    assert.equal(back.instrument.serial, "SN-17");
    assert.equal(back.uuid, original.uuid);
    assert.deepEqual(
      back.detectors.map((d) => [d.name, d.kind, d.material]),
      original.detectors.map((d) => [d.name, d.kind, d.material]),
    );
  });

  it("round-trips spectra: counts, calibration with deviation pairs, live/real/start times, neutrons, GPS", () => {
    for (const rel of [
      "n42-2012/specutils_Mn56_DetX_Shielded_HPGe.n42",
      "n42-2012/interspec_202204_example_problem_1_handheld-HPGe.n42",
      "n42-2012/interspec_trinitite_sample_b.n42",
      "n42-2012/interspec_Q345_Racetrack_RSI-mobile-timeseries.n42",
      "n42-2006/interspec_Q8910_Helicopter_RSI-aerial-timeseries.n42",
    ]) {
      const original = readShared(rel);
      const back = roundTrip(original);
      const pick = (f: RadFile): unknown =>
        f.measurements.map((m) => [
          m.id,
          m.detector,
          m.class,
          m.startTime,
          m.realTimeS,
          m.liveTimeS,
          m.spectrum,
          m.neutronCounts,
          m.gps,
          m.title,
        ]);
      assert.deepEqual(pick(back), pick(original), rel);
    }
  });

  it("turns a PCF full-range-fraction calibration into the equivalent polynomial", () => {
    const original = readShared("pcf/interspec_nai3x3_sr90_unshielded.pcf");
    const back = roundTrip(original);
    assert.deepEqual(back.measurements[0]!.spectrum!.counts, original.measurements[0]!.spectrum!.counts);
    assert.deepEqual(back.measurements[0]!.spectrum!.calibration, {
      kind: "polynomial",
      coefficients: [0, 3200 / 256],
    });
  });

  it("uses CountedZeroes and the 2011 namespace", () => {
    const xml = writeN42_2012(readShared("n42-2012/interspec_detx_background_HPGe.n42"), { createdAt: CREATED });
    assert.match(xml, /<RadInstrumentData xmlns="http:\/\/physics\.nist\.gov\/N42\/2011\/N42"/);
    assert.match(xml, /<ChannelData compressionCode="CountedZeroes">0 40 7 18 21/);
  });
});
