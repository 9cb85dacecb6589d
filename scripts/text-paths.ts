// Times a free-text page of the work list by each way it can be found: the walk in windows of the
// sort order with a fixed limit on the rows walked, the walk weighed against the text index by the
// listing's size (the default), or the index after the first window. For each targeter, word and
// sort it prints the median of five first pages through listShipments, the tunings side by side in
// the order given (repeat one to alternate them). Usage:
//   DATABASE_URL=postgres://… node --import tsx scripts/text-paths.ts [--words a,b] [--sorts etd,score]
//        [--tunings 4000:40000,4000:-,4000:0]   (window:scanLimit, "-" for the default weighing)
import { parseArgs } from "node:util";
import { openDatabase } from "../src/db/database.ts";
import type { Actor } from "../src/domain/actor.ts";
import { listShipments, type TextTuning } from "../src/domain/shipments.ts";
import { SHIPMENT_SORTS, type ShipmentSort } from "../src/domain/vocabulary.ts";
import { readerActor } from "./reader-actor.ts";

const { values } = parseArgs({
  options: {
    words: { type: "string", default: "corp,valley,almond,sheet,lopez,robots" },
    sorts: { type: "string", default: "etd,score,port_of_discharge" },
    tunings: { type: "string", default: "4000:40000,4000:-,4000:0" },
  },
});
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("set DATABASE_URL");
  process.exit(2);
}
const sorts = (values.sorts ?? "").split(",").map((s) => {
  const sort = SHIPMENT_SORTS.find((known) => known === s);
  if (!sort) {
    console.error(`--sorts: ${s} is not one of ${SHIPMENT_SORTS.join(", ")}`);
    process.exit(2);
  }
  return sort;
});
const tunings: { label: string; tuning: TextTuning }[] = (values.tunings ?? "").split(",").map((t) => {
  const [window, limit] = t.split(":");
  const tuning: TextTuning = { window: Number(window) };
  if (limit !== undefined && limit !== "-") {
    tuning.scanLimit = Number(limit);
  }
  if (!Number.isInteger(tuning.window) || tuning.window < 1 || Number.isNaN(tuning.scanLimit ?? 0)) {
    console.error(`--tunings: ${t} is not window:scanLimit`);
    process.exit(2);
  }
  return { label: t, tuning };
});

const database = await openDatabase({ url });
const actorFor = (code: string) => readerActor(database.db, code, "timing pages");

async function median(actor: Actor, q: string, sort: ShipmentSort, tuning: TextTuning): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await listShipments(database.db, actor, { limit: 50, sort, order: "desc", q }, tuning);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[2] ?? NaN;
}

try {
  console.log(`first page of 50, median of 5, ms; tunings ${tunings.map((t) => t.label).join(" | ")}`);
  for (const code of ["USCBP", "JPCUS"]) {
    const actor = await actorFor(code);
    for (const q of (values.words ?? "").split(",")) {
      for (const sort of sorts) {
        const cells: string[] = [];
        for (const { label, tuning } of tunings) {
          cells.push(`${label} ${(await median(actor, q, sort, tuning)).toFixed(1)}`);
        }
        console.log(`${code} ${q.padEnd(14)} ${sort.padEnd(18)} ${cells.join("  ")}`);
      }
    }
  }
} finally {
  await database.close();
}
