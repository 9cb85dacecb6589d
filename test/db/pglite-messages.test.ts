import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Kysely, sql } from "kysely";
import { openDatabase, withAgency, type Database } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { PGliteDialect } from "../../src/db/pglite-dialect.ts";
import type { EmbeddedEngine, StatementResult } from "../../src/db/pglite-thread.ts";
import type { DB } from "../../src/db/schema.ts";

// A transaction holds the embedded engine from BEGIN to COMMIT while other requests wait, so its
// BEGIN and withAgency's settings travel with its first real statement, in one message.

/** Records what reaches the engine's thread. */
class RecordingEngine implements EmbeddedEngine {
  readonly messages: { op: string; sql: string; before?: string }[] = [];
  async exec(text: string, options?: { before?: string }): Promise<StatementResult> {
    this.messages.push({ op: "exec", sql: text, before: options?.before });
    return { rows: [] };
  }
  async query(text: string, _params: unknown[], options?: { before?: string }): Promise<StatementResult> {
    this.messages.push({ op: "query", sql: text, before: options?.before });
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
  });
});
