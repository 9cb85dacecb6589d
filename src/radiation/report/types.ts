/** The per-file analysis report (`reciprocity analyze --json`, stored with scans). */
import type { DetectorType } from "../analysis/types.ts";
import type { InstrumentType, MeasurementClass, RadFormat } from "../model.ts";
import type { DetectorTypeSource } from "./detector-type.ts";

/** Overall outcome, most severe first: snm > investigate > industrial > medical > norm_nuisance > no_alarm. */
export type Verdict = "no_alarm" | "norm_nuisance" | "medical" | "industrial" | "investigate" | "snm" | "unreadable";

/** Verdicts in increasing severity (unreadable is handled apart). */
export const VERDICT_ORDER: readonly Verdict[] = [
  "no_alarm",
  "norm_nuisance",
  "medical",
  "industrial",
  "investigate",
  "snm",
];

/** What the instrument was and which detector response the analysis used. */
export interface ReportInstrument {
  manufacturer: string;
  model: string;
  serial: string;
  type: InstrumentType;
  classCode?: string;
  detectorType?: DetectorType;
  detectorTypeSource?: DetectorTypeSource;
}

/** One measurement (spectrum, gross-count record or portal occupancy) in the file. */
export interface ReportMeasurement {
  id: string;
  kind: "spectrum" | "gross" | "occupancy";
  detector: string;
  class: MeasurementClass;
  realTimeS: number;
  liveTimeS: number;
  channels?: number;
  grossCounts?: number;
  neutronCounts?: number;
  samples?: number;
}

/** Why an alarm was raised. */
export interface AlarmDetail {
  /** "analysis" = raised by this library; "instrument" = recorded in the file by the instrument. */
  source: "analysis" | "instrument";
  classification?: string;
  /** Normal-equivalent significance of the most significant window test, its tail probability and threshold α. */
  sigma?: number;
  pValue?: number;
  alpha?: number;
  series?: string[];
  windowSeconds?: number;
  detectors?: string[];
  description?: string;
}

/** One alarm. */
export interface ReportAlarm {
  type: "gamma" | "neutron";
  measurement: string;
  detail: AlarmDetail;
}

/** Why a nuclide was reported. */
export interface NuclideEvidence {
  measurement: string;
  peaksKeV: number[];
  lineScore: number;
  template?: string;
  templateLambda?: number;
  templateCounts?: number;
  backgroundMeasurement?: string;
}

/**
 * One proposed nuclide (names as `Cs-137`, categories NORM / Medical / Industrial / SNM / Neutron):
 * `identified` on evidence an analyst would sign, `background` for natural radiation, `possible`
 * when the evidence falls short (the notes say how); only identified nuclides make the verdict.
 */
export interface ReportNuclide {
  name: string;
  category: string;
  confidence: number;
  status: "identified" | "possible" | "background";
  notes?: string[];
  /** Possible special nuclear material: what a reach-back expert should look at. */
  reachBack?: string;
  evidence: NuclideEvidence;
}

/** A problem met while reading or analysing. */
export interface ReportError {
  code: string;
  message: string;
  where?: { byteOffset?: number; xmlPath?: string; line?: number };
}

/** A series of short time slices analysed as one scene: its quiet background and its pass-by window. */
export interface ReportTimeSeries {
  measurement: string;
  slices: number;
  backgroundCps: number;
  /** The most significant rise of the count rate. */
  window: { from: string; to: string; seconds: number };
  gammaSigma: number;
  /** Neutron excess in the same window over the quiet slices; null without neutron counts. */
  neutronSigma: number | null;
  isAlarm: boolean;
}

/** Portal-analysis summary of one occupancy. */
export interface ReportOccupancy {
  measurement: string;
  classification: string;
  gamma: { alarm: boolean; sigma: number; alpha: number; effectiveTests: number };
  neutron: { alarm: boolean; sigma: number; alpha: number; effectiveTests: number };
  profile: { geometry: string; fwhmS: number; widthFraction: number; sideAsymmetry: number };
  /** Energy-window features; null when the file has gross counts only. */
  spectral: { spectralClass: string; hardFraction: number; ewrSigma: number; lowHighRatio: number } | null;
  suppressionDepth: number[];
  backgroundCpsPerPanel: number[];
}

/** Portal configuration and thresholds used, with the per-occupancy results. */
export interface ReportPortal {
  configVersion: string;
  thresholds: {
    gammaFalseAlarmRate: number;
    neutronFalseAlarmRate: number;
    gammaWindowSamples: number[];
    neutronWindowSamples: number[];
    normMinHardFraction: number;
    ewrSigma: number;
    distributedWidthFraction: number;
  };
  occupancies: ReportOccupancy[];
}

/** Everything analyzeRadFile says about one file. */
export interface AnalysisReport {
  file: string;
  format: RadFormat | null;
  instrument: ReportInstrument | null;
  measurements: ReportMeasurement[];
  alarms: ReportAlarm[];
  nuclides: ReportNuclide[];
  errors: ReportError[];
  verdict: Verdict;
  /** Set when special nuclear material is possible but not proven: advise reach-back, with the reason. */
  reachBack?: { reason: string };
  /** Significant peaks that no identified or natural nuclide explains. */
  unexplainedPeaks?: { measurement: string; energiesKeV: number[] }[];
  /** Time-series files: the pass-by found in each series. */
  timeSeries?: ReportTimeSeries[];
  /** Energy calibrations fitted from the spectra's own natural lines (files that carry none), with the lines used. */
  selfCalibrations?: {
    measurement: string;
    offsetKeV: number;
    gainKeVPerChannel: number;
    lines: { name: string; energyKeV: number; channel: number; significance: number }[];
    message: string;
  }[];
  portal?: ReportPortal;
  warnings: string[];
}
