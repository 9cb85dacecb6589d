import type { AlarmKind, AnalysisResult, Detector, Occupancy, OccupancySample, RadAlarm } from "../model.ts";
import { elementNumbers, mapMeasurementClass, normaliseDateTime, parseDurationS, sumOf } from "./n42-values.ts";
import { attr, child, children, childText, descendants, type XmlNode } from "./xml-tree.ts";

/** Word → 0–1 confidence for `NuclideIDConfidenceDescription` / 2006 indications. */
const CONFIDENCE_WORDS: Record<string, number> = { high: 0.9, medium: 0.5, low: 0.2 };

/** Gross-count value of a `GrossCounts` element (TotalCountData if present, else sum of CountData). */
export function grossCountValue(g: XmlNode): number {
  const total = childText(g, "TotalCountData");
  if (total !== "" && Number.isFinite(Number(total))) {
    return Number(total);
  }
  return sumOf(elementNumbers(child(g, "CountData"), g));
}

function splitRefs(s: string | undefined): string[] {
  return (s ?? "").split(/\s+/).filter((x) => x !== "");
}

/** Reads every `Nuclide` of every `AnalysisResults`; confidence NaN when the file gives none. */
export function readAnalysisResults(root: XmlNode): AnalysisResult[] {
  const out: AnalysisResult[] = [];
  for (const n of descendants(root, "NuclideAnalysisResults").flatMap((r) => children(r, "Nuclide"))) {
    const value = childText(n, "NuclideIDConfidenceValue");
    const word = childText(n, "NuclideIDConfidenceDescription").toLowerCase();
    const confidence = value !== "" ? Number(value) / 100 : (CONFIDENCE_WORDS[word] ?? Number.NaN);
    const ind = childText(n, "NuclideIdentifiedIndicator").toLowerCase();
    const category = childText(n, "NuclideCategoryDescription");
    const activity = childText(n, "NuclideActivityValue");
    out.push({
      nuclide: childText(n, "NuclideName"),
      confidence,
      ...(category ? { category } : {}),
      ...(activity !== "" && Number.isFinite(Number(activity)) ? { activityKBq: Number(activity) } : {}),
      ...(ind ? { identified: ind === "true" || ind === "1" } : {}),
    });
  }
  return out;
}

function alarmKind(code: string): AlarmKind {
  const c = code.trim().toLowerCase();
  if (c === "gamma" || c === "neutron" || c === "isotope") {
    return c;
  }
  return "other";
}

/** Reads `RadAlarm` elements of an `AnalysisResults`. */
export function readAlarms(ar: XmlNode): RadAlarm[] {
  return children(ar, "RadAlarm").map((a) => {
    const time = normaliseDateTime(childText(a, "RadAlarmDateTime"));
    const description = childText(a, "RadAlarmDescription");
    return {
      kind: alarmKind(childText(a, "RadAlarmCategoryCode")),
      detectors: splitRefs(attr(a, "radDetectorInformationReferences")),
      ...(time ? { time } : {}),
      ...(description ? { description } : {}),
    };
  });
}

interface Panels {
  gamma: Map<string, number>;
  neutron: Map<string, number>;
  /** Per-window gamma counts by detector, and the `energyWindowsReference`s met. */
  windows: Map<string, number[]>;
  windowRefs: Set<string>;
}

function readPanels(m: XmlNode, detectors: Map<string, Detector>): Panels {
  const p: Panels = { gamma: new Map(), neutron: new Map(), windows: new Map(), windowRefs: new Set() };
  for (const g of children(m, "GrossCounts")) {
    const det = attr(g, "radDetectorInformationReference") ?? "";
    const isNeutron = detectors.get(det)?.kind === "neutron";
    const target = isNeutron ? p.neutron : p.gamma;
    target.set(det, (target.get(det) ?? 0) + grossCountValue(g));
    const ref = attr(g, "energyWindowsReference");
    if (!isNeutron && ref !== undefined) {
      p.windows.set(det, elementNumbers(child(g, "CountData"), g));
      p.windowRefs.add(ref);
    }
  }
  return p;
}

/** Energy windows [start, end) keV of an `EnergyWindows` element. */
function readWindows(node: XmlNode): [number, number][] {
  const starts = elementNumbers(child(node, "WindowStartEnergyValues"), node);
  const ends = elementNumbers(child(node, "WindowEndEnergyValues"), node);
  return starts.map((s, i) => [s, ends[i] ?? Number.NaN]);
}

/** The one window set every gamma panel of every sample refers to, or undefined. */
function sharedWindows(panels: Panels[], windowSets: Map<string, [number, number][]>): [number, number][] | undefined {
  const refs = new Set(panels.flatMap((p) => [...p.windowRefs]));
  const only = refs.size === 1 ? windowSets.get([...refs][0]!) : undefined;
  const complete =
    only !== undefined &&
    panels.every(
      (p) => [...p.windows.values()].every((w) => w.length === only.length) && p.windows.size === p.gamma.size,
    );
  return complete ? only : undefined;
}

function toSample(
  m: XmlNode,
  t0: number,
  p: Panels,
  gNames: string[],
  nNames: string[],
  withWindows: boolean,
): OccupancySample {
  const t = Date.parse(normaliseDateTime(childText(m, "StartDateTime")) ?? "");
  const occ = childText(m, "OccupancyIndicator").toLowerCase();
  return {
    tS: Number.isFinite(t) ? Math.round(t - t0) / 1000 : Number.NaN,
    gammaPanels: gNames.map((n) => p.gamma.get(n) ?? 0),
    ...(withWindows ? { gammaWindows: gNames.map((n) => p.windows.get(n) ?? []) } : {}),
    neutronPanels: nNames.map((n) => p.neutron.get(n) ?? 0),
    ...(occ ? { occupied: occ === "true" || occ === "1" } : {}),
  };
}

function buildOccupancy(
  id: string,
  group: XmlNode,
  members: XmlNode[],
  det: Map<string, Detector>,
  alarms: RadAlarm[],
  windowSets: Map<string, [number, number][]>,
): Occupancy {
  const first = members[0]!;
  const last = members[members.length - 1]!;
  const panels = members.map((m) => readPanels(m, det));
  const windows = sharedWindows(panels, windowSets);
  const gammaDetectors = [...new Set(panels.flatMap((p) => [...p.gamma.keys()]))];
  const neutronDetectors = [...new Set(panels.flatMap((p) => [...p.neutron.keys()]))];
  const startIso = normaliseDateTime(childText(first, "StartDateTime")) ?? "";
  const t0 = Date.parse(startIso);
  const lastStart = Date.parse(normaliseDateTime(childText(last, "StartDateTime")) ?? "");
  const interval = parseDurationS(childText(first, "RealTimeDuration"));
  const computedEnd = Number.isFinite(lastStart)
    ? new Date(lastStart + parseDurationS(childText(last, "RealTimeDuration")) * 1000).toISOString()
    : "";
  // Our writer records the exact span as an ISO-8601 interval "start/end" in the description.
  const span = childText(group, "RadMeasurementGroupDescription").split("/");
  const described = span.length === 2 ? span.map((s) => normaliseDateTime(s)) : [];
  return {
    id,
    start: described[0] ?? startIso,
    end: described[1] ?? computedEnd,
    ...(Number.isFinite(interval) ? { sampleIntervalS: interval } : {}),
    gammaDetectors,
    neutronDetectors,
    ...(windows ? { energyWindowsKeV: windows } : {}),
    samples: members.map((m, i) =>
      toSample(m, t0, panels[i]!, gammaDetectors, neutronDetectors, windows !== undefined),
    ),
    alarms,
  };
}

/**
 * Rebuilds portal occupancies from `RadMeasurementGroup`s whose member measurements carry only
 * `GrossCounts` (no spectra). Returns the occupancies and the ids of the measurements consumed.
 */
export function readOccupancies(
  root: XmlNode,
  detectors: Map<string, Detector>,
  warnings: string[],
): { occupancies: Occupancy[]; groupedIds: Set<string> } {
  const occupancies: Occupancy[] = [];
  const groupedIds = new Set<string>();
  const measurements = children(root, "RadMeasurement");
  const analyses = children(root, "AnalysisResults");
  const windowSets = new Map(children(root, "EnergyWindows").map((w) => [attr(w, "id") ?? "", readWindows(w)]));
  for (const group of children(root, "RadMeasurementGroup")) {
    const id = attr(group, "id") ?? "";
    const members = measurements.filter(
      (m) =>
        splitRefs(attr(m, "radMeasurementGroupReferences")).includes(id) &&
        mapMeasurementClass(childText(m, "MeasurementClassCode")) !== "background",
    );
    if (id === "" || members.length === 0 || members.some((m) => child(m, "Spectrum") !== undefined)) {
      continue;
    }
    const alarms = analyses
      .filter((a) => splitRefs(attr(a, "radMeasurementGroupReferences")).includes(id))
      .flatMap(readAlarms);
    occupancies.push(buildOccupancy(id, group, members, detectors, alarms, windowSets));
    members.forEach((m) => groupedIds.add(attr(m, "id") ?? ""));
  }
  if (occupancies.length === 0 && children(root, "RadMeasurementGroup").length > 0) {
    warnings.push("RadMeasurementGroup(s) present but none looked like a gross-count occupancy");
  }
  return { occupancies, groupedIds };
}
