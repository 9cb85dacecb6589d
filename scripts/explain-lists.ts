// Prints the plans of the work-list queries as the app role runs them under row-level security:
// `EXPLAIN (ANALYZE, BUFFERS)` of exactly the SQL the list endpoint sends, for the host's and the
// partner's targeter, each sort the API offers, with and without a text filter, first and later
// pages. Usage:
//   DATABASE_URL=postgres://… node --import tsx scripts/explain-lists.ts [--summary]
//   node --import tsx scripts/explain-lists.ts --data-dir ./data [--summary] [--text word,word]
//        [--sorts etd,score,filed_at]
import { type CompiledQuery, type KyselyPlugin, type RootOperationNode } from "kysely";
import { openDatabase, withAgency } from "../src/db/database.ts";
import type { Actor } from "../src/domain/actor.ts";
import { listShipments, type ShipmentQuery } from "../src/domain/shipments.ts";
import { SHIPMENT_SORTS } from "../src/domain/vocabulary.ts";
import { readerActor } from "./reader-actor.ts";

const args = process.argv.slice(2);
const dataDirAt = args.indexOf("--data-dir");
const isSummary = args.includes("--summary");
const target = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL }
  : dataDirAt >= 0
    ? { dataDir: String(args[dataDirAt + 1]) }
    : null;
if (!target) {
  console.error("set DATABASE_URL or pass --data-dir DIR");
  process.exit(2);
}

// A common word, a rarer phrase and one container number (override with --text a,b,c).
const textAt = args.indexOf("--text");
const TEXTS = textAt >= 0 ? String(args[textAt + 1]).split(",") : ["steel", "golden state", "tghu9415005"];
// The sorts to explain (override with --sorts etd,port_of_discharge; any of SHIPMENT_SORTS).
const sortsAt = args.indexOf("--sorts");
const SORTS = (sortsAt >= 0 ? String(args[sortsAt + 1]).split(",") : ["etd", "score", "filed_at"]).map((s) => {
  const sort = SHIPMENT_SORTS.find((known) => known === s);
  if (!sort) {
    console.error(`--sorts: ${s} is not one of ${SHIPMENT_SORTS.join(", ")}`);
    process.exit(2);
  }
  return sort;
});

const database = await openDatabase(target);
const captured: RootOperationNode[] = [];
const capture: KyselyPlugin = {
  transformQuery: ({ node }) => {
    captured.push(node);
    return node;
  },
  transformResult: async ({ result }) => result,
};
const db = database.db.withPlugin(capture);

const actorFor = (agencyCode: string) => readerActor(database.db, agencyCode, "explain plans");

/** Runs the list once to learn its SQL, then explains that SQL under the same agency scope. */
async function explain(label: string, actor: Actor, query: ShipmentQuery): Promise<string | null> {
  captured.length = 0;
  const started = performance.now();
  const page = await listShipments(db, actor, query);
  const elapsed = performance.now() - started;
  const executor = database.db.getExecutor();
  const compiled: CompiledQuery[] = captured.map((node, i) => executor.compileQuery(node, { queryId: `explain-${i}` }));
  // Every statement on the listing: the page, and for a text filter the window's edge and the fallback.
  const lists = compiled.filter((q) => q.sql.startsWith("select") && q.sql.includes('from "shipment_listing" as "l"'));
  if (lists.length === 0) {
    throw new Error(`${label}: the list query was not seen`);
  }
  // Each statement under the settings listShipments reads it with: a text window (row_number over
  // the sort order) is read as an ordered walk.
  const plans: string[][] = [];
  for (const list of lists) {
    const orderedWalk = list.sql.includes("row_number() over");
    plans.push(
      await withAgency(
        database.db,
        actor.agencyId,
        async (tx) => {
          const result = await tx.executeQuery<{ "QUERY PLAN": string }>({
            ...list,
            sql: `explain (analyze, buffers) ${list.sql}`,
          });
          return result.rows.map((r) => r["QUERY PLAN"]);
        },
        { orderedWalk },
      ),
    );
  }
  const times = plans.map((plan) =>
    (plan.find((line) => line.startsWith("Execution Time")) ?? "").replace("Execution Time: ", ""),
  );
  console.log(
    `\n### ${label}: ${page.items.length} rows, ${elapsed.toFixed(1)} ms through listShipments; statements: ${times.join(" + ")}`,
  );
  if (!isSummary) {
    console.log(plans.map((plan) => plan.join("\n")).join("\n---\n"));
  }
  return page.nextCursor;
}

try {
  const host = await actorFor("USCBP");
  const partner = await actorFor("JPCUS");
  for (const [who, actor] of [
    ["host", host],
    ["partner", partner],
  ] as const) {
    for (const sort of SORTS) {
      const base: ShipmentQuery = { limit: 50, sort, order: "desc" };
      const next = await explain(`${who} targeter, ${sort} desc, first page`, actor, base);
      if (next) {
        await explain(`${who} targeter, ${sort} desc, second page`, actor, { ...base, cursor: next });
      }
      for (const q of TEXTS) {
        await explain(`${who} targeter, ${sort} desc, text "${q}"`, actor, { ...base, q });
      }
    }
    await explain(`${who} targeter, level high by score`, actor, {
      limit: 50,
      sort: "score",
      order: "desc",
      level: "high",
    });
  }
} finally {
  await database.close();
}
