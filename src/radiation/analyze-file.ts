/**
 * One call from file bytes to an officer/partner-facing report: read (any supported format), run portal analysis on
 * occupancies and nuclide identification on spectra, and summarise alarms, nuclides and a verdict. Never throws.
 */
import { parseDetectorName } from "./report/detector-type.ts";
import { detectorTypeOf } from "./report/detector-type.ts";
import { analysePortalFile } from "./report/portal-report.ts";
import { identifySpectra, nuclideVerdict } from "./report/spectrum-report.ts";
import {
  VERDICT_ORDER,
  type AnalysisReport,
  type ReportError,
  type ReportMeasurement,
  type Verdict,
} from "./report/types.ts";
import { isRadFileError } from "./errors.ts";
import { readRadFile } from "./io/read-rad-file.ts";
import type { RadFile } from "./model.ts";

export type * from "./report/types.ts";
export { DETECTOR_NAMES, parseDetectorName } from "./report/detector-type.ts";

/** Options of analyzeRadFile. */
export interface AnalyzeOptions {
  /** Detector response to identify with ("NaI", "NaI-2x4x16", "LaBr3", "HPGe"); default from the file. */
  detector?: string;
}

/** Summaries of the file's measurements and occupancies. */
function measurementsOf(file: RadFile): ReportMeasurement[] {
  const ms = file.measurements.map((m): ReportMeasurement => ({
    id: m.id,
    kind: m.spectrum ? "spectrum" : "gross",
    detector: m.detector,
    class: m.class,
    realTimeS: m.realTimeS,
    liveTimeS: m.liveTimeS,
    ...(m.spectrum ? { channels: m.spectrum.counts.length } : {}),
    ...(m.grossCounts !== undefined ? { grossCounts: m.grossCounts } : {}),
    ...(m.neutronCounts !== undefined ? { neutronCounts: m.neutronCounts } : {}),
  }));
  const occ = (file.occupancies ?? []).map((o, i): ReportMeasurement => {
    const seconds = o.samples.length * (o.sampleIntervalS ?? 0.1);
    return {
      id: o.id ?? `Occupancy${i + 1}`,
      kind: "occupancy",
      detector: "",
      class: "occupancy",
      realTimeS: seconds,
      liveTimeS: seconds,
      samples: o.samples.length,
    };
  });
  return [...ms, ...occ];
}

/** Most severe verdict of a list (no_alarm when empty). */
function worst(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((w, v) => (VERDICT_ORDER.indexOf(v) > VERDICT_ORDER.indexOf(w) ? v : w), "no_alarm");
}

/** Error entry for anything thrown. */
function errorOf(e: unknown, fallbackCode: string): ReportError {
  if (isRadFileError(e)) {
    return { code: e.code, message: e.message, ...(Object.keys(e.where).length > 0 ? { where: e.where } : {}) };
  }
  return { code: fallbackCode, message: e instanceof Error ? e.message : String(e) };
}

/** Report for a file that could not be read. */
function unreadable(name: string, error: ReportError): AnalysisReport {
  return {
    file: name,
    format: null,
    instrument: null,
    measurements: [],
    alarms: [],
    nuclides: [],
    errors: [error],
    verdict: "unreadable",
    warnings: [],
  };
}

/** Reads and analyses one radiation file; problems become `errors` entries, never exceptions. */
export function analyzeRadFile(bytes: Uint8Array, name: string, opts: AnalyzeOptions = {}): AnalysisReport {
  let file: RadFile;
  try {
    file = readRadFile(bytes, name);
  } catch (e) {
    return unreadable(name, errorOf(e, "radfile.malformed"));
  }
  const override = opts.detector !== undefined ? parseDetectorName(opts.detector) : undefined;
  const det = detectorTypeOf(file, override);
  const report: AnalysisReport = {
    file: name,
    format: file.format,
    instrument: { ...file.instrument, detectorType: det.type, detectorTypeSource: det.source },
    measurements: measurementsOf(file),
    alarms: [],
    nuclides: [],
    errors:
      opts.detector !== undefined && !override
        ? [{ code: "analysis.unknown_detector", message: `unknown detector ${opts.detector}; using ${det.type}` }]
        : [],
    verdict: "no_alarm",
    warnings: file.warnings,
  };
  const verdicts: Verdict[] = [];
  try {
    if ((file.occupancies ?? []).length > 0) {
      const part = analysePortalFile(file);
      Object.assign(report, { portal: part.portal });
      report.alarms.push(...part.alarms);
      report.errors.push(...part.errors);
      verdicts.push(...part.verdicts);
    }
    const spectra = identifySpectra(file, det.type);
    report.nuclides = spectra.nuclides;
    report.errors.push(...spectra.errors);
    report.alarms.push(...spectra.alarms);
    if (spectra.timeSeries.length > 0) {
      report.timeSeries = spectra.timeSeries;
    }
    if (spectra.unexplainedPeaks.length > 0) {
      report.unexplainedPeaks = spectra.unexplainedPeaks;
    }
    if (spectra.calibrations.length > 0) {
      report.selfCalibrations = spectra.calibrations;
      report.warnings.push(...spectra.calibrations.map((c) => c.message));
    }
    const reachBack = spectra.nuclides.find((n) => n.reachBack !== undefined)?.reachBack;
    if (reachBack) {
      report.reachBack = { reason: reachBack };
    }
    verdicts.push(nuclideVerdict(report.nuclides));
    // A rise the analysis found that no identified nuclide explains is for an officer to look at.
    if (spectra.alarms.length > 0 && !report.nuclides.some((n) => n.status === "identified")) {
      verdicts.push("investigate");
    }
  } catch (e) {
    report.errors.push(errorOf(e, "analysis.failed"));
  }
  report.verdict = worst(verdicts);
  return report;
}
