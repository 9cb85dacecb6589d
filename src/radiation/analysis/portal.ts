import { movingWindowTests, type TestSeries, type WindowTestResult } from "./portal-alarm.ts";
import { estimateBackground } from "./portal-background.ts";
import { portalConfig, type PortalConfig } from "./portal-config.ts";
import { profileFeatures, spectralFeatures, type ProfileFeatures, type SpectralFeatures } from "./portal-features.ts";
import { coverageAt, fitSuppression, type Suppression } from "./portal-suppression.ts";
import type { PortalBackground, PortalRecord } from "./portal-types.ts";

/** Occupied samples [start, end) of one vehicle passage. */
export interface OccupancySpan {
  start: number;
  end: number;
}

/** Officer-facing outcome. */
export type PortalClassification = "clear" | "NORM" | "investigate" | "neutron";

/** Full analysis of one occupancy (config echoed for reproducibility). */
export interface PortalResult {
  configVersion: string;
  config: PortalConfig;
  span: OccupancySpan;
  /** Analysed samples [from, to) (occupancy plus margins). */
  analysed: [number, number];
  background: PortalBackground;
  suppression: Suppression;
  gamma: WindowTestResult;
  neutron: WindowTestResult;
  profile: ProfileFeatures;
  spectral: SpectralFeatures;
  classification: PortalClassification;
}

/** Occupancies from the occupancy sensor, bridging gaps shorter than `occupancyGapSeconds`. */
export function frameOccupancies(record: PortalRecord, config: PortalConfig = portalConfig()): OccupancySpan[] {
  const gap = Math.round(config.occupancyGapSeconds / record.sampleIntervalS);
  const spans: OccupancySpan[] = [];
  record.samples.forEach((s, i) => {
    if (!s.occupied) {
      return;
    }
    const last = spans[spans.length - 1];
    if (last && i - last.end <= gap) {
      last.end = i + 1;
    } else {
      spans.push({ start: i, end: i + 1 });
    }
  });
  return spans;
}

/** Per-panel gross counts over [from, to). */
function panelSeries(record: PortalRecord, from: number, to: number): number[][] {
  return record.gammaPanels.map((_, p) =>
    record.samples.slice(from, to).map((s) => s.gamma[p]!.reduce((a, b) => a + b, 0)),
  );
}

/** Suppression factor s_pk for panel p at span sample k. */
function suppressionAt(sup: Suppression, p: number, k: number): number {
  return 1 - sup.depth[p]! * coverageAt(k, sup.tIn, sup.tOut, sup.tauSamples);
}

/** Gamma test series: each panel, side A, side B and all panels, with background and depth systematics. */
function gammaSeries(
  record: PortalRecord,
  from: number,
  to: number,
  bg: PortalBackground,
  sup: Suppression,
): TestSeries[] {
  const obs = panelSeries(record, from, to);
  const bgGross = bg.gamma.map((w) => w.reduce((a, b) => a + b, 0));
  const n = to - from;
  const one = (p: number): TestSeries => {
    const s = Array.from({ length: n }, (_, k) => suppressionAt(sup, p, k));
    const cov = Array.from({ length: n }, (_, k) => bgGross[p]! * coverageAt(k, sup.tIn, sup.tOut, sup.tauSamples));
    return {
      name: record.gammaPanels[p]!.name,
      observed: obs[p]!,
      expected: s.map((v) => v * bgGross[p]!),
      systematics: [
        { sens: s, variance: bgGross[p]! / Math.max(bg.samples, 1) },
        { sens: cov, variance: sup.depthVariance[p]! },
      ],
    };
  };
  const panels = record.gammaPanels.map((_, p) => one(p));
  const group = (name: string, members: TestSeries[]): TestSeries => ({
    name,
    observed: Array.from({ length: n }, (_, k) => members.reduce((a, m) => a + m.observed[k]!, 0)),
    expected: Array.from({ length: n }, (_, k) => members.reduce((a, m) => a + m.expected[k]!, 0)),
    systematics: members.flatMap((m) => m.systematics),
  });
  const sideA = panels.filter((_, p) => record.gammaPanels[p]!.side === "A");
  const sideB = panels.filter((_, p) => record.gammaPanels[p]!.side === "B");
  return [...panels, group("side A", sideA), group("side B", sideB), group("all", panels)];
}

/** Neutron test series: all tubes and each side (no suppression; ship effect not modelled). */
function neutronSeries(record: PortalRecord, from: number, to: number, bg: PortalBackground): TestSeries[] {
  const make = (name: string, tubes: number[]): TestSeries => ({
    name,
    observed: record.samples.slice(from, to).map((s) => tubes.reduce((a, t) => a + s.neutron[t]!, 0)),
    expected: new Array<number>(to - from).fill(tubes.reduce((a, t) => a + bg.neutron[t]!, 0)),
    systematics: tubes.map((t) => ({
      sens: new Array<number>(to - from).fill(1),
      variance: bg.neutron[t]! / Math.max(bg.samples, 1),
    })),
  });
  const idx = (side: "A" | "B"): number[] => record.neutronTubes.flatMap((t, i) => (t.side === side ? [i] : []));
  return [
    make(
      "neutron all",
      record.neutronTubes.map((_, i) => i),
    ),
    make("neutron A", idx("A")),
    make("neutron B", idx("B")),
  ];
}

/** Analyses one occupancy: background, shadowing, gross/neutron alarms, profile and window-ratio features. */
export function analyzeOccupancy(
  record: PortalRecord,
  span: OccupancySpan,
  overrides: Partial<PortalConfig> = {},
): PortalResult {
  const config = portalConfig(overrides);
  const dt = record.sampleIntervalS;
  const margin = Math.round(config.marginSeconds / dt);
  const from = Math.max(0, span.start - margin);
  const to = Math.min(record.samples.length, span.end + margin);
  const background = estimateBackground(
    record,
    from - Math.round(config.backgroundSeconds / dt),
    from,
    config.backgroundRejectSigma,
  );
  const bgGross = background.gamma.map((w) => w.reduce((a, b) => a + b, 0));
  const suppression = fitSuppression(
    panelSeries(record, from, to),
    bgGross,
    span.start - from,
    span.end - from,
    dt,
    config.maxSuppressionDepth,
  );
  const series = gammaSeries(record, from, to, background, suppression);
  const gamma = movingWindowTests(
    series,
    config.gammaWindowSamples,
    config.gammaFalseAlarmRate,
    config.effectiveTestsFactor,
  );
  const neutron = movingWindowTests(
    neutronSeries(record, from, to, background),
    config.neutronWindowSamples,
    config.neutronFalseAlarmRate,
    config.neutronEffectiveTestsFactor,
  );
  const { profile, spectral } = occupancyFeatures(record, { from, to, span, background, suppression, series, config });
  const classification = classify(gamma, neutron, profile, spectral);
  return {
    configVersion: config.version,
    config,
    span,
    analysed: [from, to],
    background,
    suppression,
    gamma,
    neutron,
    profile,
    spectral,
    classification,
  };
}

/** Inputs of the feature extraction. */
interface FeatureInput {
  from: number;
  to: number;
  span: OccupancySpan;
  background: PortalBackground;
  suppression: Suppression;
  series: TestSeries[];
  config: PortalConfig;
}

/** Profile (panel sum and sides) and window-ratio features over the half-maximum region. */
function occupancyFeatures(
  record: PortalRecord,
  f: FeatureInput,
): { profile: ProfileFeatures; spectral: SpectralFeatures } {
  const net = (name: string): number[] => {
    const s = f.series.find((x) => x.name === name)!;
    return s.observed.map((o, k) => o - s.expected[k]!);
  };
  const all = f.series.find((x) => x.name === "all")!;
  const bgPerSample = all.expected.reduce((a, b) => a + b, 0) / Math.max(all.expected.length, 1);
  const profile = profileFeatures(net("all"), net("side A"), net("side B"), {
    occupiedSamples: f.span.end - f.span.start,
    sampleS: record.sampleIntervalS,
    minNet: 3 * Math.sqrt(bgPerSample / 7),
    distributedWidthFraction: f.config.distributedWidthFraction,
  });
  const [r0, r1] = profile.region;
  const nWin = record.windowsKeV.length;
  const observed = new Array<number>(nWin).fill(0);
  const expected = new Array<number>(nWin).fill(0);
  for (let k = r0; k < r1; k++) {
    record.gammaPanels.forEach((_, p) => {
      const s = suppressionAt(f.suppression, p, k);
      record.samples[f.from + k]!.gamma[p]!.forEach((c, w) => {
        observed[w]! += c;
        expected[w]! += s * f.background.gamma[p]![w]!;
      });
    });
  }
  const bgRate = Array.from({ length: nWin }, (_, w) => f.background.gamma.reduce((a, p) => a + p[w]!, 0));
  const c = f.config;
  const spectral = spectralFeatures(
    { observed, expected, bgRate, bgSamples: f.background.samples },
    c.lowWindows,
    c.highWindows,
    c.hardWindows,
    c.normMinHardFraction,
    c.ewrSigma,
  );
  return { profile, spectral };
}

/** Neutron alarm first; a gamma alarm from a distributed, NORM-like excess is NORM; any other gamma alarm is investigated. */
function classify(
  gamma: WindowTestResult,
  neutron: WindowTestResult,
  profile: ProfileFeatures,
  spectral: SpectralFeatures,
): PortalClassification {
  if (neutron.alarm) {
    return "neutron";
  }
  if (!gamma.alarm) {
    return "clear";
  }
  return profile.geometry === "distributed" && spectral.spectralClass === "NORM-like" ? "NORM" : "investigate";
}

/** Frames every occupancy in a record and analyses each. */
export function analyzePortal(record: PortalRecord, overrides: Partial<PortalConfig> = {}): PortalResult[] {
  const config = portalConfig(overrides);
  return frameOccupancies(record, config).map((span) => analyzeOccupancy(record, span, overrides));
}
