// The real third-party instrument files in ../shared/raddata, each with what it holds according to
// its source (MANIFEST.md and the file name), and the check of our analysis against that label.
// Used by `npm run eval:radiation` (the table) and by test/radiation/real-files.test.ts (the gate).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeRadFile, type AnalysisReport } from "../src/radiation/analyze-file.ts";

export const RADDATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../shared/raddata");

/**
 * What a file holds: `background` (natural radiation only: the verdict must be quiet), `nuclides`
 * (the source's nuclides; the first must be our top-1), `no-snm` (some source or shape, but no
 * special nuclear material), `uncalibrated` (nothing may be identified), or `unlabelled` (listed,
 * not scored).
 */
export type Label =
  | { kind: "background" }
  | { kind: "nuclides"; nuclides: string[]; isSnm?: boolean }
  | { kind: "no-snm"; note: string }
  | { kind: "uncalibrated" }
  | { kind: "unlabelled"; note: string };

const RASE_NAMES: Record<string, string> = { Tc99M: "Tc-99m" };

/** The label of a file, from its source's description. */
export function labelOf(file: string): Label {
  const base = path.basename(file);
  const rase = /^VABCD_M001_(\w+)\.n42$/.exec(base)?.[1];
  if (rase) {
    if (rase === "Bgnd") {
      return { kind: "background" };
    }
    if (["Sr90", "Step", "Spike"].includes(rase)) {
      return {
        kind: "no-snm",
        note: rase === "Sr90" ? "pure beta emitter: bremsstrahlung only" : "synthetic test shape",
      };
    }
    if (["Cf252", "Cm244"].includes(rase)) {
      return { kind: "no-snm", note: "neutron source; the gamma spectrum alone holds little" };
    }
    const nuclide = RASE_NAMES[rase] ?? rase.replace(/^([A-Z][a-z]?)(\d+)$/, "$1-$2");
    return { kind: "nuclides", nuclides: [nuclide] };
  }
  const labels: [RegExp, Label][] = [
    [/background|Bgnd|HalfMoonBay|Alcatraz/i, { kind: "background" }],
    [/U235/, { kind: "nuclides", nuclides: ["U-235"], isSnm: true }],
    [/Ba133_Cs137/, { kind: "nuclides", nuclides: ["Ba-133", "Cs-137"] }],
    [/Ba133/, { kind: "nuclides", nuclides: ["Ba-133"] }],
    [/cs137/i, { kind: "nuclides", nuclides: ["Cs-137"] }],
    [/Mn56/, { kind: "nuclides", nuclides: ["Mn-56"] }],
    [/sr90/i, { kind: "no-snm", note: "pure beta emitter: bremsstrahlung only" }],
    [/digibase/, { kind: "uncalibrated" }],
    [/Helicopter|Racetrack/, { kind: "no-snm", note: "survey time series" }],
    [/dummy/, { kind: "unlabelled", note: "dummy data, format test" }],
    [
      /trinitite_sample_b\.n42/,
      { kind: "unlabelled", note: "fallout glass: fission and activation products, may hold plutonium" },
    ],
    [/example_problem/, { kind: "unlabelled", note: "unknown-box exercise" }],
  ];
  return labels.find(([re]) => re.test(base))?.[1] ?? { kind: "unlabelled", note: "no label" };
}

/** Every instrument file in raddata, reference spectra and data tables aside. */
export function realFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!["reference-spectra", "nuclide-data", "schema", "detector-response"].includes(entry.name)) {
          walk(full);
        }
      } else if (/\.(n42|spe|spc|cnf|pcf|iec)$/i.test(entry.name)) {
        out.push(full);
      }
    }
  };
  walk(RADDATA);
  return out.sort();
}

/** The verdict as quiet or not: background and no alarm are quiet. */
export const QUIET_VERDICTS = new Set(["no_alarm"]);

/** One file's row of the table. */
export interface FileResult {
  file: string;
  label: Label;
  report: AnalysisReport;
  /** Nuclides claimed (in the verdict), strongest first. */
  claimed: string[];
  isFalseSnm: boolean;
  isPass: boolean | null;
  why: string;
}

export function claimedNuclides(report: AnalysisReport): string[] {
  return report.nuclides.filter((n) => n.status === "identified").map((n) => n.name);
}

/** Analyses one file and checks it against its label. */
export function evaluateFile(file: string): FileResult {
  const label = labelOf(file);
  const report = analyzeRadFile(readFileSync(file), path.basename(file));
  const claimed = claimedNuclides(report);
  const isSnmVerdict = report.verdict === "snm";
  const holdsSnm = label.kind === "nuclides" && label.isSnm === true;
  const isFalseSnm = isSnmVerdict && !holdsSnm && label.kind !== "unlabelled";
  let isPass: boolean | null = null;
  let why = "";
  switch (label.kind) {
    case "background":
      isPass = QUIET_VERDICTS.has(report.verdict);
      why = isPass ? "quiet" : `verdict ${report.verdict} on a background`;
      break;
    case "nuclides": {
      const top = claimed[0];
      isPass = top === label.nuclides[0] && !isFalseSnm;
      why = isPass ? `top-1 ${top}` : `expected ${label.nuclides[0]} at top-1, got ${top ?? "nothing"}`;
      break;
    }
    case "no-snm":
      isPass = !isSnmVerdict;
      why = isPass ? "no SNM" : "SNM verdict on a file without SNM";
      break;
    case "uncalibrated":
      isPass = claimed.length === 0;
      why = isPass ? "not identified" : `identified ${claimed.join(", ")} without a calibration`;
      break;
    case "unlabelled":
      why = label.note;
      break;
  }
  return { file, label, report, claimed, isFalseSnm, isPass, why };
}

/** The table's totals. */
export interface Totals {
  files: number;
  falseSnm: number;
  backgrounds: number;
  backgroundsQuiet: number;
  labelled: number;
  top1: number;
  passed: number;
  scored: number;
}

export function totalsOf(results: readonly FileResult[]): Totals {
  const backgrounds = results.filter((r) => r.label.kind === "background");
  const labelled = results.filter((r) => r.label.kind === "nuclides");
  const scored = results.filter((r) => r.isPass !== null);
  return {
    files: results.length,
    falseSnm: results.filter((r) => r.isFalseSnm).length,
    backgrounds: backgrounds.length,
    backgroundsQuiet: backgrounds.filter((r) => r.isPass).length,
    labelled: labelled.length,
    top1: labelled.filter((r) => r.isPass).length,
    passed: scored.filter((r) => r.isPass).length,
    scored: scored.length,
  };
}

function labelText(label: Label): string {
  switch (label.kind) {
    case "background":
      return "background";
    case "nuclides":
      return label.nuclides.join("+");
    case "no-snm":
      return "no SNM";
    case "uncalibrated":
      return "no calibration";
    case "unlabelled":
      return "—";
  }
}

/** Prints the table of every real file and its totals. */
export function printRealFileTable(results: readonly FileResult[]): Totals {
  const rows = results.map((r) => [
    path.relative(RADDATA, r.file).slice(0, 58),
    labelText(r.label),
    r.report.verdict,
    r.claimed.slice(0, 4).join(" ") || "—",
    r.isPass === null ? "·" : r.isPass ? "pass" : "FAIL",
    r.why,
  ]);
  const widths = [58, 14, 13, 30, 4];
  console.log(
    ["file", "label", "verdict", "nuclides", "ok", "why"].map((h, i) => h.padEnd(widths[i] ?? 0)).join(" | "),
  );
  for (const row of rows) {
    console.log(row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | "));
  }
  const t = totalsOf(results);
  console.log(
    `\n${t.files} files: false SNM verdicts ${t.falseSnm}; backgrounds quiet ${t.backgroundsQuiet}/${t.backgrounds}; ` +
      `labelled files right at top-1 ${t.top1}/${t.labelled}; all scored checks ${t.passed}/${t.scored}`,
  );
  return t;
}
