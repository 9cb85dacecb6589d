import { NUCLIDE_LINES_TEXT } from "../data/nuclide-lines.ts";
import { PEAK_EFFICIENCY_TEXT } from "../data/peak-efficiency.ts";
import { NUCLIDE_SPECS, type NuclideCategory } from "./nuclide-catalog.ts";
import type { DetectorType } from "./types.ts";

/** One gamma or x-ray line: energy (keV) and yield (% per decay of the parent, equilibrium progeny included). */
export interface GammaLine {
  energy: number;
  intensity: number;
}

/** A library nuclide with its category and lines (strongest 30, ≥ 1 % of its strongest line, ≥ 20 keV). */
export interface Nuclide {
  name: string;
  category: NuclideCategory;
  lines: GammaLine[];
}

let library: Nuclide[] | undefined;
let efficiency: Map<string, [number, number][]> | undefined;

/** Parses "name e:y e:y …" rows into a map. */
function parseRows(text: string): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const row of text.split("\n")) {
    const [key, ...pairs] = row.split(" ");
    out.set(
      key!,
      pairs.map((p) => p.split(":").map(Number) as [number, number]),
    );
  }
  return out;
}

/** The shipped nuclide library (parsed once). */
export function getNuclideLibrary(): readonly Nuclide[] {
  if (!library) {
    const rows = parseRows(NUCLIDE_LINES_TEXT);
    library = NUCLIDE_SPECS.map((s) => ({
      name: s.name,
      category: s.category,
      lines: (rows.get(s.lisName) ?? []).map(([energy, intensity]) => ({ energy, intensity })),
    }));
  }
  return library;
}

/** Looks a nuclide up by name, accepting "Cs-137", "Cs137", "cs137", "Tc99M". */
export function findNuclide(name: string): Nuclide | undefined {
  const key = normaliseNuclideName(name);
  return getNuclideLibrary().find((n) => normaliseNuclideName(n.name) === key);
}

/** Canonical comparison key for nuclide names ("Tc-99m" → "tc99m"). */
export function normaliseNuclideName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** GADRAS generic detector whose efficiency table stands in for a detector type. */
function efficiencyTable(type: DetectorType): [number, number][] {
  efficiency ??= parseRows(PEAK_EFFICIENCY_TEXT);
  const key = type === "HPGe" ? "HPGe_40pct" : type === "LaBr3" ? "LaBr_10pct" : "NaI_3x3";
  return efficiency.get(key) ?? [];
}

/** Full-energy peak efficiency (%, GADRAS generic detector at its reference distance), log-log interpolated. */
export function peakEfficiency(type: DetectorType, energy: number): number {
  const t = efficiencyTable(type);
  if (t.length === 0) {
    return 1;
  }
  if (energy <= t[0]![0]) {
    return t[0]![1];
  }
  for (let i = 1; i < t.length; i++) {
    const [e1, f1] = t[i]!;
    const [e0, f0] = t[i - 1]!;
    if (energy <= e1) {
      const w = Math.log(energy / e0) / Math.log(e1 / e0);
      return Math.exp(Math.log(Math.max(f0, 1e-9)) * (1 - w) + Math.log(Math.max(f1, 1e-9)) * w);
    }
  }
  return t[t.length - 1]![1];
}
