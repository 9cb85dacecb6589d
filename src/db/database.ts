import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  sql,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
  type Transaction,
} from "kysely";
import pg from "pg";
import { from as copyStream } from "pg-copy-streams";
import { copyFromStdin, endsTransaction, isEmbedded, PGliteDialect } from "./pglite-dialect.ts";
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
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: withCopy(pool) }) });
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
 * The pg pool as Kysely sees it, with one addition: a `copy … from stdin` statement whose data is
 * its one parameter (copyRows) is streamed with the COPY protocol on the same connection.
 */
function withCopy(pool: pg.Pool): PostgresPool {
  return {
    connect: async () => {
      const client = await pool.connect();
      // A transaction's BEGIN waits for its first statement and, when that statement has no
      // parameters, travels with it as one simple-protocol query (withAgency's first statement
      // is such): one round trip less per transaction.
      let isBeginPending = false;
      const run = (text: string | pg.Submittable, parameters?: readonly unknown[]): unknown => {
        const copy = typeof text === "string" && parameters ? copyFromStdin(text, parameters) : null;
        if (copy) {
          return copyInto(client, text as string, copy.data);
        }
        const name = typeof text === "string" && parameters && parameters.length > 0 ? preparedName(text) : undefined;
        // Anything else (statements without parameters, Kysely's cursors) goes to the client as it came.
        return name
          ? client.query({ name, text: text as string, values: parameters as unknown[] })
          : client.query(text as string, parameters as unknown[]);
      };
      const query = ((text: string | pg.Submittable, parameters?: readonly unknown[]) => {
        if (text === "begin" && !isBeginPending && (parameters?.length ?? 0) === 0) {
          isBeginPending = true;
          return Promise.resolve({ command: "BEGIN", rowCount: null, rows: [] });
        }
        if (!isBeginPending) {
          return run(text, parameters);
        }
        isBeginPending = false;
        if (typeof text === "string" && (parameters?.length ?? 0) === 0) {
          // Two statements answer with two results; the caller asked for the second.
          return client
            .query(`begin;\n${text}`)
            .then((results: unknown): unknown => (Array.isArray(results) ? (results as unknown[]).at(-1) : results));
        }
        if (typeof text !== "string") {
          // A cursor is returned as it is, not awaited: the client runs its queries in order.
          client.query("begin").catch(() => undefined);
          return run(text, parameters);
        }
        return client.query("begin").then(async () => run(text, parameters));
      }) as unknown as PostgresPoolClient["query"];
      return {
        query,
        release: (destroy?: boolean) => {
          // A BEGIN never sent opened nothing on the server.
          isBeginPending = false;
          client.release(destroy);
        },
      };
    },
    end: () => pool.end(),
  };
}

/**
 * Statement texts given a name, so that each connection parses and plans them once and keeps the
 * plan: a work-list page spends more time planning (row-level security adds a policy per table)
 * than running. Kysely builds the same text for the same query shape; texts that differ only in
 * the length of an IN list are distinct, so the names are capped and the rest run unnamed.
 */
const preparedNames = new Map<string, string>();
const MAX_PREPARED = 400;

function preparedName(text: string): string | undefined {
  const known = preparedNames.get(text);
  if (known !== undefined || preparedNames.size >= MAX_PREPARED) {
    return known;
  }
  const name = `k${createHash("sha1").update(text).digest("base64url")}`;
  preparedNames.set(text, name);
  return name;
}

async function copyInto(client: pg.PoolClient, text: string, data: string): Promise<PostgresQueryResult<never>> {
  const stream = client.query(copyStream(text));
  await new Promise<void>((resolve, reject) => {
    stream.on("error", reject);
    stream.on("finish", resolve);
    stream.end(data);
  });
  return { command: "INSERT", rowCount: stream.rowCount, rows: [] };
}

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
  // A kept plan for every statement of the transaction, where the caller knows that its statements'
  // plans do not depend on their parameters' values (readAsAgency).
  const planning = options.genericPlans ? ", set_config('plan_cache_mode', 'force_generic_plan', true)" : "";
  return db.transaction().execute(async (tx) => {
    // The agency and the role in one statement (set_config('role', …, true) is SET LOCAL ROLE).
    // A valid UUID is written into the text as a literal: without parameters the statement goes
    // out with the transaction's BEGIN, in one round trip (withCopy, PGliteDialect).
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
