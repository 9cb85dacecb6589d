import { mkdirSync } from "node:fs";
import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import { PGliteDialect } from "./pglite-dialect.ts";
import { PGliteThread } from "./pglite-thread.ts";
import type { DB } from "./schema.ts";

/** Where the data lives: a PostgreSQL URL, an embedded data folder, or embedded in memory. */
export type DatabaseTarget = { url: string } | { dataDir: string } | { memory: true };

/** An open database with the engine it runs on. */
export interface Database {
  db: Kysely<DB>;
  engine: "postgres" | "pglite";
  close(): Promise<void>;
}

/** A transaction handle; repositories only ever receive one of these. */
export type Tx = Transaction<DB>;

/** Opens the database named by the target, without migrating it. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if ("url" in target) {
    // Just-in-time compilation costs seconds on the planner's estimates for row-level security
    // subplans and saves nothing on queries that touch a page of rows: off for the application.
    const pool = new pg.Pool({ connectionString: target.url, max: 10, options: "-c jit=off" });
    // An idle connection that the server ends (a restart, an administrator) is dropped from the
    // pool and replaced on demand; unhandled, the pool's error would stop the process.
    pool.on("error", (err) => {
      console.error(`database connection lost: ${err.message}`);
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: "postgres", close: () => db.destroy() };
  }
  if ("dataDir" in target) {
    mkdirSync(target.dataDir, { recursive: true });
  }
  // The embedded engine runs on its own thread so that no statement blocks the event loop.
  const pglite = await PGliteThread.open("dataDir" in target ? target.dataDir : undefined);
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    engine: "pglite",
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

/**
 * Runs `fn` in a transaction scoped to one agency: the connection drops to the non-owner role
 * so row-level security applies, and `app.agency_id` names the caller's agency.
 */
export async function withAgency<T>(db: Kysely<DB>, agencyId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    // One round trip: the agency and the role (set_config('role', …, true) is SET LOCAL ROLE).
    await sql`select set_config('app.agency_id', ${agencyId}, true), set_config('role', 'reciprocity_app', true)`.execute(tx);
    return fn(tx);
  });
}
