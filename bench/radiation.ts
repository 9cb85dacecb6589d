// Radiation throughput: files/s for parse and parse+identify over ../shared/raddata; portal occupancies vs real time;
// and a per-file parse-time table side by side with SpecUtils when its driver is built (bench/parse-peer/).
// Usage: npm run bench:radiation [-- --quick] [-- --parse-only]; SPECUTILS_BIN=<driver> adds the peer column.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeRadFile } from "../src/radiation/analyze-file.ts";
import { analyzePortal } from "../src/radiation/analysis/portal.ts";
import { occupancyToPortalRecord } from "../src/radiation/analysis/portal-from-file.ts";
import { readRadFile } from "../src/radiation/io/index.ts";
import { benchParseTable } from "./parse-peer/parse-table.ts";
import { portalExpectation, synthesizePortalN42, type PortalScenario } from "../src/radiation/synthetic/index.ts";

const quick = process.argv.includes("--quick");
const parseOnly = process.argv.includes("--parse-only");
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
  rows.push({ what: `parse (all ${files.length} raddata files, ${failed} refused)`, items: files.length, seconds: parseS, rate: `${(files.length / parseS).toFixed(1)} files/s` });
  // The 896 reference spectra dominate the folder: --quick identifies every 16th of them plus all other files.
  const subset = quick ? files.filter((f, i) => !f.p.includes("raddata-uri") || i % 16 === 0) : files;
  const idS = time(subset, (f) => analyzeRadFile(f.bytes, path.basename(f.p)));
  rows.push({ what: `parse + identify/analyse (${subset.length} files)`, items: subset.length, seconds: idS, rate: `${(subset.length / idS).toFixed(1)} files/s` });
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
  const perReal = (s: number): string => `${(n / s).toFixed(1)} occ/s, ${(realS / s).toFixed(0)}× real time (${(occupiedS / s).toFixed(0)}× occupied time)`;
  rows.push({ what: `portal: N42 parse + analysis (${n} × ${(realS / n).toFixed(0)} s at 10 Hz, 4 PVT × 3 windows + 4 He-3)`, items: n, seconds: fullS, rate: perReal(fullS) });
  rows.push({ what: "portal: analysis only (record in memory)", items: n, seconds: anaS, rate: perReal(anaS) });
}

console.log(`radiation bench${quick ? " (--quick)" : ""}, node ${process.version}`);
if (!parseOnly) {
  const rows: Row[] = [];
  benchFiles(rows);
  benchPortal(rows);
  const w = Math.max(...rows.map((r) => r.what.length));
  console.log(`${"what".padEnd(w)} | items | seconds | throughput`);
  console.log(`${"-".repeat(w)}-|-------|---------|-----------`);
  for (const r of rows) {
    console.log(`${r.what.padEnd(w)} | ${String(r.items).padStart(5)} | ${r.seconds.toFixed(2).padStart(7)} | ${r.rate}`);
  }
}
await benchParseTable(
  radiationFiles(RADDATA)
    .filter((p) => !p.includes("raddata-uri"))
    .sort(),
  RADDATA,
  quick,
);
