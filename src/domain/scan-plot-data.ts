import type { AnalysisReport } from "../radiation/analyze-file.ts";

// What a scan's plots are made from; the plots' shapes are the contract's (src/contract/scan-plots.ts).

/** What the plot of one scan is made from. */
export interface PlotInput {
  scanId: string;
  fileName: string | null;
  mediaType: string;
  content: Uint8Array | null;
  report: AnalysisReport | null;
}
