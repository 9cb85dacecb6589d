import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { openDatabase, type Database } from "../../src/db/database.ts";

// The embedded engine keeps a named statement per text (src/db/pglite-host.ts): a bounded number
// of them, and none that answers with the columns a table had before it changed.

describe("named statements on the embedded engine", () => {
  let database: Database;
  before(async () => {
    database = await openDatabase({ memory: true });
  });
  after(() => database.close());

  // The schema test runs first, while the engine still has room to keep every statement.
  const kept = async () =>
    (
      await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where name like 'k%'`.execute(
        database.db,
      )
    ).rows[0]?.n ?? 0;

  it("a statement over a table that gains or loses a column answers with the columns it has now", async () => {
    const { db } = database;
    await sql`create table gauge (id int primary key, reading text)`.execute(db);
    await sql`insert into gauge values (1, 'low')`.execute(db);
    const read = () => sql<Record<string, unknown>>`select * from gauge where id = ${1}`.execute(db);
    assert.deepEqual((await read()).rows, [{ id: 1, reading: "low" }]);
    await sql`alter table gauge add column unit text default 'cps'`.execute(db);
    assert.deepEqual((await read()).rows, [{ id: 1, reading: "low", unit: "cps" }]);
    await sql`alter table gauge drop column reading`.execute(db);
    assert.deepEqual((await read()).rows, [{ id: 1, unit: "cps" }]);
  });
  it("keeps at most 400 statements, closing the least recently used, and runs an evicted text again", async () => {
    const { db } = database;
    const ask = (i: number) => sql<{ v: number }>`select ${i}::int + ${sql.raw(String(i))} as v`.execute(db);
    for (let i = 0; i < 450; i++) {
      assert.equal((await ask(i)).rows[0]?.v, 2 * i);
    }
    const count = await kept();
    assert.ok(count <= 400 && count >= 390, `${count} statements kept`);
    const holds = async (text: string) =>
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from pg_prepared_statements where statement = ${text}`.execute(db)
      ).rows[0]?.n ?? 0;
    assert.equal(await holds("select $1::int + 449 as v"), 1, "the latest text is kept");
    assert.equal(await holds("select $1::int + 0 as v"), 0, "the first text was closed");
    assert.equal((await ask(3)).rows[0]?.v, 6, "an evicted text is parsed again");
    assert.equal((await ask(449)).rows[0]?.v, 898, "the latest text still runs");
  });
});
