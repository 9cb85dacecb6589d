import { useMemo } from "react";
import uPlot from "uplot";
import type { PortalPlot, RateSeries } from "../api.ts";
import { UPlotChart, type ChartOptions } from "./UPlotChart.tsx";
import { useT } from "../i18n/index.tsx";

/** Shades the seconds the vehicle was in the lane, under the series. */
function occupancyBand(from: number | null, to: number | null) {
  return (u: uPlot) => {
    if (from === null || to === null) {
      return;
    }
    const x0 = u.valToPos(from, "x", true);
    const x1 = u.valToPos(to, "x", true);
    u.ctx.save();
    u.ctx.fillStyle = "rgba(255, 196, 0, 0.14)";
    u.ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
    u.ctx.restore();
  };
}

/** A stretch of time (s) over which the plotted rate stays above the alarm threshold. */
interface Interval {
  from: number;
  to: number;
}

/** The intervals where the rate is above the threshold; each runs to the end of its last sample. */
export function alarmIntervals(timeS: readonly number[], cps: readonly number[], thresholdCps: number): Interval[] {
  const step = timeS.length > 1 ? timeS[1]! - timeS[0]! : 0;
  const out: Interval[] = [];
  let start: number | null = null;
  for (let i = 0; i < cps.length; i++) {
    const above = cps[i]! > thresholdCps;
    if (above && start === null) {
      start = timeS[i]!;
    }
    const ends = start !== null && (!above || i === cps.length - 1);
    if (ends) {
      const last = above ? i : i - 1;
      out.push({ from: start!, to: timeS[last]! + step });
      start = null;
    }
  }
  return out;
}

/** Marks the alarm intervals: a red band under the series with a bar along the top. */
function alarmBands(intervals: readonly Interval[]) {
  return (u: uPlot) => {
    u.ctx.save();
    for (const iv of intervals) {
      const x0 = u.valToPos(iv.from, "x", true);
      const x1 = Math.max(u.valToPos(iv.to, "x", true), x0 + 2);
      u.ctx.fillStyle = "rgba(198, 40, 40, 0.12)";
      u.ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
      u.ctx.fillStyle = "rgba(198, 40, 40, 0.85)";
      u.ctx.fillRect(x0, u.bbox.top, x1 - x0, 4 * uPlot.pxRatio);
    }
    u.ctx.restore();
  };
}

/**
 * Writes the labels on the plot itself, over the series: the threshold line's name and value at
 * its right end, and "alarm" with its time span over each alarm interval.
 */
function plotLabels(
  thresholdCps: number,
  intervals: readonly Interval[],
  text: { threshold: string; alarm: (iv: Interval) => string },
) {
  return (u: uPlot) => {
    const px = uPlot.pxRatio;
    const ctx = u.ctx;
    ctx.save();
    ctx.font = `${Math.round(11 * px)}px system-ui, sans-serif`;
    ctx.textBaseline = "bottom";
    const y = u.valToPos(thresholdCps, "y", true);
    if (Number.isFinite(y) && y >= u.bbox.top && y <= u.bbox.top + u.bbox.height) {
      ctx.textAlign = "right";
      const x = u.bbox.left + u.bbox.width - 4 * px;
      const w = ctx.measureText(text.threshold).width;
      ctx.fillStyle = "rgba(255, 255, 255, 0.8)";
      ctx.fillRect(x - w - 2 * px, y - 14 * px, w + 4 * px, 13 * px);
      ctx.fillStyle = "#c62828";
      ctx.fillText(text.threshold, x, y - 2 * px);
    }
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    for (const iv of intervals) {
      const x0 = u.valToPos(iv.from, "x", true);
      ctx.fillStyle = "#b71c1c";
      const label = text.alarm(iv);
      const right = u.bbox.left + u.bbox.width - ctx.measureText(label).width - 3 * px;
      ctx.fillText(label, Math.max(u.bbox.left + 3 * px, Math.min(x0 + 3 * px, right)), u.bbox.top + 6 * px);
    }
    ctx.restore();
  };
}

/** One panel's count rate with its background and alarm-threshold lines over the occupancy. */
function PanelChart({ plot, series, color }: { plot: PortalPlot; series: RateSeries; color: string }) {
  const t = useT();
  const unit = "cps";
  const intervals = useMemo(() => alarmIntervals(plot.timeS, series.cps, series.thresholdCps), [plot, series]);
  const text = useMemo(
    () => ({
      threshold: `${t("plot.threshold")} ${t.number(series.thresholdCps, { maximumFractionDigits: 0 })} ${unit}`,
      alarm: (iv: Interval) =>
        `${t.code("alarm")} ${t.number(iv.from, { maximumFractionDigits: 1 })}–${t.number(iv.to, { maximumFractionDigits: 1 })} s`,
    }),
    [t, series],
  );
  const data = useMemo<uPlot.AlignedData>(
    () => [
      plot.timeS,
      series.cps,
      plot.timeS.map(() => series.backgroundCps),
      plot.timeS.map(() => series.thresholdCps),
    ],
    [plot, series],
  );
  const options = useMemo<ChartOptions>(
    () => ({
      title: series.name,
      height: 190,
      scales: {
        x: { time: false },
        y: {
          range: (_u, min, max) => [
            Math.min(min, series.backgroundCps) * 0.9,
            Math.max(max, series.thresholdCps) * 1.08,
          ],
        },
      },
      axes: [
        { label: t("plot.time"), size: 36, labelSize: 18 },
        { label: t("plot.rate"), size: 56, labelSize: 18 },
      ],
      series: [
        { label: t("plot.time") },
        { label: `${t("plot.gross")} (${unit})`, stroke: color, width: 1.5 },
        {
          label: `${t("plot.background")} (${unit})`,
          stroke: "#5d6b7e",
          dash: [4, 4],
          width: 1,
          points: { show: false },
        },
        {
          label: `${t("plot.threshold")} (${unit})`,
          stroke: "#c62828",
          dash: [8, 4],
          width: 1.5,
          points: { show: false },
        },
      ],
      legend: { show: true },
      hooks: {
        drawClear: [occupancyBand(plot.occupiedFromS, plot.occupiedToS), alarmBands(intervals)],
        draw: [plotLabels(series.thresholdCps, intervals, text)],
      },
    }),
    [plot, series, color, t, intervals, text],
  );
  return (
    <figure className="portal-panel" data-testid="portal-panel" style={{ margin: 0 }}>
      <UPlotChart options={options} data={data} testId="portal-chart" />
      <figcaption className="muted">
        <span data-testid="portal-threshold-label">{text.threshold}</span>
        {intervals.map((iv) => (
          <span key={iv.from} data-testid="portal-alarm-interval">
            {" · "}
            {text.alarm(iv)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

const COLORS = ["#0b5cad", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e", "#283593"];

/** The count-rate profile of one portal occupancy: one small chart per gamma panel and one for the neutron sum. */
export function PortalChart({ plot }: { plot: PortalPlot }) {
  const t = useT();
  return (
    <div className="portal-plot">
      <p className="muted">
        {t(plot.backgroundSource === "report" ? "plot.occupancyAnalysis" : "plot.occupancyEmptyLane", {
          id: plot.id,
          window: t.number(plot.windowS),
          sample: t.number(plot.sampleIntervalS),
          alpha: plot.alpha.toExponential(1),
        })}
        {plot.classification ? ` · ${t("plot.classification", { classification: plot.classification })}` : ""}
      </p>
      <div className="chart-grid">
        {plot.gamma.map((g, i) => (
          <PanelChart key={g.name} plot={plot} series={g} color={COLORS[i % COLORS.length] ?? "#0b5cad"} />
        ))}
        {plot.neutron && <PanelChart plot={plot} series={plot.neutron} color="#37474f" />}
      </div>
    </div>
  );
}
