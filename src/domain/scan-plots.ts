import type { Kysely } from "kysely";
import { withAgency } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { notFound } from "../errors.ts";
import { DEFAULT_PORTAL_CONFIG } from "../radiation/analysis/portal-config.ts";
import { perTestAlpha } from "../radiation/analysis/portal-alarm.ts";
import { poissonCriticalCount } from "../radiation/analysis/special.ts";
import type { AnalysisReport, ReportOccupancy } from "../radiation/analyze-file.ts";
import { readRadFile } from "../radiation/io/index.ts";
import { plotInWorker } from "./instrument-work.ts";
import { requestIsVisible } from "./access.ts";
import { recordSharedRead } from "./audit.ts";
import { channelToEnergy, type Measurement, type Occupancy, type RadFile } from "../radiation/model.ts";
import type { Actor } from "./actor.ts";
import type { ZodType } from "zod";
import {
  PortalPlotSchema,
  SpectrumPlotSchema,
  type PortalPlot,
  type RateSeries,
  type ScanPlotData,
  type SpectrumPlot,
} from "../contract/scan-plots.ts";
import type { PlotInput } from "./scan-plot-data.ts";

export type { PortalPlot, RateSeries, ScanPlotData, SpectrumPlot } from "../contract/scan-plots.ts";
export type { PlotInput } from "./scan-plot-data.ts";

/** Most points any one series carries to the browser. */
export const MAX_PLOT_POINTS = 5000;
/** Length of the moving window the count-rate series are averaged over and the threshold is drawn for. */
const DISPLAY_WINDOW_S = 1;
/** Spectra drawn per file at most (portal files can hold one spectrum per sample and panel). */
const MAX_SPECTRA = 4;

/** Plot data of a scan's instrument file; 404 when the scan is not the actor's to see (request RLS). */
export async function scanPlotData(db: Kysely<DB>, actor: Actor, scanId: string): Promise<ScanPlotData> {
  const row = await withAgency(db, actor.agencyId, async (tx) => {
    const found = await tx
      .selectFrom("scan as sc")
      .innerJoin("inspection_request as r", "r.id", "sc.request_id")
      .leftJoin("stored_file as f", "f.sha256", "sc.file_sha256")
      .select(["sc.id", "sc.file_name", "sc.analysis", "f.content", "f.media_type", "r.host_agency_id"])
      .where(requestIsVisible(actor))
      .where("sc.id", "=", scanId)
      .executeTakeFirst();
    if (found) {
      await recordSharedRead(tx, actor, {
        action: "scan.plot_viewed",
        entityType: "scan",
        entityId: found.id,
        records: [{ id: found.id, ownerAgencyId: found.host_agency_id }],
      });
    }
    return found;
  });
  if (!row) {
    throw notFound("scan");
  }
  return plotInWorker({
    scanId: row.id,
    fileName: row.file_name,
    mediaType: row.media_type ?? "",
    content: row.content,
    report: (row.analysis as AnalysisReport | null) ?? null,
  });
}

/** Reads the instrument file and builds its plots (CPU work: runs on a worker thread). */
export function buildPlotData(input: PlotInput): ScanPlotData {
  const { mediaType } = input;
  const result: ScanPlotData = {
    scanId: input.scanId,
    fileName: input.fileName,
    mediaType,
    portal: [],
    spectra: [],
    errors: [],
  };
  if (!input.content) {
    result.errors.push("The scan has no instrument file");
    return result;
  }
  if (mediaType.startsWith("image/") || mediaType === "application/pdf") {
    return result;
  }
  let file: RadFile;
  try {
    file = readRadFile(input.content, input.fileName ?? "scan-file");
  } catch (e) {
    result.errors.push(e instanceof Error ? e.message : String(e));
    return result;
  }
  const report = input.report;
  result.portal = keepPlottable(
    (file.occupancies ?? []).map((o, i) => portalPlot(o, i, report)),
    PortalPlotSchema,
    "Occupancy",
    result.errors,
  );
  result.spectra = keepPlottable(
    pickSpectra(file, report).map((m) => spectrumPlot(m, file, report)),
    SpectrumPlotSchema,
    "Spectrum",
    result.errors,
  );
  return result;
}

/**
 * The plots whose every value is a finite number, as the response schema requires; a file with a zero
 * sample interval or an empty calibration yields infinities, and such a plot is named in the errors instead.
 */
function keepPlottable<T extends { id: string }>(plots: T[], schema: ZodType, what: string, errors: string[]): T[] {
  return plots.filter((plot) => {
    const checked = schema.safeParse(plot);
    if (!checked.success) {
      errors.push(`${what} ${plot.id} cannot be plotted: its values are not finite numbers`);
    }
    return checked.success;
  });
}

/** Foreground spectra, those the analysis used first, then the ones with most counts. */
function pickSpectra(file: RadFile, report: AnalysisReport | null): Measurement[] {
  const used = new Set(report?.nuclides.map((n) => n.evidence.measurement) ?? []);
  const total = (m: Measurement) => m.spectrum?.counts.reduce((a, b) => a + b, 0) ?? 0;
  return file.measurements
    .filter((m) => m.spectrum && m.class !== "background" && m.class !== "calibration")
    .sort((a, b) => Number(used.has(b.id)) - Number(used.has(a.id)) || total(b) - total(a))
    .slice(0, MAX_SPECTRA);
}

/** A background spectrum for `m`: same detector first, else any with as many channels. */
function backgroundFor(m: Measurement, file: RadFile): Measurement | undefined {
  const n = m.spectrum?.counts.length;
  const bgs = file.measurements.filter((b) => b.class === "background" && b.spectrum?.counts.length === n);
  return bgs.find((b) => b.detector === m.detector) ?? bgs[0];
}

/** Bins of a spectrum, channels merged so at most MAX_PLOT_POINTS remain. */
function spectrumPlot(m: Measurement, file: RadFile, report: AnalysisReport | null): SpectrumPlot {
  const spectrum = m.spectrum!;
  const n = spectrum.counts.length;
  const k = Math.max(1, Math.ceil(n / MAX_PLOT_POINTS));
  const energyKeV: number[] = [];
  for (let lo = 0; lo < n; lo += k) {
    const hi = Math.min(lo + k, n);
    energyKeV.push(
      round((channelToEnergy(spectrum.calibration, lo, n) + channelToEnergy(spectrum.calibration, hi, n)) / 2),
    );
  }
  const bg = backgroundFor(m, file);
  const scale = bg && bg.liveTimeS > 0 ? m.liveTimeS / bg.liveTimeS : 0;
  const peaks = (report?.nuclides ?? [])
    .filter((nu) => nu.evidence.measurement === m.id)
    .flatMap((nu) => nu.evidence.peaksKeV.map((e) => ({ energyKeV: e, nuclide: nu.name, category: nu.category })));
  return {
    id: m.id,
    detector: m.detector,
    liveTimeS: m.liveTimeS,
    binChannels: k,
    energyKeV,
    counts: sumBins(spectrum.counts, k),
    background: bg?.spectrum && scale > 0 ? sumBins(bg.spectrum.counts, k).map((c) => round(c * scale)) : null,
    peaks,
  };
}

/** Sums every `k` consecutive values. */
function sumBins(values: readonly number[], k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += k) {
    out.push(values.slice(i, i + k).reduce((a, b) => a + b, 0));
  }
  return out;
}

/** The per-panel and neutron count-rate profile of one occupancy with background and threshold lines. */
function portalPlot(o: Occupancy, index: number, report: AnalysisReport | null): PortalPlot {
  const id = o.id ?? `Occupancy${index + 1}`;
  const dt = o.sampleIntervalS ?? 0.1;
  const w = Math.max(1, Math.round(DISPLAY_WINDOW_S / dt));
  const summary = report?.portal?.occupancies.find((s) => s.measurement === id) ?? null;
  const empty = o.samples.filter((s) => s.occupied === false);
  const panels = o.samples[0]?.gammaPanels.length ?? 0;
  const gammaAlpha =
    summary?.gamma.alpha ??
    fallbackAlpha(
      report?.portal?.thresholds.gammaFalseAlarmRate ?? DEFAULT_PORTAL_CONFIG.gammaFalseAlarmRate,
      panels + 3,
      o.samples.length,
      DEFAULT_PORTAL_CONFIG.gammaWindowSamples,
    );
  const neutronAlpha =
    summary?.neutron.alpha ??
    fallbackAlpha(
      report?.portal?.thresholds.neutronFalseAlarmRate ?? DEFAULT_PORTAL_CONFIG.neutronFalseAlarmRate,
      1,
      o.samples.length,
      DEFAULT_PORTAL_CONFIG.neutronWindowSamples,
    );
  const gamma = Array.from({ length: panels }, (_, p): RateSeries => {
    const counts = o.samples.map((s) => s.gammaPanels[p] ?? 0);
    const bg =
      backgroundCps(summary, p) ??
      meanRate(
        empty.map((s) => s.gammaPanels[p] ?? 0),
        dt,
      );
    return rateSeries(o.gammaDetectors?.[p] ?? `Panel ${p + 1}`, counts, dt, w, bg, gammaAlpha);
  });
  const hasNeutron = o.samples.some((s) => s.neutronPanels.length > 0);
  const neutronSum = (s: Occupancy["samples"][number]) => s.neutronPanels.reduce((a, b) => a + b, 0);
  const neutron = hasNeutron
    ? rateSeries("Neutron (sum)", o.samples.map(neutronSum), dt, w, meanRate(empty.map(neutronSum), dt), neutronAlpha)
    : null;
  const occupied = o.samples.filter((s) => s.occupied);
  const factor = Math.max(1, Math.ceil(o.samples.length / MAX_PLOT_POINTS));
  return {
    id,
    start: o.start,
    end: o.end,
    sampleIntervalS: dt,
    windowS: round(w * dt),
    alpha: gammaAlpha,
    backgroundSource: summary ? "report" : "empty_lane",
    classification: summary?.classification ?? null,
    occupiedFromS: occupied[0]?.tS ?? null,
    occupiedToS: occupied.length > 0 ? round(occupied[occupied.length - 1]!.tS + dt) : null,
    timeS: downsample(
      o.samples.map((s) => s.tS),
      factor,
    ),
    gamma: gamma.map((g) => ({ ...g, cps: downsample(g.cps, factor) })),
    neutron: neutron ? { ...neutron, cps: downsample(neutron.cps, factor) } : null,
  };
}

/** Background of panel `p` from the stored analysis (cps), when it has one. */
function backgroundCps(summary: ReportOccupancy | null, p: number): number | null {
  return summary?.backgroundCpsPerPanel[p] ?? null;
}

/** Per-test α as the analysis would set it for this many series and samples. */
function fallbackAlpha(familyRate: number, series: number, samples: number, windows: readonly number[]): number {
  const usable = windows.filter((x) => x <= samples);
  const tests =
    DEFAULT_PORTAL_CONFIG.effectiveTestsFactor * series * usable.reduce((s, x) => s + Math.max(1, samples / x), 0);
  return perTestAlpha(familyRate, tests);
}

/** Mean count rate of samples, or 0 when there are none. */
function meanRate(counts: readonly number[], dt: number): number {
  return counts.length === 0 ? 0 : round(counts.reduce((a, b) => a + b, 0) / counts.length / dt);
}

/**
 * Centred moving-average rate over `w` samples, and the rate whose window count is the exact Poisson
 * critical count at α over the background: the line the window sum has to cross to alarm.
 */
function rateSeries(
  name: string,
  counts: readonly number[],
  dt: number,
  w: number,
  bgCps: number,
  alpha: number,
): RateSeries {
  const half = Math.floor(w / 2);
  const cps = counts.map((_, i) => {
    const lo = Math.max(0, i - half);
    const hi = Math.min(counts.length, lo + w);
    return round(counts.slice(lo, hi).reduce((a, b) => a + b, 0) / ((hi - lo) * dt));
  });
  const windowS = w * dt;
  return {
    name,
    cps,
    backgroundCps: bgCps,
    thresholdCps: round(poissonCriticalCount(bgCps * windowS, alpha) / windowS),
  };
}

/** Averages every `k` consecutive values. */
function downsample(values: readonly number[], k: number): number[] {
  if (k <= 1) {
    return [...values];
  }
  const out: number[] = [];
  for (let i = 0; i < values.length; i += k) {
    const part = values.slice(i, i + k);
    out.push(round(part.reduce((a, b) => a + b, 0) / part.length));
  }
  return out;
}

/** Rounds to 3 decimals for transport. */
function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
