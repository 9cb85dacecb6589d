import assert from "node:assert/strict";
import { it } from "node:test";
import { CompiledQuery, type Kysely, type KyselyPlugin, type RootOperationNode } from "kysely";
import { withAgency } from "../../src/db/database.ts";
import type { DB } from "../../src/db/schema.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { createInspectionRequest } from "../../src/domain/inspection-requests/create.ts";
import { listInspectionRequests } from "../../src/domain/inspection-requests/list.ts";
import type { InspectionRequestView } from "../../src/contract/inspection-requests.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { flattenPlan, type PlanNode } from "../helpers/plans.ts";
import { actorOf, seedTestWorld, TEST_ANCHOR } from "../helpers/world.ts";

// The request list pages through what an agency is party to, newest first or by deadline. Each
// page must walk an index in its order from its cursor (migrations/0041): a page that reads every
// visible request and sorts it took 400–450 ms at 23,000 requests. These tests hold the order and
// the cursors to what row-level security lets each agency read, and check that the order can be
// read from its index, which a change of the statement's sort key would silently lose.

const SORTS = ["requested", "deadline"] as const;
const NO_DEADLINE = Date.parse("9999-12-31T00:00:00.000Z");

/** Every request of the list, walking its cursors. */
async function walk(
  db: Kysely<DB>,
  actor: Actor,
  sort: (typeof SORTS)[number],
  status?: Parameters<typeof listInspectionRequests>[2]["status"],
) {
  const all: InspectionRequestView[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const page = await listInspectionRequests(db, actor, { limit: 7, cursor, sort, status });
    all.push(...page.items);
    if (!page.nextCursor) {
      return all;
    }
    cursor = page.nextCursor;
  }
  throw new Error("the cursor never ended");
}

describeOnEngines(
  "the request list",
  async (database) => {
    const { db } = database;
    await seedTestWorld(db, 160);
    const partner = await actorOf(db, "partner.targeter");
    const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 60 * 60 * 1000));
    const targets = await db
      .selectFrom("shipment as s")
      .innerJoin("shipment_container as c", "c.shipment_id", "s.id")
      .innerJoin("voyage as v", "v.id", "s.voyage_id")
      .select(["s.id", "c.container_no"])
      .where("s.destination_country", "=", "JP")
      .where("v.loading_cutoff", ">", clock.now())
      .orderBy("s.bill_of_lading")
      .orderBy("c.container_no")
      .limit(24)
      .execute();
    assert.ok(targets.length >= 20, `${targets.length} shipments to request`);
    for (const t of targets) {
      // Requests a minute apart, and some in the same instant, so that the id breaks ties.
      clock.advance(targets.indexOf(t) % 3 === 0 ? 0 : 60_000);
      await createInspectionRequest(db, clock, partner, {
        requestType: "inspection",
        reasonCodes: ["random_selection"],
        reason: "Order check",
        priority: "routine",
        scansRequested: ["radiation_portal"],
        shipmentId: t.id,
        containerNo: t.container_no,
      });
    }
    // A few without a deadline (sorted after every dated one), and some sharing one.
    const ids = (await db.selectFrom("inspection_request").select("id").orderBy("reference").execute()).map(
      (r) => r.id,
    );
    await db.updateTable("inspection_request").set({ deadline: null }).where("id", "in", ids.slice(0, 3)).execute();
    const shared = new Date(TEST_ANCHOR.getTime() + 3 * 24 * 60 * 60 * 1000);
    await db.updateTable("inspection_request").set({ deadline: shared }).where("id", "in", ids.slice(3, 8)).execute();
    await db
      .updateTable("inspection_request")
      .set({ status: "declined" })
      .where("id", "in", ids.slice(8, 12))
      .execute();
    return { requests: ids.length };
  },
  (ctx) => {
    it("pages each order, for each party, in exactly the order of what the agency may read", async () => {
      const { db } = ctx().database;
      for (const username of ["scan.officer", "partner.targeter", "kr.targeter"]) {
        const actor = await actorOf(db, username);
        const visible = await withAgency(db, actor.agencyId, (tx) =>
          tx.selectFrom("inspection_request").select(["id", "requested_at", "deadline", "status"]).execute(),
        );
        const expected = {
          requested: [...visible]
            .sort((a, b) => b.requested_at.getTime() - a.requested_at.getTime() || (a.id < b.id ? 1 : -1))
            .map((r) => r.id),
          deadline: [...visible]
            .sort(
              (a, b) =>
                (a.deadline?.getTime() ?? NO_DEADLINE) - (b.deadline?.getTime() ?? NO_DEADLINE) ||
                (a.id < b.id ? -1 : 1),
            )
            .map((r) => r.id),
        };
        for (const sort of SORTS) {
          const listed = (await walk(db, actor, sort)).map((r) => r.id);
          assert.deepEqual(listed, expected[sort], `${username} by ${sort}`);
          const declined = (await walk(db, actor, sort, ["declined"])).map((r) => r.id);
          const declinedIds = new Set(visible.filter((r) => r.status === "declined").map((r) => r.id));
          assert.deepEqual(
            declined,
            expected[sort].filter((id) => declinedIds.has(id)),
            `${username} by ${sort}, declined`,
          );
        }
        if (username === "kr.targeter") {
          assert.equal(visible.length, 0, "an agency party to none sees none");
        } else {
          assert.equal(visible.length, ctx().fixture.requests, `${username} is party to every request`);
        }
      }
    });

    it("reads each order, first page and later ones, from its index under row-level security", async () => {
      const { db } = ctx().database;
      const captured: RootOperationNode[] = [];
      const capture: KyselyPlugin = {
        transformQuery: ({ node }) => {
          captured.push(node);
          return node;
        },
        transformResult: async ({ result }) => result,
      };
      const watched = db.withPlugin(capture);
      for (const username of ["scan.officer", "partner.targeter"]) {
        const actor = await actorOf(db, username);
        for (const sort of SORTS) {
          const first = await listInspectionRequests(db, actor, { limit: 5, sort });
          assert.ok(first.nextCursor, `${username} ${sort}: a second page`);
          for (const cursor of [undefined, first.nextCursor]) {
            captured.length = 0;
            await listInspectionRequests(watched, actor, { limit: 5, sort, cursor });
            const page = captured
              .map((node) => db.getExecutor().compileQuery(node, { queryId: "page" }))
              .find((q) => q.sql.includes('from "inspection_request" as "r"') && /\blimit\b/.test(q.sql));
            assert.ok(page, `${username} ${sort}: the page statement was sent`);
            // The test world is small enough for a sequential scan and a sort: both are refused,
            // to see whether an index can give the rows in the page's order at all.
            const plan = await withAgency(db, actor.agencyId, async (tx) => {
              await tx.executeQuery(
                CompiledQuery.raw(
                  "select set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true)",
                ),
              );
              const result = await tx.executeQuery(
                CompiledQuery.raw(`explain (format json) ${page.sql}`, [...page.parameters]),
              );
              const cell = (result.rows[0] as Record<string, unknown>)["QUERY PLAN"];
              const parsed = (typeof cell === "string" ? JSON.parse(cell) : cell) as { Plan: PlanNode }[];
              return parsed[0]?.Plan as PlanNode;
            });
            const nodes = flattenPlan(plan);
            const label = `${username} ${sort} ${cursor ? "later" : "first"} page: ${nodes.map((n) => `${n["Node Type"]}${n["Index Name"] ? ` ${n["Index Name"]}` : ""}`).join(" > ")}`;
            assert.ok(!nodes.some((n) => n["Node Type"] === "Sort" || n["Node Type"] === "Incremental Sort"), label);
            const scan = nodes.find((n) => n["Relation Name"] === "inspection_request");
            assert.equal(
              scan?.["Index Name"],
              sort === "requested" ? "inspection_request_by_requested" : "inspection_request_by_deadline",
              label,
            );
            if (cursor) {
              // The cursor is where the walk starts, not a filter on every row from the top.
              assert.match(scan?.["Index Cond"] ?? "", /ROW\(/, label);
            }
          }
        }
      }
    });
  },
);
