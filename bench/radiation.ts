// Radiation throughput: files/s for parse and parse+identify over ../shared/raddata; portal occupancies vs real time;
// and a per-file parse-time table side by side with SpecUtils when its driver is built (bench/parse-peer/).
// Usage: npm run bench:radiation [-- --quick] [-- --parse-only | --identify-only]; SPECUTILS_BIN=<driver> adds the peer column.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeRadFile } from "../src/radiation/analyze-file.ts";
import { identify } from "../src/radiation/analysis/identify.ts";
import { analyzePortal } from "../src/radiation/analysis/portal.ts";
import { createRng, samplePoisson } from "../src/radiation/analysis/random.ts";
import { TEMPLATE_DETECTORS } from "../src/radiation/analysis/templates.ts";
import { toSpectrumData, type SpectrumData } from "../src/radiation/analysis/types.ts";
import { occupancyToPortalRecord } from "../src/radiation/analysis/portal-from-file.ts";
import { readRadFile } from "../src/radiation/io/index.ts";
import { benchParseTable } from "./parse-peer/parse-table.ts";
import { portalExpectation, synthesizePortalN42, type PortalScenario } from "../src/radiation/synthetic/index.ts";

const quick = process.argv.includes("--quick");
const parseOnly = process.argv.includes("--parse-only");
const identifyOnly = process.argv.includes("--identify-only");
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RADDATA = path.resolve(repoRoot, "../shared/raddata");
const NOT_RADIATION = /(\.md|\.xsd|\.lis|\.tsv|\.dat|\.csv|SHA256SUMS|readme\.xml|CharacteristicGammas\.txt)$/;

/** Every radiation file under a folder (reference data, schema and decoded CSV copies excluded). */
function radiationFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) {
      return f === "decoded-csv" ? [] : radiationFiles(p);
    }
    return NOT_RADIATION.test(f) ? [] : [p];
  });
}

/** One table row. */
interface Row {
  what: string;
  items: number;
  seconds: number;
  rate: string;
}

/** Times fn over items (wall clock). */
function time<T>(items: readonly T[], fn: (item: T) => void): number {
  const t0 = performance.now();
  items.forEach(fn);
  return (performance.now() - t0) / 1000;
}

function benchFiles(rows: Row[]): void {
  const files = radiationFiles(RADDATA).map((p) => ({ p, bytes: readFileSync(p) }));
  let failed = 0;
  const parseS = time(files, (f) => {
    try {
      readRadFile(f.bytes, path.basename(f.p));
    } catch {
      failed++;
    }
  });
  rows.push({
    what: `parse (all ${files.length} raddata files, ${failed} refused)`,
    items: files.length,
    seconds: parseS,
    rate: `${(files.length / parseS).toFixed(1)} files/s`,
  });
  // The 896 reference spectra dominate the folder: --quick identifies every 16th of them plus all other files.
  const subset = quick ? files.filter((f, i) => !f.p.includes("raddata-uri") || i % 16 === 0) : files;
  const idS = time(subset, (f) => analyzeRadFile(f.bytes, path.basename(f.p)));
  rows.push({
    what: `parse + identify/analyse (${subset.length} files)`,
    items: subset.length,
    seconds: idS,
    rate: `${(subset.length / idS).toFixed(1)} files/s`,
  });
}

function benchPortal(rows: Row[]): void {
  const scenarios: PortalScenario[] = [
    { cargoMassKg: 15000 },
    { cargoMassKg: 20000, norm: [{ nuclide: "K-40", activityBq: 4e7 }] },
    { cargoMassKg: 8000, sources: [{ nuclide: "Cs-137", activityBq: 3e6 }] },
  ];
  const n = quick ? 9 : 60;
  const occupancies = Array.from({ length: n }, (_, i) => {
    const s = scenarios[i % scenarios.length]!;
    return synthesizePortalN42({ ...s, seed: i + 1, expectation: portalExpectation(s) });
  });
  const realS = occupancies.reduce((s, o) => s + o.record.samples.length * o.record.sampleIntervalS, 0);
  const occupiedS = occupancies.reduce((s, o) => s + o.truth.occupiedSeconds, 0);
  const fullS = time(occupancies, (o) => analyzeRadFile(o.bytes, "occupancy.n42"));
  const anaS = time(occupancies, (o) => analyzePortal(occupancyToPortalRecord(o.file.occupancies![0]!)));
  const perReal = (s: number): string =>
    `${(n / s).toFixed(1)} occ/s, ${(realS / s).toFixed(0)}× real time (${(occupiedS / s).toFixed(0)}× occupied time)`;
  rows.push({
    what: `portal: N42 parse + analysis (${n} × ${(realS / n).toFixed(0)} s at 10 Hz, 4 PVT × 3 windows + 4 He-3)`,
    items: n,
    seconds: fullS,
    rate: perReal(fullS),
  });
  rows.push({ what: "portal: analysis only (record in memory)", items: n, seconds: anaS, rate: perReal(anaS) });
}

/** A reference spectrum (gross, full resolution) of a detector folder, Poisson-resampled to `liveTimeS`. */
function referenceSpectrum(folder: string, name: string, liveTimeS: number, rng: () => number): SpectrumData {
  const file = readRadFile(
    readFileSync(path.join(RADDATA, "reference-spectra/raddata-uri", folder, `${name}.txt`)),
    `${name}.txt`,
  );
  const m = file.measurements.find((x) => x.spectrum)!;
  const ref = toSpectrumData(m.spectrum!, m.liveTimeS);
  return {
    counts: ref.counts.map((c) => samplePoisson(rng, (c * liveTimeS) / ref.liveTimeS)),
    edges: ref.edges,
    liveTimeS,
  };
}

/**
 * Identification time per spectrum for each reference detector (goals: ≤ 50 ms for a 1k-channel
 * spectrum, ≤ 200 ms for HPGe): 30 s Poisson samples of reference sources, with the detector's
 * background, one thread. Wall and process CPU time (CPU is what a loaded machine does not inflate).
 */
function benchIdentify(): void {
  const nuclides = quick
    ? ["Cs137_Unshielded", "Co60_Unshielded", "Ba133_Unshielded"]
    : [
        "Cs137_Unshielded",
        "Co60_Unshielded",
        "Ba133_Unshielded",
        "I131_Unshielded",
        "Am241_Unshielded",
        "Th232_Unshielded",
        "U235_Unshielded",
        "Pu239_Unshielded",
      ];
  const rounds = quick ? 2 : 5;
  console.log(
    "\nidentification per spectrum (30 s samples, background given; goals: ≤ 50 ms at ~1k channels, ≤ 200 ms HPGe)",
  );
  console.log("detector           | channels | spectra | wall ms/spectrum | CPU ms/spectrum");
  for (const { folder, detectorType } of TEMPLATE_DETECTORS) {
    const rng = createRng(7);
    const background = referenceSpectrum(folder, "background", 1800, rng);
    const spectra = nuclides.map((n) => referenceSpectrum(folder, n, 30, rng));
    spectra.forEach((sp) => identify(sp, { detectorType, background })); // warm-up: JIT and template caches
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) {
      spectra.forEach((sp) => identify(sp, { detectorType, background }));
    }
    const wall = (performance.now() - t0) / (rounds * spectra.length);
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000 / (rounds * spectra.length);
    console.log(
      `${folder.padEnd(18)} | ${String(spectra[0]!.counts.length).padStart(8)} | ${String(rounds * spectra.length).padStart(7)} | ${wall.toFixed(1).padStart(16)} | ${cpuMs.toFixed(1).padStart(15)}`,
    );
  }
}

console.log(`radiation bench${quick ? " (--quick)" : ""}, node ${process.version}`);
if (identifyOnly) {
  benchIdentify();
  process.exit(0);
}
if (!parseOnly) {
  const rows: Row[] = [];
  benchFiles(rows);
  benchPortal(rows);
  const w = Math.max(...rows.map((r) => r.what.length));
  console.log(`${"what".padEnd(w)} | items | seconds | throughput`);
  console.log(`${"-".repeat(w)}-|-------|---------|-----------`);
  for (const r of rows) {
    console.log(
      `${r.what.padEnd(w)} | ${String(r.items).padStart(5)} | ${r.seconds.toFixed(2).padStart(7)} | ${r.rate}`,
    );
  }
  benchIdentify();
}
await benchParseTable(
  radiationFiles(RADDATA)
    .filter((p) => !p.includes("raddata-uri"))
    .sort(),
  RADDATA,
  quick,
);
