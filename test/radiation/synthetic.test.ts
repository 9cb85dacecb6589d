import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { analyzeRadFile } from "../../src/radiation/analyze-file.ts";
import { readRadFile } from "../../src/radiation/io/index.ts";
import { massAttenuation, transmission } from "../../src/radiation/synthetic/attenuation.ts";
import { emissionOf, sphereEscape } from "../../src/radiation/synthetic/emitters.ts";
import { portalExpectation, synthesizeHandheldN42, synthesizePortalN42 } from "../../src/radiation/synthetic/index.ts";
import { raddata } from "./fixtures/io-helpers.ts";

/** Validates N42 bytes with xmllint (apt package libxml2-utils). */
function assertSchemaValid(bytes: Uint8Array): void {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "synth-")), "file.n42");
  writeFileSync(file, bytes);
  const r = spawnSync("xmllint", ["--noout", "--schema", raddata("schema/n42-2011_v0.0.54.xsd"), file], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.error ? "xmllint missing (apt package libxml2-utils)" : r.stderr.slice(0, 1500));
}

const total = (exp: ReturnType<typeof portalExpectation>): number => exp.gamma.flat(2).reduce((a, b) => a + b, 0);

describe("attenuation and emission physics", () => {
  it("lead half-value layer at 662 keV is about 0.6 cm and lead attenuates more than steel at low energy", () => {
    const hvlCm = Math.log(2) / (massAttenuation("lead", 661.7) * 11.35);
    assert.ok(hvlCm > 0.5 && hvlCm < 0.75, `HVL ${hvlCm}`);
    assert.ok(transmission(186, [{ material: "lead", arealDensity: 11.35 }]) < 1e-4);
    assert.ok(massAttenuation("lead", 100) > 10 * massAttenuation("steel", 100));
    assert.ok(massAttenuation("lead", 85) < massAttenuation("lead", 90), "K edge at 88 keV");
    assert.equal(transmission(1000, []), 1);
  });

  it("sphere self-absorption tends to 3/(4μR) and SNM emission follows it", () => {
    assert.ok(Math.abs(sphereEscape(0) - 1) < 1e-12);
    assert.ok(Math.abs(sphereEscape(200) * 200 - 0.75) < 0.01);
    const heu1 = emissionOf({ nuclide: "HEU", massKg: 1 }).lines.find((l) => l.energy === 185.72)!.rate;
    const heu8 = emissionOf({ nuclide: "HEU", massKg: 8 }).lines.find((l) => l.energy === 185.72)!.rate;
    // Surface emitter: 8× the mass gives ≈ 4× the surface (8^(2/3)).
    assert.ok(Math.abs(heu8 / heu1 - 4) < 0.2, `ratio ${heu8 / heu1}`);
    assert.ok(emissionOf({ nuclide: "WGPu", massKg: 4 }).neutronsPerS > 1e5);
    assert.throws(() => emissionOf({ nuclide: "Xx-999", activityBq: 1 }), /unknown source nuclide/);
  });
});

describe("synthetic portal occupancy → N42-2012", () => {
  it("reads back identically, with energy windows, and validates against the schema", () => {
    const syn = synthesizePortalN42({
      seed: 4,
      preSeconds: 2,
      postSeconds: 1,
      lengthM: 6,
      sources: [{ nuclide: "Cs-137", activityBq: 2e6 }],
    });
    const back = readRadFile(syn.bytes, "synthetic.n42");
    const occ = back.occupancies![0]!;
    assert.deepEqual(occ.energyWindowsKeV, [
      [20, 400],
      [400, 1000],
      [1000, 3000],
    ]);
    assert.equal(occ.samples.length, syn.record.samples.length);
    assert.deepEqual(
      occ.samples.map((s) => s.gammaWindows),
      syn.record.samples.map((s) => s.gamma),
    );
    assert.deepEqual(
      occ.samples.map((s) => s.neutronPanels),
      syn.record.samples.map((s) => s.neutron),
    );
    assert.deepEqual(
      occ.samples.map((s) => s.occupied),
      syn.record.samples.map((s) => s.occupied),
    );
    assert.equal(back.instrument.type, "portal");
    assertSchemaValid(syn.bytes);
  });

  it("is deterministic per seed and shielding/cargo reduce the source signal", () => {
    const a = synthesizePortalN42({ seed: 11, preSeconds: 2 });
    const b = synthesizePortalN42({ seed: 11, preSeconds: 2 });
    assert.deepEqual(a.bytes, b.bytes);
    const base = { preSeconds: 0, postSeconds: 0, backgroundCps: 0, neutronBackgroundCps: 0 };
    const bare = total(portalExpectation({ ...base, sources: [{ nuclide: "Cs-137", activityBq: 1e6 }] }));
    const lead = total(
      portalExpectation({
        ...base,
        sources: [{ nuclide: "Cs-137", activityBq: 1e6, shielding: [{ material: "lead", arealDensity: 11.35 }] }],
      }),
    );
    const cargo = total(
      portalExpectation({ ...base, cargoMassKg: 5000, sources: [{ nuclide: "Cs-137", activityBq: 1e6 }] }),
    );
    const expectedLead = transmission(661.66, [{ material: "lead", arealDensity: 11.35 }]);
    assert.ok(Math.abs(lead / bare - expectedLead) < 0.02, `lead ratio ${lead / bare} vs ${expectedLead}`);
    assert.ok(cargo < 0.8 * bare && cargo > 0.1 * bare, `cargo ratio ${cargo / bare}`);
    const soft = portalExpectation({ ...base, sources: [{ nuclide: "HEU", massKg: 5 }] });
    const windows = [0, 1, 2].map((w) => soft.gamma.reduce((s, g) => s + g.reduce((a, p) => a + p[w]!, 0), 0));
    assert.ok(windows[0]! > 50 * (windows[1]! + windows[2]!), "HEU deposits below 400 keV in PVT");
  });

  it("scenarios analyse as expected: empty → no alarm, K-40 cargo → NORM, Cs-137 → investigate, WGPu → neutron alarm", () => {
    const cases: [Parameters<typeof synthesizePortalN42>[0], string, string[]][] = [
      [{ seed: 21, cargoMassKg: 15000 }, "no_alarm", []],
      [{ seed: 22, cargoMassKg: 20000, norm: [{ nuclide: "K-40", activityBq: 5e7 }] }, "norm_nuisance", ["gamma"]],
      [
        { seed: 23, cargoMassKg: 10000, sources: [{ nuclide: "Cs-137", activityBq: 5e6, lateralM: 0.8 }] },
        "investigate",
        ["gamma"],
      ],
      [
        {
          seed: 24,
          cargoMassKg: 5000,
          sources: [{ nuclide: "WGPu", massKg: 4, shielding: [{ material: "lead", arealDensity: 30 }] }],
        },
        "investigate",
        ["neutron"],
      ],
    ];
    for (const [opts, verdict, alarms] of cases) {
      const report = analyzeRadFile(synthesizePortalN42(opts).bytes, "occupancy.n42");
      assert.equal(report.errors.length, 0, JSON.stringify(report.errors));
      assert.equal(report.verdict, verdict, `seed ${opts.seed}: ${JSON.stringify(report.portal?.occupancies)}`);
      assert.deepEqual(
        report.alarms
          .map((a) => a.type)
          .filter((t) => alarms.includes(t))
          .sort(),
        [...alarms].sort(),
      );
      assert.ok(alarms.length > 0 || report.alarms.length === 0);
    }
  });
});

describe("synthetic handheld spectra → N42-2012", () => {
  it("a 30 s IdentiFINDER Cs-137 acquisition is identified as Cs-137 with the file's background", () => {
    const syn = synthesizeHandheldN42({
      detector: "IdentiFINDER-NG",
      sources: [{ nuclide: "Cs-137" }],
      liveTimeS: 30,
      seed: 3,
    });
    assert.deepEqual(syn.truth.nuclides, ["Cs-137"]);
    assertSchemaValid(syn.bytes);
    const back = readRadFile(syn.bytes, "riid.n42");
    assert.deepEqual(
      back.measurements.map((m) => m.class),
      ["foreground", "background"],
    );
    assert.deepEqual(back.measurements[0]!.spectrum!.counts, syn.file.measurements[0]!.spectrum!.counts);
    const report = analyzeRadFile(syn.bytes, "riid.n42");
    assert.equal(report.instrument?.detectorType, "NaI");
    assert.equal(report.nuclides[0]?.name, "Cs-137");
    assert.equal(report.nuclides[0]?.evidence.backgroundMeasurement, "Background");
    assert.equal(report.verdict, "industrial");
  });

  it("an HPGe HEU acquisition at template resolution asks for reach-back; unknown detectors and templates throw", () => {
    // The Detective-EX templates have 1,987 channels: too coarse for the peak search to resolve
    // 185.7 keV, so the lines an SNM call needs cannot be shown, and the strong U-235 fit goes to an expert.
    const syn = synthesizeHandheldN42({
      detector: "Detective-EX",
      sources: [{ template: "U235_Unshielded" }],
      liveTimeS: 120,
      seed: 5,
    });
    const report = analyzeRadFile(syn.bytes, "hpge.n42");
    assert.equal(report.instrument?.detectorType, "HPGe");
    assert.equal(report.verdict, "investigate");
    assert.match(report.reachBack?.reason ?? "", /^possible U-235: /);
    assert.equal(report.nuclides.find((n) => n.name === "U-235")?.status, "possible");
    assert.throws(
      () => synthesizeHandheldN42({ detector: "Nope", sources: [], liveTimeS: 1, seed: 1 }),
      /unknown reference detector/,
    );
    assert.throws(
      () =>
        synthesizeHandheldN42({
          detector: "2x4x16-NaI",
          sources: [{ template: "Zz1_Unshielded" }],
          liveTimeS: 1,
          seed: 1,
        }),
      /no template/,
    );
  });
});
