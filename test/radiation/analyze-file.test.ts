import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { analyzeRadFile, parseDetectorName } from "../../src/radiation/analyze-file.ts";
import { PORTAL_CONFIG_VERSION } from "../../src/radiation/analysis/portal-config.ts";
import { synthesizePortalN42 } from "../../src/radiation/synthetic/index.ts";
import { raddata } from "./fixtures/io-helpers.ts";

const bytesOf = (rel: string): Uint8Array => readFileSync(raddata(rel));

describe("analyzeRadFile", () => {
  it("never throws: garbage, empty and truncated files become error entries", () => {
    const good = bytesOf("n42-2012/interspec_Ba133_Unshielded_IdentiFINDER-NG.n42");
    const inputs: [Uint8Array, string][] = [
      [new TextEncoder().encode("not a radiation file\n"), "garbage.txt"],
      [new Uint8Array(0), "empty.n42"],
      [good.subarray(0, Math.floor(good.length / 2)), "truncated.n42"],
      [bytesOf("pcf/interspec_nai3x3_sr90_unshielded.pcf").subarray(0, 700), "truncated.pcf"],
    ];
    for (const [bytes, name] of inputs) {
      const r = analyzeRadFile(bytes, name);
      assert.equal(r.verdict, "unreadable", name);
      assert.equal(r.format, null);
      assert.ok(r.errors.length === 1 && /^radfile\./.test(r.errors[0]!.code), `${name}: ${JSON.stringify(r.errors)}`);
    }
  });

  it("a RASE NaI Cs-137 spectrum: Cs-137, Industrial, with peak and template evidence", () => {
    const r = analyzeRadFile(bytesOf("n42-2006/rase_generic-NaI/VABCD_M001_Cs137.n42"), "cs.n42");
    assert.equal(r.format, "n42-2006");
    assert.deepEqual(r.errors, []);
    const top = r.nuclides[0]!;
    assert.equal(top.name, "Cs-137");
    assert.equal(top.category, "Industrial");
    assert.ok(top.evidence.peaksKeV.some((e) => Math.abs(e - 661.7) < 15));
    assert.match(top.evidence.template ?? "", /^Cs137_/);
    assert.equal(r.verdict, "industrial");
    assert.deepEqual(r.alarms, []);
  });

  it("detector type from the instrument, or from the option", () => {
    const bytes = bytesOf("n42-2012/interspec_U235_Unshielded_6000.n42");
    const r = analyzeRadFile(bytes, "u.n42");
    assert.equal(r.instrument?.detectorType, "HPGe");
    assert.equal(r.nuclides[0]?.name, "U-235");
    assert.equal(r.nuclides[0]?.evidence.backgroundMeasurement !== undefined, true);
    assert.equal(r.verdict, "snm");
    const forced = analyzeRadFile(bytesOf("n42-2012/interspec_Ba133_Unshielded_IdentiFINDER-NG.n42"), "b.n42", {
      detector: "labr",
    });
    assert.equal(forced.instrument?.detectorType, "LaBr3");
    assert.equal(forced.instrument?.detectorTypeSource, "option");
    assert.equal(parseDetectorName("HPGE"), "HPGe");
    assert.equal(parseDetectorName("plutonium"), undefined);
  });

  it("portal occupancies report the config version, thresholds and per-occupancy features", () => {
    const syn = synthesizePortalN42({ seed: 8, cargoMassKg: 12000, sources: [{ nuclide: "Co-60", activityBq: 2e6 }] });
    const r = analyzeRadFile(syn.bytes, "occ.n42");
    assert.equal(r.portal?.configVersion, PORTAL_CONFIG_VERSION);
    assert.equal(r.portal?.thresholds.gammaFalseAlarmRate, 1e-3);
    const occ = r.portal?.occupancies[0];
    assert.ok(occ);
    assert.equal(occ.classification, "investigate");
    assert.equal(occ.profile.geometry, "point");
    assert.ok(occ.spectral !== null);
    assert.deepEqual(
      r.alarms.map((a) => [a.type, a.measurement, a.detail.source]),
      [["gamma", "Occupancy1", "analysis"]],
    );
    assert.ok(r.alarms[0]!.detail.sigma! > 5);
    assert.deepEqual(
      r.measurements.map((m) => m.kind),
      ["occupancy"],
    );
    assert.equal(JSON.parse(JSON.stringify(r)).portal.occupancies[0].gamma.sigma, occ.gamma.sigma, "JSON-safe numbers");
  });

  it("an occupancy without empty-lane samples before it cannot be tested and says so", () => {
    const syn = synthesizePortalN42({ seed: 9, preSeconds: 0.3 });
    const r = analyzeRadFile(syn.bytes, "short.n42");
    assert.deepEqual(
      r.errors.map((e) => e.code),
      ["portal.no_background"],
    );
    assert.deepEqual(r.alarms, []);
  });
});
