import { portalConfig } from "../analysis/portal-config.ts";
import { occupancyToPortalRecord } from "../analysis/portal-from-file.ts";
import { analyzeOccupancy, frameOccupancies, type PortalResult } from "../analysis/portal.ts";
import type { PortalRecord } from "../analysis/portal-types.ts";
import type { WindowTestResult } from "../analysis/portal-alarm.ts";
import type { Occupancy, RadFile } from "../model.ts";
import type { ReportAlarm, ReportError, ReportOccupancy, ReportPortal, Verdict } from "./types.ts";

/** Unoccupied samples needed before an occupancy to estimate the background (1 s at 10 Hz). */
const MIN_BACKGROUND_SAMPLES = 10;

/** Portal-analysis part of a report: alarms, per-occupancy results, verdicts, errors. */
export interface PortalPart {
  portal: ReportPortal;
  alarms: ReportAlarm[];
  verdicts: Verdict[];
  errors: ReportError[];
}

/** Config overrides for a record: window indices only make sense with the default three windows. */
function overridesFor(record: PortalRecord): Parameters<typeof portalConfig>[0] {
  return record.windowsKeV.length >= 3 ? {} : { lowWindows: [0], highWindows: [], hardWindows: [] };
}

/** Unoccupied samples in the background period before the analysed span. */
function backgroundSamples(record: PortalRecord, start: number): number {
  const c = portalConfig();
  const from = start - Math.round(c.marginSeconds / record.sampleIntervalS);
  const lo = Math.max(0, from - Math.round(c.backgroundSeconds / record.sampleIntervalS));
  return record.samples.slice(lo, Math.max(from, 0)).filter((s) => !s.occupied).length;
}

/** An alarm entry from one window-test family. */
function alarmOf(type: "gamma" | "neutron", id: string, t: WindowTestResult, r: PortalResult, dt: number): ReportAlarm {
  return {
    type,
    measurement: id,
    detail: {
      source: "analysis",
      classification: r.classification,
      sigma: sigmaOf(t.sigma),
      pValue: t.minP,
      alpha: t.alpha,
      series: t.alarmingSeries,
      ...(t.worst ? { windowSeconds: round(t.worst.windowSamples * dt) } : {}),
    },
  };
}

/** Summary of one analysed occupancy. */
function summarise(id: string, r: PortalResult, record: PortalRecord): ReportOccupancy {
  const test = (t: WindowTestResult) => ({
    alarm: t.alarm,
    sigma: sigmaOf(t.sigma),
    alpha: t.alpha,
    effectiveTests: Math.round(t.effectiveTests),
  });
  const hasWindows = record.windowsKeV.length >= 3;
  return {
    measurement: id,
    classification: r.classification,
    gamma: test(r.gamma),
    neutron: test(r.neutron),
    profile: {
      geometry: r.profile.geometry,
      fwhmS: round(r.profile.fwhmS),
      widthFraction: round(r.profile.widthFraction),
      sideAsymmetry: round(r.profile.sideAsymmetry),
    },
    spectral: hasWindows
      ? {
          spectralClass: r.spectral.spectralClass,
          hardFraction: round(r.spectral.hardFraction),
          ewrSigma: round(r.spectral.ewrSigma),
          lowHighRatio: round(r.spectral.lowHighRatio),
        }
      : null,
    suppressionDepth: r.suppression.depth.map(round),
    backgroundCpsPerPanel: r.background.gamma.map((w) => round(w.reduce((a, b) => a + b, 0) / record.sampleIntervalS)),
  };
}

/** Verdict of a portal classification. */
function verdictOf(c: PortalResult["classification"]): Verdict {
  switch (c) {
    case "clear":
      return "no_alarm";
    case "NORM":
      return "norm_nuisance";
    case "investigate":
    case "neutron":
      return "investigate";
  }
}

/** Alarms the instrument recorded in the file (gamma/neutron only). */
function instrumentAlarms(o: Occupancy, id: string): ReportAlarm[] {
  return o.alarms.flatMap((a): ReportAlarm[] =>
    a.kind === "gamma" || a.kind === "neutron"
      ? [
          {
            type: a.kind,
            measurement: id,
            detail: {
              source: "instrument",
              detectors: a.detectors,
              ...(a.description ? { description: a.description } : {}),
            },
          },
        ]
      : [],
  );
}

/** Analyses one file occupancy into the part. */
function analyseOne(o: Occupancy, index: number, part: PortalPart): void {
  const id = o.id ?? `Occupancy${index + 1}`;
  part.alarms.push(...instrumentAlarms(o, id));
  const record = occupancyToPortalRecord(o);
  const spans = frameOccupancies(record);
  if (spans.length === 0) {
    part.errors.push({ code: "portal.no_occupancy", message: `${id}: no occupied samples` });
    return;
  }
  for (const span of spans) {
    if (backgroundSamples(record, span.start) < MIN_BACKGROUND_SAMPLES) {
      part.errors.push({
        code: "portal.no_background",
        message: `${id}: fewer than ${MIN_BACKGROUND_SAMPLES} empty-lane samples before the vehicle; no background to test against`,
      });
      continue;
    }
    const r = analyzeOccupancy(record, span, overridesFor(record));
    part.portal.occupancies.push(summarise(id, r, record));
    part.verdicts.push(verdictOf(r.classification));
    if (r.gamma.alarm) {
      part.alarms.push(alarmOf("gamma", id, r.gamma, r, record.sampleIntervalS));
    }
    if (r.neutron.alarm) {
      part.alarms.push(alarmOf("neutron", id, r.neutron, r, record.sampleIntervalS));
    }
  }
}

/** Runs portal analysis on every occupancy of a file. */
export function analysePortalFile(file: RadFile): PortalPart {
  const c = portalConfig();
  const part: PortalPart = {
    portal: {
      configVersion: c.version,
      thresholds: {
        gammaFalseAlarmRate: c.gammaFalseAlarmRate,
        neutronFalseAlarmRate: c.neutronFalseAlarmRate,
        gammaWindowSamples: c.gammaWindowSamples,
        neutronWindowSamples: c.neutronWindowSamples,
        normMinHardFraction: c.normMinHardFraction,
        ewrSigma: c.ewrSigma,
        distributedWidthFraction: c.distributedWidthFraction,
      },
      occupancies: [],
    },
    alarms: [],
    verdicts: [],
    errors: [],
  };
  (file.occupancies ?? []).forEach((o, i) => analyseOne(o, i, part));
  return part;
}

/** Significance for reporting: tail probabilities below double precision give ∞, shown as the cap 40σ. */
function sigmaOf(v: number): number {
  return Number.isFinite(v) ? round(v) : 40;
}

/** Rounds to 3 decimals for reporting (non-finite values pass through). */
export function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v;
}
