// Worker thread for instrument files: parsing and analysis run here, away from the event loop.
import { analyzeRadFile } from "../radiation/analyze-file.ts";
import { serveTasks } from "../workers/pool.ts";
import type { InstrumentTask } from "./instrument-work.ts";
import { buildPlotData } from "./scan-plots.ts";

await serveTasks((task: InstrumentTask) => {
  switch (task.kind) {
    case "analyse":
      return analyzeRadFile(task.content, task.fileName);
    case "plot":
      return buildPlotData(task.input);
  }
});
