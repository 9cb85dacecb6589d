import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, it } from "node:test";
import { sql } from "kysely";
import type { Actor } from "../../src/domain/actor.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { ingestManifest } from "../../src/domain/ingest/pipeline.ts";
import { serviceActor } from "../../src/domain/service-accounts.ts";
import { describeOnEngines } from "../helpers/db.ts";

// One message of a real CUSCAR whose consignment (CNI) is repeated 10,000 times without a bill of
// lading: every consignment is quarantined with the message's text, which must be stored once per stored
// chunk, not 10,000 times (150 KB × 10,000 once took the server past the longest string it can hold).

const sample = readFileSync(
  path.resolve(import.meta.dirname, "../../../shared/tradedata/edifact/cuscar-d03b-cbp-ace-example-edifabric.edi"),
  "utf8",
);
const clock = fixedClock(new Date("2026-11-27T08:00:00Z"));

function repeatConsignment(times: number): string {
  const segments = sample.split("'");
  const at = segments.findIndex((s) => s.trim().startsWith("CNI+"));
  assert.ok(at > 0, "the sample has a consignment");
  segments.splice(at, 0, ...new Array<string>(times).fill(segments[at]!));
  return segments.join("'");
}

describeOnEngines(
  "quarantined records of one message share its text",
  async (database) => {
    await database.db
      .insertInto("agency")
      .values({ code: "USCBP", name: "U.S. Customs and Border Protection", country: "US" })
      .execute();
  },
  (ctx) => {
    let actor: Actor;
    before(async () => {
      actor = await serviceActor(ctx().database.db, "USCBP", "feed.repeat");
    });

    it("quarantines 10,001 consignments of one message and keeps the message's text once per chunk", async () => {
      const db = ctx().database.db;
      const text = repeatConsignment(10_000);
      const report = await ingestManifest(db, clock, actor, { fileName: "repeated.edi", text });
      assert.equal(report.records.quarantined, 10_001);
      const { rows } = await sql<{ n: number; total: string; whole: number }>`
        select count(*)::int as n, sum(length(raw_text))::text as total,
               count(*) filter (where raw_text like 'UNH+%')::int as whole
        from quarantine_record`.execute(db);
      assert.equal(rows[0]?.n, 10_001);
      // Once per stored chunk of records (1,000 at a time), not once per record.
      const chunks = Math.ceil(10_001 / 1000);
      assert.ok(rows[0].whole >= 1 && rows[0].whole <= chunks, `the message's text kept ${rows[0]?.whole} times`);
      assert.ok(
        Number(rows[0]?.total) < (chunks + 1) * text.length + 10_001 * 120,
        `raw text stored: ${rows[0]?.total} characters for a ${text.length}-character file`,
      );
      const pointer = await db
        .selectFrom("quarantine_record")
        .select("raw_text")
        .where("raw_text", "not like", "UNH+%")
        .limit(1)
        .executeTakeFirstOrThrow();
      assert.match(pointer.raw_text, /kept whole with the quarantined record at /);
    });
  },
);
