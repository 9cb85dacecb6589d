import { useMemo } from "react";
import type uPlot from "uplot";
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

/** One panel's count rate with its background and alarm-threshold lines over the occupancy. */
function PanelChart({ plot, series, color }: { plot: PortalPlot; series: RateSeries; color: string }) {
  const t = useT();
  const data = useMemo<uPlot.AlignedData>(
    () => [plot.timeS, series.cps, plot.timeS.map(() => series.backgroundCps), plot.timeS.map(() => series.thresholdCps)],
    [plot, series],
  );
  const options = useMemo<ChartOptions>(
    () => ({
      title: series.name,
      height: 190,
      scales: { x: { time: false }, y: { range: (_u, min, max) => [Math.min(min, series.backgroundCps) * 0.9, Math.max(max, series.thresholdCps) * 1.08] } },
      axes: [{ label: t("plot.time"), size: 36 }, { label: t("plot.rate"), size: 56 }],
      series: [
        { label: "t (s)" },
        { label: t("plot.gross"), stroke: color, width: 1.5 },
        { label: t("plot.background"), stroke: "#5d6b7e", dash: [4, 4], width: 1, points: { show: false } },
        { label: t("plot.threshold"), stroke: "#c62828", dash: [8, 4], width: 1.5, points: { show: false } },
      ],
      legend: { show: true },
      hooks: { drawClear: [occupancyBand(plot.occupiedFromS, plot.occupiedToS)] },
    }),
    [plot, series, color, t],
  );
  return <UPlotChart options={options} data={data} testId="portal-chart" />;
}

const COLORS = ["#0b5cad", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e", "#283593"];

/** The count-rate profile of one portal occupancy: one small chart per gamma panel and one for the neutron sum. */
export function PortalChart({ plot }: { plot: PortalPlot }) {
  const t = useT();
  return (
    <div className="portal-plot">
      <p className="muted">
        {t(plot.backgroundSource === "report" ? "plot.occupancyAnalysis" : "plot.occupancyEmptyLane", { id: plot.id, window: t.number(plot.windowS), sample: t.number(plot.sampleIntervalS), alpha: plot.alpha.toExponential(1) })}
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
