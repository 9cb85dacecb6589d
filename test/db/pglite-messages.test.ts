import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { CompiledQuery, Kysely, sql } from "kysely";
import { openDatabase, readAsAgency, withAgency, type Database } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { endsTransaction, PGliteDialect } from "../../src/db/pglite-dialect.ts";
import type { EmbeddedEngine, StatementResult } from "../../src/db/pglite-thread.ts";
import type { DB } from "../../src/db/schema.ts";

// A transaction holds the embedded engine from BEGIN to COMMIT while other requests wait, so its
// BEGIN and withAgency's settings travel with its first real statement, in one message.

/** Records what reaches the engine's thread. */
class RecordingEngine implements EmbeddedEngine {
  readonly messages: { op: string; sql: string; before?: string; after?: string }[] = [];
  async exec(text: string, options?: { before?: string }): Promise<StatementResult> {
    this.messages.push({ op: "exec", sql: text, before: options?.before });
    return { rows: [] };
  }
  async query(
    text: string,
    _params: unknown[],
    options?: { before?: string; after?: string },
  ): Promise<StatementResult> {
    this.messages.push({
      op: "query",
      sql: text,
      before: options?.before,
      ...(options?.after === undefined ? {} : { after: options.after }),
    });
    return { rows: [{ n: 1 }] };
  }
  async copyFrom(): Promise<StatementResult> {
    return { rows: [] };
  }
  async close(): Promise<void> {}
}

describe("messages to the embedded engine's thread", () => {
  it("sends a withAgency transaction's BEGIN and settings with its first statement", async () => {
    const engine = new RecordingEngine();
    const db = new Kysely<DB>({ dialect: new PGliteDialect(engine) });
    const agency = randomUUID();
    await withAgency(db, agency, (tx) => sql`select ${1}::int as n`.execute(tx));
    assert.equal(engine.messages.length, 2);
    assert.equal(engine.messages[0]?.op, "query");
    assert.match(
      engine.messages[0]?.before ?? "",
      new RegExp(`^begin;\\nselect set_config\\('app.agency_id', '${agency}', true\\)`),
    );
    assert.deepEqual(engine.messages[1], { op: "exec", sql: "commit", before: undefined });
    // A transaction that ran nothing still opens and closes in one message.
    engine.messages.length = 0;
    await withAgency(db, agency, async () => undefined);
    assert.equal(engine.messages.length, 1);
    assert.equal(engine.messages[0]?.sql, "commit");
    assert.match(engine.messages[0]?.before ?? "", /^begin;\nselect set_config/);
    // Any other first statement is not held back.
    engine.messages.length = 0;
    await db.transaction().execute((tx) => sql`select set_config('app.agency_id', 'x', true)`.execute(tx));
    assert.equal(engine.messages.length, 2);
    assert.equal(engine.messages[0]?.before, "begin");
  });

  it("sends a one-statement read as the agency, its BEGIN, settings and COMMIT in one message", async () => {
    const engine = new RecordingEngine();
    const db = new Kysely<DB>({ dialect: new PGliteDialect(engine) });
    const agency = randomUUID();
    const rows = await readAsAgency(db, agency, (tx) => sql<{ n: number }>`select ${1}::int as n`.compile(tx));
    assert.deepEqual(rows, [{ n: 1 }]);
    assert.equal(engine.messages.length, 1);
    assert.equal(engine.messages[0]?.op, "query");
    assert.match(
      engine.messages[0]?.before ?? "",
      new RegExp(`^begin;\\nselect set_config\\('app.agency_id', '${agency}', true\\)`),
    );
    assert.equal(engine.messages[0]?.after, "commit");
    // The connection is free and closed for the next transaction, which opens afresh.
    engine.messages.length = 0;
    await withAgency(db, agency, (tx) => sql`select ${2}::int as n`.execute(tx));
    assert.equal(engine.messages.length, 2);
    assert.equal(engine.messages[0]?.after, undefined);
    assert.match(engine.messages[0]?.before ?? "", /^begin;/);
    assert.equal(engine.messages[1]?.sql, "commit");
  });

  it("refuses a statement after the one that ended its transaction, and sends no COMMIT of its own", async () => {
    const engine = new RecordingEngine();
    const db = new Kysely<DB>({ dialect: new PGliteDialect(engine) });
    await assert.rejects(
      withAgency(db, randomUUID(), async (tx) => {
        await tx.executeQuery(endsTransaction(CompiledQuery.raw("select $1::int as n", [1])));
        await tx.executeQuery(CompiledQuery.raw("select $1::int as n", [2]));
      }),
      /the transaction has ended/,
    );
    assert.equal(engine.messages.length, 1);
    assert.equal(engine.messages[0]?.after, "commit");
    // Outside a transaction the mark changes nothing.
    engine.messages.length = 0;
    await db.executeQuery(endsTransaction(CompiledQuery.raw("select $1::int as n", [3])));
    assert.deepEqual(engine.messages, [{ op: "query", sql: "select $1::int as n", before: undefined }]);
  });

  describe("on the real engine", () => {
    let database: Database;
    before(async () => {
      database = await openDatabase({ memory: true });
      await migrateToLatest(database.db);
    });
    after(() => database.close());

    it("runs the first statement as the agency, under the application's role, and ends both with the transaction", async () => {
      const agency = randomUUID();
      const inside = await withAgency(database.db, agency, (tx) =>
        sql<{
          agency: string;
          role: string;
        }>`select current_setting('app.agency_id') as agency, current_user as role`.execute(tx),
      );
      assert.deepEqual(inside.rows[0], { agency, role: "reciprocity_app" });
      const outside = await sql<{ agency: string | null; role: string }>`
        select nullif(current_setting('app.agency_id', true), '') as agency, current_user as role`.execute(database.db);
      assert.equal(outside.rows[0]?.agency, null);
      assert.notEqual(outside.rows[0]?.role, "reciprocity_app");
    });

    it("reads in one message as the agency under the application's role, commits, and rolls back a failed read", async () => {
      const agency = randomUUID();
      const inside = await readAsAgency(database.db, agency, (tx) =>
        sql<{ agency: string; role: string; open: boolean }>`
          select current_setting('app.agency_id') as agency, current_user as role, ${true}::boolean as open`.compile(
          tx,
        ),
      );
      assert.deepEqual(inside, [{ agency, role: "reciprocity_app", open: true }]);
      const outside = async () =>
        (
          await sql<{ agency: string | null; role: string; xact: string }>`
            select nullif(current_setting('app.agency_id', true), '') as agency, current_user as role,
                   txid_current_if_assigned()::text as xact`.execute(database.db)
        ).rows[0];
      assert.equal((await outside())?.agency, null);
      assert.notEqual((await outside())?.role, "reciprocity_app");
      // A failing read ends its transaction too: the error reaches the caller and nothing stays open.
      await assert.rejects(
        readAsAgency(database.db, agency, (tx) => sql`select 1 / ${0}::int as n`.compile(tx)),
        /division by zero/,
      );
      const after = await outside();
      assert.equal(after?.agency, null);
      assert.notEqual(after?.role, "reciprocity_app");
      // The engine serves the next read as usual.
      const sequence = await readAsAgency(database.db, agency, (tx) =>
        sql<{ n: number }>`select ${41}::int + 1 as n`.compile(tx),
      );
      assert.deepEqual(sequence, [{ n: 42 }]);
    });
  });
});
