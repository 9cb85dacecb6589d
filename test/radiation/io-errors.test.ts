import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { RadFileError } from "../../src/radiation/errors.ts";
import { readRadFile } from "../../src/radiation/io/read-rad-file.ts";
import { raddata } from "./fixtures/io-helpers.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function expectRadError(fn: () => unknown, code: string): RadFileError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RadFileError, `expected RadFileError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail("expected a RadFileError");
}

describe("bad input gives a typed RadFileError", () => {
  it("refuses entity declarations (billion laughs) before parsing", () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><RadInstrumentData>&b;</RadInstrumentData>`;
    const e = expectRadError(() => readRadFile(enc(xml), "x.n42"), "radfile.unsafe_xml");
    assert.equal(typeof e.where.byteOffset, "number");
  });

  it("refuses inputs over the size limit", () => {
    expectRadError(() => readRadFile(enc("<RadInstrumentData/>"), "x.n42", { maxBytes: 10 }), "radfile.too_large");
  });

  it("reports truncated XML with a line number", () => {
    const text = readFileSync(raddata("n42-2012/interspec_detx_background_HPGe.n42"), "utf8");
    const e = expectRadError(() => readRadFile(enc(text.slice(0, 2000)), "x.n42"), "radfile.malformed");
    assert.equal(typeof e.where.line, "number");
  });

  it("reports a non-numeric channel with its XML path", () => {
    const text = readFileSync(raddata("n42-2012/interspec_detx_background_HPGe.n42"), "utf8").replace(
      '<ChannelData compressionCode="CountedZeroes">0 40 7',
      '<ChannelData compressionCode="CountedZeroes">0 40 seven',
    );
    const e = expectRadError(() => readRadFile(enc(text), "x.n42"), "radfile.malformed");
    assert.match(e.where.xmlPath ?? "", /RadMeasurement\/Spectrum\/ChannelData$/);
  });

  it("refuses a CountedZeroes run that would explode the channel count", () => {
    const xml = `<RadInstrumentData><RadInstrumentInformation id="i"/><EnergyCalibration id="c"><CoefficientValues>0 1 0</CoefficientValues></EnergyCalibration><RadMeasurement id="m"><MeasurementClassCode>Foreground</MeasurementClassCode><RealTimeDuration>PT1S</RealTimeDuration><Spectrum id="s" energyCalibrationReference="c"><LiveTimeDuration>PT1S</LiveTimeDuration><ChannelData compressionCode="CountedZeroes">0 1e9</ChannelData></Spectrum></RadMeasurement></RadInstrumentData>`;
    expectRadError(() => readRadFile(enc(xml)), "radfile.malformed");
  });

  it("reports truncated binaries with a byte offset", () => {
    for (const [file, keep] of [
      ["spc/becquerel_Alcatraz14_HPGe.Spc", 4096],
      ["cnf/becquerel_HalfMoonBay_Falcon5000_HPGe.cnf", 100000],
      ["pcf/interspec_detx_cs137_shielded.pcf", 30000],
    ] as const) {
      const bytes = readFileSync(raddata(file)).subarray(0, keep);
      const e = expectRadError(() => readRadFile(bytes, file), "radfile.truncated");
      assert.equal(typeof e.where.byteOffset, "number", file);
    }
  });

  it("reports a truncated SPE with a line number", () => {
    const text = readFileSync(raddata("spe/becquerel_sim_spec_CsI-background.spe"), "utf8");
    const e = expectRadError(() => readRadFile(enc(text.slice(0, 500)), "x.spe"), "radfile.truncated");
    assert.equal(typeof e.where.line, "number");
  });

  it("rejects garbage, empty input, a corrupted RADDATA payload and non-N42 XML", () => {
    const garbage = Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) % 251);
    expectRadError(() => readRadFile(garbage, "junk.bin"), "radfile.unknown_format");
    expectRadError(() => readRadFile(new Uint8Array(0)), "radfile.empty");
    expectRadError(() => readRadFile(enc("RADDATA://G0/1000/eNqrrq0FAAE3AQE")), "radfile.malformed");
    expectRadError(() => readRadFile(enc("<html><body/></html>")), "radfile.unknown_format");
    expectRadError(() => readRadFile(enc("hello world")), "radfile.unknown_format");
  });
});
