import { useMemo } from "react";
import uPlot from "uplot";
import type { SpectrumPlot } from "../api.ts";
import { UPlotChart, type ChartOptions } from "./UPlotChart.tsx";
import { useT } from "../i18n/index.tsx";

/** Counts for a log axis: empty bins become gaps. */
function positive(values: number[]): (number | null)[] {
  return values.map((v) => (v > 0 ? v : null));
}

/** Index of the bin whose centre is nearest `energy` (bins ascend). */
function nearestBin(energies: number[], energy: number): number {
  let lo = 0;
  let hi = energies.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((energies[mid] ?? 0) < energy) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** Draws a marker and the nuclide name above each identified peak. */
function drawPeaks(plot: SpectrumPlot) {
  return (u: uPlot) => {
    const ctx = u.ctx;
    const px = uPlot.pxRatio;
    ctx.save();
    ctx.font = `${12 * px}px system-ui, sans-serif`;
    ctx.textAlign = "center";
    ctx.fillStyle = "#b3261e";
    ctx.strokeStyle = "#b3261e";
    for (const peak of plot.peaks) {
      const i = nearestBin(plot.energyKeV, peak.energyKeV);
      const top = Math.max(...plot.counts.slice(Math.max(0, i - 3), i + 4), 1);
      const x = u.valToPos(peak.energyKeV, "x", true);
      const y = Math.max(u.valToPos(top, "y", true) - 8 * px, u.bbox.top + 34 * px);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x, y - 14 * px);
      ctx.stroke();
      ctx.fillText(`${peak.nuclide} ${peak.energyKeV.toFixed(0)} keV`, x, y - 18 * px);
    }
    ctx.restore();
  };
}

/** A gamma spectrum on a log count axis, stepped, with the background and the identified peaks labelled. */
export function SpectrumChart({ plot }: { plot: SpectrumPlot }) {
  const t = useT();
  const data = useMemo<uPlot.AlignedData>(
    () =>
      plot.background
        ? [plot.energyKeV, positive(plot.counts), positive(plot.background)]
        : [plot.energyKeV, positive(plot.counts)],
    [plot],
  );
  const options = useMemo<ChartOptions>(() => {
    const stepped = uPlot.paths.stepped?.({ align: 1 });
    const series: uPlot.Series[] = [
      { label: "keV" },
      {
        label: t("plot.counts", { live: t.number(Math.round(plot.liveTimeS)) }),
        stroke: "#0b5cad",
        width: 1,
        paths: stepped,
      },
    ];
    if (plot.background) {
      series.push({ label: t("plot.backgroundScaled"), stroke: "#8a96a8", width: 1, paths: stepped });
    }
    return {
      title: `${t("plot.spectrum", { id: plot.id })}${plot.detector ? ` · ${plot.detector}` : ""}`,
      height: 300,
      scales: { x: { time: false }, y: { distr: 3, log: 10 } },
      axes: [
        { label: t("plot.energy"), size: 36 },
        { label: t("plot.countsPerChannels", { count: plot.binChannels }), size: 60 },
      ],
      series,
      hooks: { draw: [drawPeaks(plot)] },
    };
  }, [plot, t]);
  return (
    <div className="spectrum-plot">
      <UPlotChart options={options} data={data} testId="spectrum-chart" />
      {plot.peaks.length > 0 && (
        <p className="peaks">
          {t("plot.peaks")}{" "}
          {plot.peaks.map((p) => (
            <span key={`${p.nuclide}-${p.energyKeV}`} className="badge" data-testid="peak-label">
              {p.nuclide} {t.number(p.energyKeV, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} keV (
              {t.code(p.category)})
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
