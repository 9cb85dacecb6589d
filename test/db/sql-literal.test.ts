import assert from "node:assert/strict";
import { it } from "node:test";
import { CompiledQuery, sql } from "kysely";
import { sqlLiteral } from "../../src/db/database.ts";
import { describeOnEngines } from "../helpers/db.ts";

// The audit of a partner's read travels as literals (one message, no parameters), and its payload
// holds what the user typed. Each hostile string must come back from the database exactly as sent,
// whatever standard_conforming_strings says, and never end the literal early.

const HOSTILE = [
  "",
  "plain",
  "O'Brien",
  "''; drop table audit_event; --",
  "\\'; select 1; --",
  "back\\slash\\",
  "\\\\'\\",
  "E'\\x41'",
  "$$ dollar $$",
  "line\nbreak\ttab\r",
  '{"q":"steel\\"; delete from shipment","n":1}',
  "東京港 ＇fullwidth quote＇",
  "emoji 🚢 and \u2028 separator",
];

describeOnEngines(
  "a text written as an SQL literal",
  async () => undefined,
  (ctx) => {
    for (const conforming of ["on", "off"]) {
      it(`reads back exactly as sent with standard_conforming_strings ${conforming}`, async () => {
        await ctx()
          .database.db.connection()
          .execute(async (conn) => {
            await sql`select set_config('standard_conforming_strings', ${conforming}, false)`.execute(conn);
            try {
              for (const value of HOSTILE) {
                const { rows } = await conn.executeQuery<{ v: string; n: number }>(
                  CompiledQuery.raw(`select ${sqlLiteral(value)}::text as v, 1 as n`),
                );
                assert.equal(rows.length, 1, `one row for ${JSON.stringify(value)}`);
                assert.equal(rows[0]?.v, value);
              }
            } finally {
              await sql`select set_config('standard_conforming_strings', 'on', false)`.execute(conn);
            }
          });
      });
    }

    it("writes null as SQL null and refuses a NUL it cannot store", async () => {
      const { rows } = await ctx().database.db.executeQuery<{ v: string | null }>(
        CompiledQuery.raw(`select ${sqlLiteral(null)}::text as v`),
      );
      assert.equal(rows[0]?.v, null);
      assert.throws(() => sqlLiteral("a\0b"), /NUL/);
    });
  },
);
