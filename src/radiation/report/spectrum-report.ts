import { defaultFwhmModel } from "../analysis/calibration.ts";
import { selfCalibrate, type SelfCalibration } from "../analysis/self-calibration.ts";
import { identifyWithEvidence, type Identification } from "../analysis/identify.ts";
import { toSpectrumData, type DetectorType, type SpectrumData } from "../analysis/types.ts";
import type { Measurement, RadFile } from "../model.ts";
import { findPassBy, windowExcessSigma } from "../analysis/time-series.ts";
import type { ReportAlarm, ReportError, ReportNuclide, ReportTimeSeries, Verdict } from "./types.ts";

/** Confidence at or above which a nuclide drives the verdict. */
const VERDICT_CONFIDENCE = 0.5;

/** Spectra summed into one analysis input, with the ids they came from. */
interface SpectrumGroup {
  ids: string[];
  data: SpectrumData;
}

/** Sums spectra of equal length (calibration of the first; live times add; zero live time falls back to real time). */
function sumGroup(ms: readonly Measurement[]): SpectrumGroup {
  const first = ms[0]!;
  const counts = new Array<number>(first.spectrum!.counts.length).fill(0);
  let live = 0;
  for (const m of ms) {
    m.spectrum!.counts.forEach((c, i) => (counts[i]! += c));
    live += m.liveTimeS > 0 ? m.liveTimeS : Math.max(m.realTimeS, 0);
  }
  return {
    ids: ms.map((m) => m.id),
    data: toSpectrumData({ counts, calibration: first.spectrum!.calibration }, live > 0 ? live : 1),
  };
}

/** Groups spectra by detector and channel count. */
function groupBy(ms: readonly Measurement[]): Measurement[][] {
  const groups = new Map<string, Measurement[]>();
  for (const m of ms) {
    const key = `${m.detector}|${m.spectrum!.counts.length}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()];
}

/** Background for a foreground group: background spectra of the same detector, else of the same length. */
function backgroundFor(fg: readonly Measurement[], backgrounds: readonly Measurement[]): SpectrumGroup | undefined {
  const n = fg[0]!.spectrum!.counts.length;
  const sameLength = backgrounds.filter((b) => b.spectrum!.counts.length === n);
  const sameDetector = sameLength.filter((b) => b.detector === fg[0]!.detector);
  const pick = sameDetector.length > 0 ? sameDetector : sameLength;
  return pick.length > 0 ? sumGroup(pick) : undefined;
}

/** A label for a group of measurement ids ("M1" or "M1…M153 (153 summed)"). */
function label(ids: readonly string[]): string {
  return ids.length === 1 ? ids[0]! : `${ids[0]}…${ids[ids.length - 1]} (${ids.length} summed)`;
}

/** Report entry for one identification. */
function toNuclide(id: Identification, measurement: string, background: string | undefined): ReportNuclide {
  const r = id.reason;
  return {
    name: id.nuclide,
    category: id.category,
    confidence: id.confidence,
    status: id.status,
    ...(id.notes.length > 0 ? { notes: id.notes } : {}),
    ...(id.reachBack ? { reachBack: id.reachBack } : {}),
    evidence: {
      measurement,
      peaksKeV: r.peaks.map((e) => Math.round(e * 10) / 10),
      lineScore: r.lineScore,
      ...(r.template !== undefined
        ? { template: r.template, templateLambda: r.templateLambda!, templateCounts: r.templateCounts! }
        : {}),
      ...(background ? { backgroundMeasurement: background } : {}),
    },
  };
}

/**
 * Verdict of the nuclides: the most severe category among those identified at or above
 * VERDICT_CONFIDENCE; possible special nuclear material that needs reach-back makes it "investigate"
 * when nothing more severe is proven. Natural background and merely possible nuclides are no finding.
 */
export function nuclideVerdict(nuclides: readonly ReportNuclide[]): Verdict {
  const cats = new Set(
    nuclides.filter((n) => n.status === "identified" && n.confidence >= VERDICT_CONFIDENCE).map((n) => n.category),
  );
  if (cats.has("SNM")) {
    return "snm";
  }
  if (nuclides.some((n) => n.reachBack !== undefined)) {
    return "investigate";
  }
  if (cats.has("Industrial") || cats.has("Neutron")) {
    return "industrial";
  }
  if (cats.has("Medical")) {
    return "medical";
  }
  return cats.has("NORM") ? "norm_nuisance" : "no_alarm";
}

/** Neutron counts of a group, when every measurement in it has them. */
function neutronCountsOf(ms: readonly Measurement[]): number | null {
  return ms.every((m) => m.neutronCounts !== undefined) ? ms.reduce((s, m) => s + (m.neutronCounts ?? 0), 0) : null;
}

function liveTimeOf(ms: readonly Measurement[]): number {
  return ms.reduce((s, m) => s + (m.liveTimeS > 0 ? m.liveTimeS : Math.max(m.realTimeS, 0)), 0);
}

/** Significance of the foreground's neutron excess over the time-scaled background; null without both. */
function neutronSigma(fg: readonly Measurement[], bg: readonly Measurement[]): number | null {
  const n = neutronCountsOf(fg);
  const b = bg.length > 0 ? neutronCountsOf(bg) : null;
  const tf = liveTimeOf(fg);
  const tb = liveTimeOf(bg);
  if (n === null || b === null || tf <= 0 || tb <= 0) {
    return null;
  }
  const scale = tf / tb;
  const variance = n + scale * scale * b;
  return variance > 0 ? (n - scale * b) / Math.sqrt(variance) : 0;
}

/** What identification found in a file's spectra. */
export interface SpectraFindings {
  nuclides: ReportNuclide[];
  /** Significant peaks no identified or natural nuclide explains, per measurement label (keV). */
  unexplainedPeaks: { measurement: string; energiesKeV: number[] }[];
  errors: ReportError[];
  alarms: ReportAlarm[];
  timeSeries: ReportTimeSeries[];
  /** Energy calibrations fitted from the spectrum itself (files that carry none). */
  calibrations: ReportSelfCalibration[];
}

/** An energy calibration fitted from a spectrum's own natural lines. */
export interface ReportSelfCalibration extends SelfCalibration {
  measurement: string;
  message: string;
}

/** Slices of a time series are short: at most this long each (s). */
const MAX_SLICE_S = 10;

/** Whether a group of spectra is a series of time slices rather than repeated measurements. */
function isTimeSeries(group: readonly Measurement[]): boolean {
  return group.length >= 10 && group.every((m) => Math.max(m.liveTimeS, m.realTimeS) <= MAX_SLICE_S);
}

function startOf(m: Measurement): number {
  return m.startTime ? Date.parse(m.startTime) : Number.NaN;
}

/** Neutron counts per slice: on the slice itself, else on a gross-count record with the same start time. */
function neutronSeries(slices: readonly Measurement[], all: readonly Measurement[]): number[] | null {
  const byStart = new Map<number, number>();
  for (const m of all) {
    if (!m.spectrum && m.neutronCounts !== undefined && m.startTime) {
      byStart.set(startOf(m), (byStart.get(startOf(m)) ?? 0) + m.neutronCounts);
    }
  }
  const series = slices.map((m) => m.neutronCounts ?? byStart.get(startOf(m)));
  return series.every((v) => v !== undefined) ? series : null;
}

/**
 * A time series is one scene: the pass-by window (the count-rate rise) is the foreground and the
 * quiet slices its background. Without a significant rise there is nothing to identify.
 */
function analyseTimeSeries(
  group: readonly Measurement[],
  all: readonly Measurement[],
  detectorType: DetectorType,
  findings: SpectraFindings,
): void {
  const slices = [...group].sort((a, b) => startOf(a) - startOf(b));
  const live = slices.map((m) => (m.liveTimeS > 0 ? m.liveTimeS : Math.max(m.realTimeS, 1e-3)));
  const gross = slices.map((m) => m.spectrum!.counts.reduce((a, b) => a + b, 0));
  const passBy = findPassBy(gross, live)!;
  const window = slices.slice(passBy.start, passBy.end);
  const windowLabel = label(window.map((m) => m.id));
  const neutrons = neutronSeries(slices, all);
  const neutronSigma = neutrons ? windowExcessSigma(neutrons, live, passBy, passBy.quiet) : null;
  findings.timeSeries.push({
    measurement: label(slices.map((m) => m.id)),
    slices: slices.length,
    backgroundCps: Math.round(passBy.backgroundRate),
    window: {
      from: window[0]!.id,
      to: window[window.length - 1]!.id,
      seconds: Math.round(live.slice(passBy.start, passBy.end).reduce((a, b) => a + b, 0) * 10) / 10,
    },
    gammaSigma: Math.round(passBy.sigma * 10) / 10,
    neutronSigma: neutronSigma === null ? null : Math.round(neutronSigma * 10) / 10,
    isAlarm: passBy.isAlarm,
  });
  if (!passBy.isAlarm) {
    return;
  }
  findings.alarms.push({
    type: "gamma",
    measurement: windowLabel,
    detail: {
      source: "analysis",
      sigma: Math.round(passBy.sigma * 10) / 10,
      windowSeconds: window.length,
      description: "count-rate rise over the quiet part of the series",
    },
  });
  if (neutronSigma !== null && neutronSigma >= 4) {
    findings.alarms.push({
      type: "neutron",
      measurement: windowLabel,
      detail: { source: "analysis", sigma: Math.round(neutronSigma * 10) / 10, windowSeconds: window.length },
    });
  }
  const quiet = passBy.quiet.map((i) => slices[i]!);
  const fg = sumGroup(window);
  const bg = quiet.length > 0 ? sumGroup(quiet) : undefined;
  const result = identifyWithEvidence(fg.data, { detectorType, ...(bg ? { background: bg.data } : {}), neutronSigma });
  const bgLabel = bg ? `${quiet.length} quiet slices` : undefined;
  findings.nuclides.push(...result.nuclides.map((i) => toNuclide(i, windowLabel, bgLabel)));
  if (result.unexplainedPeaks.length > 0) {
    findings.unexplainedPeaks.push({ measurement: windowLabel, energiesKeV: result.unexplainedPeaks });
  }
}

/** Identifies nuclides in every foreground spectrum group of a file (background spectra used as background). */
export function identifySpectra(file: RadFile, detectorType: DetectorType): SpectraFindings {
  const spectra = file.measurements.filter(
    (m) => m.spectrum && m.spectrum.counts.length > 0 && m.class !== "calibration",
  );
  const backgrounds = spectra.filter((m) => m.class === "background");
  const foregrounds = spectra.filter((m) => m.class !== "background");
  const findings: SpectraFindings = {
    nuclides: [],
    unexplainedPeaks: [],
    errors: [],
    alarms: [],
    timeSeries: [],
    calibrations: [],
  };
  for (const group of groupBy(foregrounds)) {
    const fg = sumGroup(group);
    const bg = backgroundFor(group, backgrounds);
    if (group[0]!.spectrum!.calibration.isAssumed) {
      // The natural lines give a calibration to show (and to check by eye), but a two-line fit does
      // not capture a scintillator's non-linearity below a few hundred keV, where most sources
      // have their lines: identifying on it named Yb-169 on a plain background. So: shown, not used.
      const cal = selfCalibrate(fg.data.counts, defaultFwhmModel(detectorType));
      if (cal) {
        findings.calibrations.push({
          measurement: label(fg.ids),
          offsetKeV: cal.offsetKeV,
          gainKeVPerChannel: cal.gainKeVPerChannel,
          lines: cal.lines,
          message: `${label(fg.ids)} carries no energy calibration; its natural lines give ${cal.lines.map((l) => `${l.name} ${l.energyKeV} keV at channel ${l.channel} (${l.significance}σ)`).join(", ")} → E = ${cal.offsetKeV} keV + ${cal.gainKeVPerChannel} keV × channel (shown, not used for identification)`,
        });
      }
      findings.errors.push({
        code: "analysis.uncalibrated",
        message: `${label(fg.ids)} has no usable energy calibration: nuclides are not identified on an assumed or fitted gain`,
      });
      continue;
    }
    if (!bg && isTimeSeries(group)) {
      analyseTimeSeries(group, file.measurements, detectorType, findings);
      continue;
    }
    const bgMeasurements = bg ? backgrounds.filter((b) => bg.ids.includes(b.id)) : [];
    const result = identifyWithEvidence(fg.data, {
      detectorType,
      ...(bg ? { background: bg.data } : {}),
      neutronSigma: neutronSigma(group, bgMeasurements),
    });
    findings.nuclides.push(...result.nuclides.map((i) => toNuclide(i, label(fg.ids), bg ? label(bg.ids) : undefined)));
    if (result.unexplainedPeaks.length > 0) {
      findings.unexplainedPeaks.push({ measurement: label(fg.ids), energiesKeV: result.unexplainedPeaks });
    }
  }
  const rank: Record<string, number> = { identified: 0, background: 1, possible: 2 };
  findings.nuclides.sort((a, b) => (rank[a.status] ?? 3) - (rank[b.status] ?? 3) || b.confidence - a.confidence);
  return findings;
}
