// `reciprocity analyze FILE… [--json] [--detector NAME]`: radiation files → alarms, nuclides and a verdict.
import { readFileSync } from "node:fs";
import { InvalidArgumentError, type Command } from "commander";
import { analyzeRadFile, DETECTOR_NAMES, parseDetectorName, type AnalysisReport } from "../radiation/analyze-file.ts";

interface AnalyzeOpts {
  json?: boolean;
  detector?: string;
}

/** Validates `--detector` (bad names are usage errors, exit 2). */
function detectorName(value: string): string {
  if (!parseDetectorName(value)) {
    throw new InvalidArgumentError(`unknown detector (use ${DETECTOR_NAMES.join(", ")})`);
  }
  return value;
}

/** Analyses one path; a file that cannot be opened gives the same report shape with an error entry. */
function analysePath(file: string, detector: string | undefined): AnalysisReport {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      file,
      format: null,
      instrument: null,
      measurements: [],
      alarms: [],
      nuclides: [],
      errors: [{ code: "file.unreadable", message }],
      verdict: "unreadable",
      warnings: [],
    };
  }
  return { ...analyzeRadFile(bytes, file, detector !== undefined ? { detector } : {}) };
}

/** A readable multi-line summary of one report. */
export function formatReport(r: AnalysisReport): string {
  const lines = [`${r.file}: ${r.verdict}`];
  if (r.format) {
    const i = r.instrument;
    lines.push(
      `  format ${r.format}; instrument ${[i?.manufacturer, i?.model].filter(Boolean).join(" ") || "unknown"} (${i?.type ?? "unknown"}); detector response ${i?.detectorType ?? "?"}; ${r.measurements.length} measurement(s)`,
    );
  }
  if (r.portal) {
    const t = r.portal.thresholds;
    lines.push(
      `  portal config ${r.portal.configVersion}: false-alarm rate γ ${t.gammaFalseAlarmRate}, n ${t.neutronFalseAlarmRate} per occupancy`,
    );
    for (const o of r.portal.occupancies) {
      lines.push(
        `  ${o.measurement}: ${o.classification}; gamma ${o.gamma.sigma}σ, neutron ${o.neutron.sigma}σ; profile ${o.profile.geometry}${o.spectral ? `; spectrum ${o.spectral.spectralClass}` : ""}`,
      );
    }
  }
  for (const a of r.alarms) {
    lines.push(
      `  alarm ${a.type} in ${a.measurement} (${a.detail.source}${a.detail.sigma !== undefined ? `, ${a.detail.sigma}σ` : ""}${a.detail.classification ? `, ${a.detail.classification}` : ""})`,
    );
  }
  for (const n of r.nuclides) {
    const e = n.evidence;
    const why = [
      e.peaksKeV.length > 0 ? `peaks ${e.peaksKeV.join(", ")} keV` : "",
      e.template ? `template ${e.template}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    lines.push(`  nuclide ${n.name} (${n.category}) confidence ${n.confidence}${why ? ` — ${why}` : ""}`);
  }
  if (r.format && r.alarms.length === 0 && r.nuclides.length === 0) {
    lines.push("  no alarms, no nuclides identified");
  }
  for (const e of r.errors) {
    lines.push(`  error ${e.code}: ${e.message}`);
  }
  return lines.join("\n");
}

/** Registers `reciprocity analyze`. Exit status 1 when any file could not be read; the others are still analysed. */
export function registerAnalyzeCommand(program: Command): void {
  program
    .command("analyze")
    .description(
      "analyse radiation files (N42, SPE, SPC, CNF, PCF, IEC, RADDATA URI): portal alarms, nuclide identification",
    )
    .argument("<files...>", "radiation files")
    .option("--json", "one JSON object per file per line")
    .option(
      "--detector <name>",
      `detector response for identification (${DETECTOR_NAMES.join(", ")}); default from the file`,
      detectorName,
    )
    .action((files: string[], opts: AnalyzeOpts) => {
      let unreadable = false;
      for (const file of files) {
        const report = analysePath(file, opts.detector);
        unreadable ||= report.verdict === "unreadable";
        console.log(opts.json ? JSON.stringify(report) : formatReport(report));
      }
      if (unreadable) {
        process.exitCode = 1;
      }
    });
}
