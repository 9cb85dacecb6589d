import { useMemo } from "react";
import uPlot from "uplot";
import type { WeekFigures } from "../../../src/domain/metrics.ts";
import { useT } from "../i18n/index.tsx";
import { UPlotChart, type ChartOptions } from "./UPlotChart.tsx";

const REQUESTS = "#0b5cad";
const ACCOMMODATION = "#2e7d32";
const HOURS = "#c05600";

/**
 * Requests, accommodation and median time to result week by week (uPlot): requests on the left
 * axis, the accommodation rate (%) and hours on the right; a week without a figure leaves a gap.
 * The same numbers follow as a table for reading and for screen readers.
 */
export function TrendChart({ weeks }: { weeks: WeekFigures[] }) {
  const t = useT();
  const data = useMemo<uPlot.AlignedData>(
    () => [
      weeks.map((w) => Date.parse(`${w.week}T00:00:00Z`) / 1000),
      weeks.map((w) => w.requests),
      weeks.map((w) => (w.accommodationRate === null ? null : Math.round(w.accommodationRate * 1000) / 10)),
      weeks.map((w) => (w.medianHoursToResult === null ? null : Math.round(w.medianHoursToResult * 10) / 10)),
    ],
    [weeks],
  );
  const options = useMemo<ChartOptions>(
    () => ({
      height: 220,
      // Weeks are UTC Mondays: the axis reads them in UTC, wherever the viewer is.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: {
        x: { time: true },
        n: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        pct: { range: [0, 100] },
        h: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        { space: 60 },
        // Requests are whole numbers: no ticks between them.
        {
          scale: "n",
          label: t("trend.requestsAxis"),
          size: 50,
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
        },
        {
          scale: "pct",
          side: 1,
          label: t("trend.accommodationAxis"),
          size: 50,
          grid: { show: false },
          stroke: ACCOMMODATION,
        },
        { scale: "h", side: 1, label: t("trend.hoursAxis"), size: 50, grid: { show: false }, stroke: HOURS },
      ],
      series: [
        {
          label: t("trend.week"),
          value: (_u, v) => (v === null ? "—" : new Date(v * 1000).toISOString().slice(0, 10)),
        },
        { label: t("trend.requests"), scale: "n", stroke: REQUESTS, width: 2, points: { show: true } },
        {
          label: t("trend.accommodation"),
          scale: "pct",
          stroke: ACCOMMODATION,
          width: 2,
          points: { show: true },
          value: (_u, v) => (v === null ? "—" : `${v}%`),
        },
        {
          label: t("trend.hours"),
          scale: "h",
          stroke: HOURS,
          width: 2,
          dash: [6, 4],
          points: { show: true },
          value: (_u, v) => (v === null ? "—" : `${v} h`),
        },
      ],
    }),
    [t],
  );
  return (
    <div data-testid="trend">
      <UPlotChart options={options} data={data} testId="trend-chart" />
      <details>
        <summary>{t("trend.asTable")}</summary>
        <table className="grid" data-testid="trend-table">
          <thead>
            <tr>
              <th>{t("trend.week")}</th>
              <th>{t("trend.requests")}</th>
              <th>{t("trend.accommodation")}</th>
              <th>{t("trend.hours")}</th>
            </tr>
          </thead>
          <tbody>
            {weeks.map((w) => (
              <tr key={w.week}>
                <td>{w.week}</td>
                <td>{t.number(w.requests)}</td>
                <td>{t.percent(w.accommodationRate)}</td>
                <td>
                  {w.medianHoursToResult === null
                    ? "—"
                    : `${t.number(w.medianHoursToResult, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} h`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
