import type { AlarmKind, AnalysisResult, Occupancy, OccupancySample } from "../model.ts";
import { formatDurationS } from "./n42-values.ts";
import type { WriteCtx } from "./n42-write-context.ts";
import { el, wrap, xsDouble } from "./xml-write.ts";

const ALARM_CATEGORY: Record<AlarmKind, string> = {
  gamma: "Gamma",
  neutron: "Neutron",
  isotope: "Isotope",
  other: "Other",
};

/** Default portal sample duration (10 Hz). */
const DEFAULT_INTERVAL_S = 0.1;

/** Per-panel `GrossCounts`: one value, or one value per energy window when `windows` and `windowsId` are given. */
function panelCounts(
  names: readonly string[],
  values: readonly number[],
  live: string,
  ctx: WriteCtx,
  sampleId: string,
  windows?: { id: string; counts: readonly (readonly number[])[] },
): string[] {
  return names.map((name, i) => {
    const perWindow = windows?.counts[i];
    const data = perWindow ? perWindow.map(xsDouble).join(" ") : xsDouble(values[i] ?? 0);
    return wrap("GrossCounts", [el("LiveTimeDuration", live), el("CountData", data)], {
      id: ctx.ids.take(`${sampleId}-${name}`, `${sampleId}G`),
      radDetectorInformationReference: ctx.detectorIds.get(name),
      energyWindowsReference: perWindow ? windows.id : undefined,
    });
  });
}

function panelNames(prefix: string, given: readonly string[] | undefined, count: number): string[] {
  return given && given.length >= count
    ? [...given]
    : Array.from({ length: count }, (_, i) => given?.[i] ?? `${prefix}${i + 1}`);
}

function writeSample(
  o: Occupancy,
  s: OccupancySample,
  groupId: string,
  k: number,
  ctx: WriteCtx,
  names: { g: string[]; n: string[]; windowsId?: string },
): string {
  const interval = o.sampleIntervalS ?? DEFAULT_INTERVAL_S;
  const startMs = Date.parse(o.start) + Math.round(s.tS * 1000);
  const id = ctx.ids.take(`${groupId}S${k + 1}`, `${groupId}S`);
  const live = formatDurationS(interval);
  return wrap(
    "RadMeasurement",
    [
      el("MeasurementClassCode", "Foreground"),
      el("StartDateTime", Number.isFinite(startMs) ? new Date(startMs).toISOString() : ctx.createdAt),
      el("RealTimeDuration", live),
      ...panelCounts(
        names.g,
        s.gammaPanels,
        live,
        ctx,
        id,
        names.windowsId && s.gammaWindows ? { id: names.windowsId, counts: s.gammaWindows } : undefined,
      ),
      ...panelCounts(names.n, s.neutronPanels, live, ctx, id),
      s.occupied !== undefined ? el("OccupancyIndicator", String(s.occupied)) : "",
    ],
    { id, radMeasurementGroupReferences: groupId },
  );
}

function writeAlarms(o: Occupancy, groupId: string, ctx: WriteCtx, allNames: string[]): string[] {
  if (o.alarms.length === 0) {
    return [];
  }
  const alarms = o.alarms.map((a) => {
    const refs = (a.detectors.length > 0 ? a.detectors : allNames).map((n) => ctx.detectorIds.get(n) ?? n);
    return wrap(
      "RadAlarm",
      [
        a.time ? el("RadAlarmDateTime", a.time) : "",
        el("RadAlarmCategoryCode", ALARM_CATEGORY[a.kind]),
        a.description ? el("RadAlarmDescription", a.description) : "",
      ],
      { radDetectorInformationReferences: refs.join(" ") },
    );
  });
  return [wrap("AnalysisResults", alarms, { radMeasurementGroupReferences: groupId })];
}

/** Detector names an occupancy needs (gamma panels, neutron tubes), defaulting to Aa1… / Aa1N… */
export function occupancyDetectorNames(o: Occupancy): { g: string[]; n: string[] } {
  const nG = Math.max(0, ...o.samples.map((s) => s.gammaPanels.length));
  const nN = Math.max(0, ...o.samples.map((s) => s.neutronPanels.length));
  return { g: panelNames("Gamma", o.gammaDetectors, nG), n: panelNames("Neutron", o.neutronDetectors, nN) };
}

/** Writes each occupancy as a RadMeasurementGroup of per-sample RadMeasurements plus its alarms. */
export function writeOccupancies(occupancies: readonly Occupancy[], ctx: WriteCtx): string[] {
  const out: string[] = [];
  occupancies.forEach((o, i) => {
    const groupId = ctx.ids.take(o.id ?? `Occupancy${i + 1}`, `Occupancy${i + 1}`);
    const names: { g: string[]; n: string[]; windowsId?: string } = occupancyDetectorNames(o);
    const windows = o.energyWindowsKeV ?? [];
    if (windows.length > 0) {
      names.windowsId = ctx.ids.take(`${groupId}-Windows`, "EnergyWindows");
      out.push(
        wrap(
          "EnergyWindows",
          [
            el("WindowStartEnergyValues", windows.map((w) => xsDouble(w[0])).join(" ")),
            el("WindowEndEnergyValues", windows.map((w) => xsDouble(w[1])).join(" ")),
          ],
          { id: names.windowsId },
        ),
      );
    }
    // The exact span is kept as an ISO-8601 interval so readers need not infer it from the samples.
    out.push(
      wrap("RadMeasurementGroup", [el("RadMeasurementGroupDescription", `${o.start}/${o.end}`)], { id: groupId }),
    );
    o.samples.forEach((s, k) => out.push(writeSample(o, s, groupId, k, ctx, names)));
    out.push(...writeAlarms(o, groupId, ctx, [...names.g, ...names.n]));
  });
  return out;
}

function writeNuclide(r: AnalysisResult): string {
  const confidence = Number.isFinite(r.confidence)
    ? el("NuclideIDConfidenceValue", xsDouble(Math.min(100, Math.max(0, r.confidence * 100))))
    : el("NuclideIDConfidenceDescription", "Unknown");
  return wrap("Nuclide", [
    el("NuclideIdentifiedIndicator", String(r.identified ?? true)),
    el("NuclideName", r.nuclide),
    r.activityKBq !== undefined ? el("NuclideActivityValue", xsDouble(r.activityKBq)) : "",
    confidence,
    r.category ? el("NuclideCategoryDescription", r.category) : "",
  ]);
}

/** Writes nuclide identification results as one AnalysisResults / NuclideAnalysisResults block. */
export function writeAnalysisResults(results: readonly AnalysisResult[]): string[] {
  if (results.length === 0) {
    return [];
  }
  return [
    wrap("AnalysisResults", [
      el("AnalysisResultStatusCode", "Success"),
      wrap("NuclideAnalysisResults", results.map(writeNuclide)),
    ]),
  ];
}
