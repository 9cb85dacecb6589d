import { WorkerPool } from "../workers/pool.ts";
import type { AnalysisReport } from "../radiation/analyze-file.ts";
import type { ScanPlotData } from "../contract/scan-plots.ts";
import type { PlotInput } from "./scan-plot-data.ts";

/** One piece of instrument-file work for the pool. */
export type InstrumentTask =
  { kind: "analyse"; content: Uint8Array; fileName: string } | { kind: "plot"; input: PlotInput };

/** Seconds an instrument file may take to analyse or plot before it is stopped. */
const BUDGET_MS = Number(process.env.RECIPROCITY_ANALYSIS_BUDGET_MS ?? "60000");

let pool: WorkerPool<InstrumentTask, AnalysisReport | ScanPlotData> | null = null;

function instrumentPool(): WorkerPool<InstrumentTask, AnalysisReport | ScanPlotData> {
  pool ??= new WorkerPool(new URL("./instrument-worker.ts", import.meta.url), "instrument file analysis", {
    timeoutMs: Number.isFinite(BUDGET_MS) && BUDGET_MS > 0 ? BUDGET_MS : 60_000,
    maxHeapMb: 1024,
  });
  return pool;
}

/** Analyses an instrument file on a worker thread (the event loop stays free). */
export async function analyseInWorker(content: Uint8Array, fileName: string): Promise<AnalysisReport> {
  // A copy is handed over, so the caller keeps its bytes to store.
  const copy = content.slice();
  return (await instrumentPool().run({ kind: "analyse", content: copy, fileName }, [copy.buffer])) as AnalysisReport;
}

/** Builds a scan's plot data on a worker thread. */
export async function plotInWorker(input: PlotInput): Promise<ScanPlotData> {
  return (await instrumentPool().run({ kind: "plot", input })) as ScanPlotData;
}

/** Prepares the analysis threads' code ahead of the first upload (at server start). */
export function warmInstrumentWork(): void {
  instrumentPool().warm();
}

/** Stops the worker threads (at shutdown). */
export async function closeInstrumentWork(): Promise<void> {
  const current = pool;
  pool = null;
  await current?.close();
}
