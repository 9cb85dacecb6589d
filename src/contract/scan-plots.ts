import { z } from "zod";

// The shapes of a scan's plots: what the worker thread builds, `GET /scans/:id/plot-data` answers
// and the result view draws (schemas, and the types they define).

/** One count-rate series (cps) with its background and alarm threshold for the display window. */
export const RateSeriesSchema = z.object({
  name: z.string(),
  cps: z.array(z.number()),
  backgroundCps: z.number(),
  thresholdCps: z.number(),
});
export type RateSeries = z.infer<typeof RateSeriesSchema>;

/** The count-rate profile of one portal occupancy. */
export const PortalPlotSchema = z.object({
  id: z.string(),
  start: z.string(),
  end: z.string(),
  sampleIntervalS: z.number(),
  /** Moving-average window of the series and the window the threshold is computed for. */
  windowS: z.number(),
  /** Per-test false-alarm probability the threshold corresponds to. */
  alpha: z.number(),
  /** "report": background and α from the stored analysis; "empty_lane": computed here from unoccupied samples. */
  backgroundSource: z.enum(["report", "empty_lane"]),
  classification: z.string().nullable(),
  /** Vehicle in the lane, seconds since `start` (null when the file marks no occupied sample). */
  occupiedFromS: z.number().nullable(),
  occupiedToS: z.number().nullable(),
  timeS: z.array(z.number()),
  gamma: z.array(RateSeriesSchema),
  neutron: RateSeriesSchema.nullable(),
});
export type PortalPlot = z.infer<typeof PortalPlotSchema>;

/** One gamma spectrum with its background and the peaks the analysis attributed to nuclides. */
export const SpectrumPlotSchema = z.object({
  id: z.string(),
  detector: z.string(),
  liveTimeS: z.number(),
  /** Channels summed into each plotted bin (1 unless the spectrum had more than MAX_PLOT_POINTS channels). */
  binChannels: z.number().int(),
  energyKeV: z.array(z.number()),
  counts: z.array(z.number()),
  /** Background counts scaled to the foreground live time; null when the file has none. */
  background: z.array(z.number()).nullable(),
  peaks: z.array(z.object({ energyKeV: z.number(), nuclide: z.string(), category: z.string() })),
});
export type SpectrumPlot = z.infer<typeof SpectrumPlotSchema>;

/** Everything the result view plots for one scan: the response of `GET /scans/:id/plot-data`. */
export const ScanPlotDataSchema = z.object({
  scanId: z.string(),
  fileName: z.string().nullable(),
  mediaType: z.string(),
  portal: z.array(PortalPlotSchema),
  spectra: z.array(SpectrumPlotSchema),
  /** Why nothing (or less) could be plotted. */
  errors: z.array(z.string()),
});
export type ScanPlotData = z.infer<typeof ScanPlotDataSchema>;
