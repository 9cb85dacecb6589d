import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { openDatabase, readAsAgency, withAgency } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { applicationPool } from "../../src/db/postgres-pool.ts";
import type { DB } from "../../src/db/schema.ts";
import { scratchDatabase } from "../helpers/db.ts";

// On PostgreSQL a read as an agency (readAsAgency) travels as one exchange: its settings and its
// statement before one Sync, one implicit transaction. These tests hold the pool to one connection,
// so every statement after a read runs where the read ran.

const baseUrl = process.env.TEST_DATABASE_URL;

describe("reads as an agency on PostgreSQL", { skip: baseUrl ? false : "TEST_DATABASE_URL is not set" }, () => {
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  const agency = randomUUID();
  let pool: pg.Pool;
  let db: Kysely<DB>;
  /** ReadyForQuery messages received: one per exchange with the server. */
  let exchanges = 0;

  before(async () => {
    scratch = await scratchDatabase(baseUrl as string);
    const migrated = await openDatabase({ url: scratch.url });
    await migrateToLatest(migrated.db);
    await migrated.close();
    pool = new pg.Pool({ connectionString: scratch.url, max: 1 });
    pool.on("connect", (client) => {
      (client as unknown as { connection: NodeJS.EventEmitter }).connection.on("readyForQuery", () => {
        exchanges++;
      });
    });
    const application = applicationPool(pool);
    db = new Kysely<DB>({
      dialect: new PostgresDialect({ pool: application.pool, onCreateConnection: application.onCreateConnection }),
    });
    // The connection is made before counting starts.
    await sql`select 1`.execute(db);
  });

  after(async () => {
    await db?.destroy();
    await scratch?.drop();
  });

  /** Who the connection is outside any transaction. */
  async function outside() {
    const { rows } = await sql<{ agency: string | null; role: string; open: boolean }>`
      select current_setting('app.agency_id', true) as agency, current_user::text as role,
        now() <> statement_timestamp() as open`.execute(db);
    return rows[0];
  }

  it("reads in one exchange, as the agency, and leaves nothing set or open", async () => {
    exchanges = 0;
    const rows = await readAsAgency(db, agency, (tx) =>
      sql<{ agency: string; role: string; n: number }>`
        select current_setting('app.agency_id') as agency, current_user::text as role, ${7}::int as n`.compile(tx),
    );
    assert.deepEqual(rows, [{ agency, role: "reciprocity_app", n: 7 }]);
    assert.equal(exchanges, 1);
    const after = await outside();
    assert.notEqual(after?.agency, agency, "the agency was local to the read's transaction");
    assert.notEqual(after?.role, "reciprocity_app");
    assert.equal(after?.open, false);
  });

  it("keeps a transaction of several statements one transaction, with the agency on every statement", async () => {
    exchanges = 0;
    const seen = await withAgency(db, agency, async (tx) => {
      const first = await sql<{ xid: string; agency: string }>`
        select txid_current()::text as xid, current_setting('app.agency_id') as agency, ${1}::int as n`.execute(tx);
      const second = await sql<{ xid: string; agency: string }>`
        select txid_current()::text as xid, current_setting('app.agency_id') as agency, ${2}::int as n`.execute(tx);
      return [first.rows[0], second.rows[0]];
    });
    assert.equal(seen[0]?.agency, agency);
    assert.equal(seen[1]?.agency, agency);
    assert.equal(seen[0]?.xid, seen[1]?.xid, "both statements ran in one transaction");
    // BEGIN with the settings, two statements, COMMIT.
    assert.equal(exchanges, 4);
    assert.equal((await outside())?.open, false);
  });

  it("answers a failed read with the database's error and goes on serving the connection", async () => {
    await assert.rejects(
      readAsAgency(db, agency, (tx) => sql<{ n: number }>`select 1 / ${0}::int as n`.compile(tx)),
      /division by zero/,
    );
    const rows = await readAsAgency(db, agency, (tx) => sql<{ n: number }>`select ${3}::int as n`.compile(tx));
    assert.deepEqual(rows, [{ n: 3 }]);
    assert.equal((await outside())?.open, false);
  });

  it("parses a statement again after it once failed to parse", async () => {
    const read = () =>
      readAsAgency(db, agency, (tx) =>
        sql<{ n: number }>`select count(*)::int as n from pool_probe where id > ${0}`.compile(tx),
      );
    await assert.rejects(read(), /pool_probe/);
    await sql`create table pool_probe (id int)`.execute(db);
    await sql`insert into pool_probe values (1), (2)`.execute(db);
    await sql`grant select on pool_probe to reciprocity_app`.execute(db);
    assert.deepEqual(await read(), [{ n: 2 }]);
  });
});
