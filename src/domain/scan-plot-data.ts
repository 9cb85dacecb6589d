import type { AnalysisReport } from "../radiation/analyze-file.ts";

// The shapes of a scan's plots: what the worker thread builds and the result view draws (types only).

/** One count-rate series (cps) with its background and alarm threshold for the display window. */
export interface RateSeries {
  name: string;
  cps: number[];
  backgroundCps: number;
  thresholdCps: number;
}

/** The count-rate profile of one portal occupancy. */
export interface PortalPlot {
  id: string;
  start: string;
  end: string;
  sampleIntervalS: number;
  /** Moving-average window of the series and the window the threshold is computed for. */
  windowS: number;
  /** Per-test false-alarm probability the threshold corresponds to. */
  alpha: number;
  /** "report": background and α from the stored analysis; "empty_lane": computed here from unoccupied samples. */
  backgroundSource: "report" | "empty_lane";
  classification: string | null;
  /** Vehicle in the lane, seconds since `start` (null when the file marks no occupied sample). */
  occupiedFromS: number | null;
  occupiedToS: number | null;
  timeS: number[];
  gamma: RateSeries[];
  neutron: RateSeries | null;
}

/** One gamma spectrum with its background and the peaks the analysis attributed to nuclides. */
export interface SpectrumPlot {
  id: string;
  detector: string;
  liveTimeS: number;
  /** Channels summed into each plotted bin (1 unless the spectrum had more than MAX_PLOT_POINTS channels). */
  binChannels: number;
  energyKeV: number[];
  counts: number[];
  /** Background counts scaled to the foreground live time; null when the file has none. */
  background: number[] | null;
  peaks: { energyKeV: number; nuclide: string; category: string }[];
}

/** Everything the result view plots for one scan. */
export interface ScanPlotData {
  scanId: string;
  fileName: string | null;
  mediaType: string;
  portal: PortalPlot[];
  spectra: SpectrumPlot[];
  /** Why nothing (or less) could be plotted. */
  errors: string[];
}

/** What the plot of one scan is made from. */
export interface PlotInput {
  scanId: string;
  fileName: string | null;
  mediaType: string;
  content: Uint8Array | null;
  report: AnalysisReport | null;
}
