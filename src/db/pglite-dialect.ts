import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from "kysely";
import type { EmbeddedEngine, StatementResult } from "./pglite-thread.ts";

/** A COPY as it travels through Kysely: `copy table (columns) from stdin`, its data the one parameter. */
const COPY_FROM_STDIN = /^copy\s+([a-z_][a-z0-9_.]*)\s*\([^)]*\)\s+from\s+stdin$/i;

/** The table and data of a COPY FROM STDIN statement (see copyRows in database.ts), or null for any other. */
export function copyFromStdin(sql: string, parameters: readonly unknown[]): { table: string; data: string } | null {
  const match = COPY_FROM_STDIN.exec(sql);
  if (!match || parameters.length !== 1 || typeof parameters[0] !== "string") {
    return null;
  }
  return { table: match[1] as string, data: parameters[0] };
}

/**
 * Kysely dialect for embedded PGlite.
 *
 * PGlite is a single connection, so callers are queued: a transaction holds the connection
 * from `begin` to `commit`, and everybody else waits. Statements without parameters go through
 * `exec` (simple protocol), as node-postgres does, so multi-statement migrations work.
 */
/** PostgreSQL's adapter, marking the Kysely instances that run on the embedded engine (isEmbedded). */
class PGliteAdapter extends PostgresAdapter {}

/** Whether `db` runs on the embedded engine, whose thread takes a whole transaction as one message. */
export function isEmbedded<T>(db: Kysely<T>): boolean {
  return db.getExecutor().adapter instanceof PGliteAdapter;
}

export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: EmbeddedEngine) {}

  createAdapter() {
    return new PGliteAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class PGliteDriver implements Driver {
  private queue: Promise<void> = Promise.resolve();
  private readonly connection: PGliteConnection;

  constructor(pglite: EmbeddedEngine) {
    this.connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.connection.release = release;
    return this.connection;
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : "";
    await conn.executeQuery(CompiledQuery.raw(`begin${isolation}`));
    (conn as PGliteConnection).transaction = "open";
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await this.end(conn as PGliteConnection, "commit");
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await this.end(conn as PGliteConnection, "rollback");
  }

  /** Ends the transaction, unless its last statement already took its end along (endsTransaction). */
  private async end(conn: PGliteConnection, statement: "commit" | "rollback"): Promise<void> {
    const wasEnded = conn.transaction === "ended";
    conn.transaction = "none";
    if (!wasEnded) {
      await conn.executeQuery(CompiledQuery.raw(statement));
    }
  }

  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    // A BEGIN never sent opened nothing.
    (conn as PGliteConnection).pending = null;
    (conn as PGliteConnection).transaction = "none";
    (conn as PGliteConnection).release();
  }

  async destroy(): Promise<void> {}
}

/**
 * withAgency's first statement (src/db/database.ts): the agency and the role, set local to the
 * transaction, with the agency as a literal UUID. Nothing reads its result.
 */
export const AGENCY_SETTINGS =
  /^select set_config\('app\.agency_id', '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', true\), set_config\('role', 'reciprocity_app', true\)(?:, set_config\('plan_cache_mode', 'force_generic_plan', true\))?(?:, set_config\('enable_sort', 'off', true\))?$/i;

/** Statements marked as the last of their transaction (endsTransaction). */
const lastStatements = new WeakSet<CompiledQuery>();

/**
 * Marks a statement as the last of the transaction it runs in: on the embedded engine the
 * transaction's COMMIT travels with it, in the same message (with its BEGIN and settings too when it
 * is also the first), so the engine is free again as soon as it has run. Should it fail, the
 * transaction is rolled back there. Nothing may run in the transaction after it. Elsewhere (on
 * PostgreSQL, or outside a transaction) the mark changes nothing.
 */
export function endsTransaction<Q extends CompiledQuery>(compiled: Q): Q {
  lastStatements.add(compiled);
  return compiled;
}

/** Whether a statement was marked as the last of its transaction (endsTransaction). */
export function isLastStatement(compiled: CompiledQuery): boolean {
  return lastStatements.has(compiled);
}

class PGliteConnection implements DatabaseConnection {
  release: () => void = () => {};
  /** Whether a transaction is open on the connection, or ended by its last statement (endsTransaction). */
  transaction: "none" | "open" | "ended" = "none";
  /**
   * What waits to travel with the transaction's first statement that returns something, in one
   * message to the engine's thread: its BEGIN, and withAgency's settings. The connection is held
   * from BEGIN to COMMIT while everybody else waits, and each message back costs a turn of this
   * process's event loop, which other requests keep busy: one message less per transaction is one
   * wait less while holding it.
   */
  pending: string | null = null;

  constructor(private readonly pglite: EmbeddedEngine) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.run(compiled);
    return {
      rows: result.rows as R[],
      numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows),
    };
  }

  private async run(compiled: CompiledQuery): Promise<StatementResult> {
    if (this.transaction === "ended") {
      throw new Error("the transaction has ended: its last statement has run");
    }
    if (compiled.parameters.length === 0 && compiled.sql === "begin" && this.pending === null) {
      this.pending = "begin";
      return { rows: [] };
    }
    if (compiled.parameters.length === 0 && this.pending === "begin" && AGENCY_SETTINGS.test(compiled.sql)) {
      this.pending = `begin;\n${compiled.sql}`;
      return { rows: [] };
    }
    const before = this.pending ?? undefined;
    this.pending = null;
    if (compiled.parameters.length === 0) {
      return this.pglite.exec(compiled.sql, { before });
    }
    // PGlite reads COPY data from a blob it exposes as the file /dev/blob.
    const copy = copyFromStdin(compiled.sql, compiled.parameters);
    if (copy) {
      if (before) {
        await this.pglite.exec(before);
      }
      return this.pglite.copyFrom(compiled.sql.replace(/stdin$/i, "'/dev/blob'"), copy.table, copy.data);
    }
    if (this.transaction === "open" && lastStatements.has(compiled)) {
      // Ended whatever the answer: the engine's thread commits, or rolls back on an error.
      this.transaction = "ended";
      return this.pglite.query(compiled.sql, [...compiled.parameters], { before, after: "commit" });
    }
    return this.pglite.query(compiled.sql, [...compiled.parameters], { before });
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming is not supported on PGlite");
  }
}
