import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Kysely, sql } from "kysely";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { PGliteDialect } from "../../src/db/pglite-dialect.ts";
import { PGliteThread, type EmbeddedEngine, type StatementResult } from "../../src/db/pglite-thread.ts";
import type { DB } from "../../src/db/schema.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { actorForUser } from "../../src/domain/auth.ts";
import { listShipments, type ShipmentQuery } from "../../src/domain/shipments.ts";
import { flattenPlan, type PlanNode } from "../helpers/plans.ts";
import { seedTestWorld } from "../helpers/world.ts";

// On the embedded engine every statement waits its turn on one thread: a work-list page is as few
// messages to it as its reads and its audit need, and its statements keep their plans.

interface Message {
  op: "exec" | "query";
  sql: string;
  params?: unknown[];
  before?: string;
  after?: string;
}

/** The real engine, with a record of every message sent to its thread. */
class CountingEngine implements EmbeddedEngine {
  readonly messages: Message[] = [];
  constructor(private readonly engine: EmbeddedEngine) {}
  exec(text: string, options?: { before?: string }): Promise<StatementResult> {
    this.messages.push({ op: "exec", sql: text, before: options?.before });
    return this.engine.exec(text, options);
  }
  query(text: string, params: unknown[], options?: { before?: string; after?: string }): Promise<StatementResult> {
    this.messages.push({ op: "query", sql: text, params, before: options?.before, after: options?.after });
    return this.engine.query(text, params, options);
  }
  copyFrom(text: string, table: string, data: string): Promise<StatementResult> {
    return this.engine.copyFrom(text, table, data);
  }
  close(): Promise<void> {
    return this.engine.close();
  }
}

describe("a work-list page on the embedded engine", () => {
  let engine: CountingEngine;
  let db: Kysely<DB>;
  const actors: Record<string, Actor> = {};
  before(async () => {
    engine = new CountingEngine(await PGliteThread.open(undefined));
    db = new Kysely<DB>({ dialect: new PGliteDialect(engine) });
    await migrateToLatest(db);
    await seedTestWorld(db, 120);
    for (const username of ["host.targeter", "partner.targeter"]) {
      const user = await db
        .selectFrom("app_user")
        .select("id")
        .where("username", "=", username)
        .executeTakeFirstOrThrow();
      actors[username] = await actorForUser(db, user.id);
    }
  });
  after(() => db.destroy().then(() => engine.close()));

  /** A page, and the messages it sent. */
  async function page(username: string, query: Omit<ShipmentQuery, "limit">) {
    engine.messages.length = 0;
    const result = await listShipments(db, actors[username] as Actor, { limit: 20, ...query });
    return { result, messages: [...engine.messages] };
  }

  it("reads a page in one message that opens, sets the agency and commits, then writes the audit of shared rows", async () => {
    let sawShared = false;
    for (const username of ["host.targeter", "partner.targeter"]) {
      for (const sort of ["etd", "score", "bill_of_lading"] as const) {
        const { result, messages } = await page(username, { sort, order: "desc" });
        const [read, ...rest] = messages;
        assert.equal(read?.op, "query", `${username} ${sort}: the read comes first`);
        assert.match(read?.before ?? "", /^begin;\nselect set_config\('app\.agency_id', '[0-9a-f-]{36}', true\)/);
        assert.equal(read?.after, "commit", `${username} ${sort}: the commit travels with the read`);
        const shared = result.items.some((item) => item.isShared);
        sawShared ||= shared;
        // Nothing but the audit of another agency's rows follows, in one message of its own that
        // opens, sets the agency, appends with parameters (a statement whose plan is kept) and commits.
        assert.equal(rest.length, shared ? 1 : 0, `${username} ${sort}: ${JSON.stringify(rest)}`);
        if (shared) {
          const [audit] = rest;
          assert.equal(audit?.op, "query");
          assert.match(audit?.sql ?? "", /insert into audit_event/);
          assert.match(audit?.before ?? "", /^begin;\nselect set_config\('app\.agency_id', '[0-9a-f-]{36}', true\)/);
          assert.equal(audit?.after, "commit");
          assert.ok((audit?.params ?? []).length > 0, "the page's records travel as parameters");
        }
      }
    }
    assert.ok(sawShared, "some page shows another agency's rows");
  });

  it("reads every window of a text filter in a message of its own, each with its commit", async () => {
    const { result, messages } = await page("partner.targeter", { sort: "etd", order: "desc", q: "a" });
    assert.ok(result.items.length > 0);
    const reads = messages.filter((m) => m.op === "query");
    assert.ok(reads.length >= 1);
    for (const read of reads) {
      assert.match(read.before ?? "", /^begin;\n/);
      assert.equal(read.after, "commit");
    }
    assert.equal(messages.filter((m) => m.sql === "commit").length, 0, "no commit is sent on its own after a read");
  });

  it("asks for the kept plan on a page without filters, and lets a filtered page be planned for its values", async () => {
    const plain = await page("host.targeter", { sort: "score", order: "desc" });
    assert.match(plain.messages[0]?.before ?? "", /set_config\('plan_cache_mode', 'force_generic_plan', true\)$/);
    const next = await page("host.targeter", {
      sort: "score",
      order: "desc",
      cursor: plain.result.nextCursor ?? undefined,
    });
    assert.ok(plain.result.nextCursor, "the list has a second page");
    assert.match(next.messages[0]?.before ?? "", /force_generic_plan/, "a cursor alone keeps the plan");
    for (const filter of [{ level: "high" as const }, { port: "JPTYO" }, { requested: "true" as const }]) {
      const filtered = await page("host.targeter", { sort: "score", order: "desc", ...filter });
      assert.doesNotMatch(filtered.messages[0]?.before ?? "", /plan_cache_mode/, JSON.stringify(filter));
      assert.match(filtered.messages[0]?.before ?? "", /^begin;\nselect set_config\('app\.agency_id'/);
    }
  });

  it("keeps one plan for a page statement instead of planning it again on every page", async () => {
    for (let i = 0; i < 8; i++) {
      await page("host.targeter", { sort: "etd", order: "desc" });
    }
    const { messages } = await page("host.targeter", { sort: "etd", order: "desc" });
    const text = messages[0]?.sql ?? "";
    // The page's size is written into the statement: a kept plan is made for a page of rows, not for
    // a limit it cannot see (which, on a large list, makes every page planned again).
    assert.match(text, /\blimit 21\b/);
    const plans = await sql<{ generic: string; custom: string }>`
      select generic_plans::text as generic, custom_plans::text as custom
      from pg_prepared_statements where statement = ${text}`.execute(db);
    assert.equal(plans.rows.length, 1, "the page statement is kept");
    assert.ok(Number(plans.rows[0]?.generic) >= 3, `kept plans used: ${JSON.stringify(plans.rows[0])}`);
  });

  it("finds a later page's place in the sort index for every sort, under row-level security", async () => {
    // A condition may serve as an index condition under row-level security only if its operator is
    // leakproof; otherwise a later page tests every row from the top of the list down to its place.
    for (const username of ["host.targeter", "partner.targeter"]) {
      for (const sort of ["etd", "score", "filed_at", "bill_of_lading", "port_of_discharge"] as const) {
        const first = await page(username, { sort, order: "desc" });
        const cursor = first.result.nextCursor;
        assert.ok(cursor, `${username} ${sort}: the list has a second page`);
        const { messages } = await page(username, { sort, order: "desc", cursor });
        const [read] = messages;
        assert.ok(read, `${username} ${sort}: the page was read`);
        // The test world is small enough for a sequential scan: the index is asked for, to see
        // whether the cursor can be its condition.
        const explained = await engine.query(`explain (analyze, format json) ${read.sql}`, read.params ?? [], {
          before: `${read.before ?? ""};\nselect set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true)`,
          after: "commit",
        });
        const [explain] = (explained.rows[0] as { "QUERY PLAN": { Plan: PlanNode }[] })["QUERY PLAN"];
        assert.ok(explain, "the engine explained the page");
        const scan = flattenPlan(explain.Plan).find((n) => n["Relation Name"] === "shipment_listing");
        const label = `${username} ${sort}: ${JSON.stringify(scan)}`;
        assert.match(scan?.["Index Cond"] ?? "", /ROW\(/, label);
        assert.ok((scan?.["Rows Removed by Filter"] ?? 0) < 20, label);
      }
    }
  });

  it("walks a text window in the sort order and stops at a page of matches, instead of sorting the agency's list", async () => {
    for (const username of ["host.targeter", "partner.targeter"]) {
      for (const sort of ["etd", "score", "filed_at"] as const) {
        const { result, messages } = await page(username, { sort, order: "desc", q: "a" });
        assert.equal(result.items.length, 20, `${username} ${sort}: a common word fills the page`);
        const window = messages.find((m) => m.op === "query" && m.sql.includes("row_number() over"));
        assert.ok(window, `${username} ${sort}: the page walked a window`);
        // The window statement, planned and run as the page ran it: same settings, same values.
        const explained = await engine.query(`explain (analyze, format json) ${window.sql}`, window.params ?? [], {
          before: window.before,
          after: "commit",
        });
        const [explain] = (explained.rows[0] as { "QUERY PLAN": { Plan: PlanNode }[] })["QUERY PLAN"];
        assert.ok(explain, "the engine explained the window");
        const nodes = flattenPlan(explain.Plan);
        const label = `${username} ${sort}: ${nodes.map((n) => n["Node Type"]).join(" > ")}`;
        assert.ok(!nodes.some((n) => n["Node Type"] === "Sort"), label);
        const scan = nodes.find((n) => n["Relation Name"] === "shipment_listing");
        assert.equal(scan?.["Node Type"], "Index Scan", label);
        // The walk read little more than the page: the scan stopped once the page was full.
        assert.ok((scan?.["Actual Rows"] ?? Infinity) <= 40, `${label}: ${scan?.["Actual Rows"]} rows walked`);
      }
    }
  });
});
