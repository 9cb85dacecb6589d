import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** Options without the width: the chart takes its container's width and follows it. */
export type ChartOptions = Omit<uPlot.Options, "width">;

/** A uPlot canvas chart, rebuilt when options or data change (memoise both) and destroyed on unmount. */
export function UPlotChart({
  options,
  data,
  testId,
}: {
  options: ChartOptions;
  data: uPlot.AlignedData;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    const chart = new uPlot({ ...options, width: el.clientWidth || 600 }, data, el);
    const observer = new ResizeObserver(() => chart.setSize({ width: el.clientWidth, height: options.height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [options, data]);
  return <div ref={ref} className="chart" data-testid={testId} />;
}
