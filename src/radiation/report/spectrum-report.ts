import { identify, type Identification } from "../analysis/identify.ts";
import { toSpectrumData, type DetectorType, type SpectrumData } from "../analysis/types.ts";
import type { Measurement, RadFile } from "../model.ts";
import type { ReportNuclide, Verdict } from "./types.ts";

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
  return { ids: ms.map((m) => m.id), data: toSpectrumData({ counts, calibration: first.spectrum!.calibration }, live > 0 ? live : 1) };
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
    evidence: {
      measurement,
      peaksKeV: r.peaks.map((e) => Math.round(e * 10) / 10),
      lineScore: r.lineScore,
      ...(r.template !== undefined ? { template: r.template, templateLambda: r.templateLambda!, templateCounts: r.templateCounts! } : {}),
      ...(background ? { backgroundMeasurement: background } : {}),
    },
  };
}

/** Verdict of identified nuclides: the most severe category at or above VERDICT_CONFIDENCE. */
export function nuclideVerdict(nuclides: readonly ReportNuclide[]): Verdict {
  const cats = new Set(nuclides.filter((n) => n.confidence >= VERDICT_CONFIDENCE).map((n) => n.category));
  if (cats.has("SNM")) {
    return "snm";
  }
  if (cats.has("Industrial") || cats.has("Neutron")) {
    return "industrial";
  }
  if (cats.has("Medical")) {
    return "medical";
  }
  return cats.has("NORM") ? "norm_nuisance" : "no_alarm";
}

/** Identifies nuclides in every foreground spectrum group of a file (background spectra used as background). */
export function identifySpectra(file: RadFile, detectorType: DetectorType): ReportNuclide[] {
  const spectra = file.measurements.filter((m) => m.spectrum && m.spectrum.counts.length > 0 && m.class !== "calibration");
  const backgrounds = spectra.filter((m) => m.class === "background");
  const foregrounds = spectra.filter((m) => m.class !== "background");
  const out: ReportNuclide[] = [];
  for (const group of groupBy(foregrounds)) {
    const fg = sumGroup(group);
    const bg = backgroundFor(group, backgrounds);
    const ids = identify(fg.data, { detectorType, ...(bg ? { background: bg.data } : {}) });
    out.push(...ids.map((i) => toNuclide(i, label(fg.ids), bg ? label(bg.ids) : undefined)));
  }
  return out.sort((a, b) => b.confidence - a.confidence);
}
