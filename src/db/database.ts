import { mkdirSync } from "node:fs";
import { CompiledQuery, Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import { endsTransaction, isEmbedded, PGliteDialect } from "./pglite-dialect.ts";
import { PGliteThread } from "./pglite-thread.ts";
import { applicationPool } from "./postgres-pool.ts";
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

export { endsTransaction, isEmbedded };

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
    const { pool: application, onCreateConnection } = applicationPool(pool);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: application, onCreateConnection }) });
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
 * COPYs rows into a table through the caller's connection (inside its transaction, if any):
 * `data` is COPY's text format, a line per row, tab between columns, `\N` for null (copyText
 * escapes a value). PostgreSQL takes it as COPY FROM STDIN, embedded PGlite as the file /dev/blob.
 */
export async function copyRows(
  db: Kysely<DB> | Tx,
  table: string,
  columns: readonly string[],
  data: string,
): Promise<void> {
  if (data.length === 0) {
    return;
  }
  const names = columns.map((c) => `"${c}"`).join(", ");
  await db.executeQuery(CompiledQuery.raw(`copy ${table} (${names}) from stdin`, [data]));
}

/** One value in COPY's text format: backslash, tab and line ends escaped; null as `\N`. */
export function copyText(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) {
    return "\\N";
  }
  const text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPES[ch] as string) : text;
}

const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * Runs `fn` in a transaction scoped to one agency: the connection drops to the non-owner role
 * so row-level security applies, and `app.agency_id` names the caller's agency.
 */
export async function withAgency<T>(
  db: Kysely<DB>,
  agencyId: string,
  fn: (tx: Tx) => Promise<T>,
  options: AgencyReadOptions = {},
): Promise<T> {
  // How the transaction's statements are planned, where the caller knows better than the planner
  // (AgencyReadOptions).
  const planning =
    (options.genericPlans ? ", set_config('plan_cache_mode', 'force_generic_plan', true)" : "") +
    (options.orderedWalk ? ", set_config('enable_sort', 'off', true)" : "");
  return db.transaction().execute(async (tx) => {
    // The agency and the role in one statement (set_config('role', …, true) is SET LOCAL ROLE).
    // A valid UUID is written into the text as a literal: without parameters the statement goes
    // out with the transaction's BEGIN, in one round trip (postgres-pool.ts, PGliteDialect).
    if (UUID.test(agencyId)) {
      await tx.executeQuery(
        CompiledQuery.raw(
          `select set_config('app.agency_id', '${agencyId}', true), set_config('role', 'reciprocity_app', true)${planning}`,
        ),
      );
    } else {
      await sql`select set_config('app.agency_id', ${agencyId}, true), set_config('role', 'reciprocity_app', true)${sql.raw(planning)}`.execute(
        tx,
      );
    }
    return fn(tx);
  });
}

/** How a transaction of the agency's is planned. */
export interface AgencyReadOptions {
  /**
   * Every statement uses its prepared statement's generic plan (plan_cache_mode), instead of
   * PostgreSQL's choice between it and a plan made afresh for the values at each execution. For
   * a statement whose best plan is the same whatever its parameters (a page of the work list
   * without filters: an index range scan of the agency's listing in the sort order), planning
   * afresh only costs: on 200,000 shipments PostgreSQL chose fresh plans for the host's pages and
   * spent as long planning each as running it.
   */
  genericPlans?: boolean;
  /**
   * The planner avoids sorting: a statement that walks an index in its order and stops early (the
   * work list's text windows, which stop at a page of matches) is planned as that walk, even where
   * the planner, not seeing where it stops, would read and sort every row the walk may reach.
   */
  orderedWalk?: boolean;
}

/**
 * Reads with one statement as the agency (withAgency): row-level security applies as in any
 * transaction of the agency's. On the embedded engine the transaction's BEGIN, its settings, the
 * statement and its COMMIT travel in one message, so the engine serves the next caller as soon as
 * the statement has run, without waiting for this process to ask for the commit.
 */
export async function readAsAgency<R>(
  db: Kysely<DB>,
  agencyId: string,
  query: (tx: Tx) => CompiledQuery<R>,
  options: AgencyReadOptions = {},
): Promise<R[]> {
  return withAgency(
    db,
    agencyId,
    async (tx) => {
      const result = await tx.executeQuery(endsTransaction(query(tx)));
      return result.rows;
    },
    options,
  );
}

/** A UUID in its text form: nothing in it needs quoting inside a string literal. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A string as an SQL literal, for the few statements that must travel without parameters (a
 * message of several statements, which the extended protocol cannot carry). Quotes are doubled;
 * with a backslash the literal is an escape string (E'…'), so it reads the same whatever
 * standard_conforming_strings says. PostgreSQL text cannot hold NUL.
 */
export function sqlLiteral(value: string | null): string {
  if (value === null) {
    return "null";
  }
  if (value.includes("\0")) {
    throw new Error("a text value cannot contain NUL");
  }
  const quoted = `'${value.replaceAll("'", "''")}'`;
  return value.includes("\\") ? `E${quoted.replaceAll("\\", "\\\\")}` : quoted;
}

/**
 * Runs `statements` (no parameters; literals from sqlLiteral) as the agency, in one message: the
 * database runs them as one implicit transaction that commits when the last one ends, so nothing
 * they lock waits on a round trip to this process. The agency and role are local to that
 * transaction, as in withAgency.
 */
export async function inOneMessageAsAgency(db: Kysely<DB>, agencyId: string, statements: string): Promise<void> {
  if (!UUID.test(agencyId)) {
    throw new Error("an agency id must be a UUID");
  }
  await db.executeQuery(
    CompiledQuery.raw(
      `select set_config('app.agency_id', '${agencyId}', true), set_config('role', 'reciprocity_app', true);\n${statements}`,
    ),
  );
}
