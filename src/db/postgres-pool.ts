import { createHash } from "node:crypto";
import type { CompiledQuery, DatabaseConnection, PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";
import pg from "pg";
import { from as copyStream } from "pg-copy-streams";
import { AGENCY_SETTINGS, copyFromStdin, isLastStatement } from "./pglite-dialect.ts";

/**
 * What the application's connection to PostgreSQL adds to node-postgres's pool, as Kysely sees it.
 *
 * - A `copy … from stdin` statement whose data is its one parameter (copyRows) is streamed with the
 *   COPY protocol on the same connection.
 * - A statement with parameters is a named prepared statement (preparedName): each connection parses
 *   and plans it once.
 * - A transaction's BEGIN, and withAgency's settings, wait for its first statement and travel with
 *   it. When that statement is also its last (endsTransaction: a work-list page, a read) the three
 *   go as one extended-protocol exchange ended by one Sync, without BEGIN: PostgreSQL runs what
 *   comes before a Sync as one transaction, which commits at the Sync. A read is then one round
 *   trip, not three (BEGIN and settings, the statement, COMMIT), and the connection is free as soon
 *   as its answer is in; the COMMIT (or ROLLBACK) the caller sends afterwards is answered here.
 */
export interface ApplicationPool {
  pool: PostgresPool;
  /** Kysely's hook for each new connection: it tells the pool which statement ends its transaction. */
  onCreateConnection: (connection: DatabaseConnection) => Promise<void>;
}

export function applicationPool(pool: pg.Pool): ApplicationPool {
  // Set while Kysely hands a statement marked as its transaction's last to the pool's client: the
  // client is called synchronously from within executeQuery, before anything else can run.
  let isEnding = false;
  return {
    onCreateConnection: async (connection) => {
      const execute = connection.executeQuery.bind(connection);
      connection.executeQuery = <R>(compiled: CompiledQuery) => {
        isEnding = isLastStatement(compiled);
        try {
          return execute<R>(compiled);
        } finally {
          isEnding = false;
        }
      };
    },
    pool: {
      connect: async () => {
        const client = await pool.connect();
        const session = new Session(client, () => isEnding);
        return {
          query: session.query as unknown as PostgresPoolClient["query"],
          release: (destroy?: boolean) => {
            session.reset();
            client.release(destroy);
          },
        };
      },
      end: () => pool.end(),
    },
  };
}

type Text = string | pg.Submittable;

/** One checkout of a pooled connection: where its transaction stands. */
class Session {
  /** BEGIN was asked for and not yet sent. */
  private isBeginPending = false;
  /** withAgency's settings, held with the BEGIN. */
  private settings: string | null = null;
  /** The transaction ended with its last statement; only its COMMIT or ROLLBACK may follow. */
  private hasEnded = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly isEnding: () => boolean,
  ) {}

  reset(): void {
    // A BEGIN never sent opened nothing on the server.
    this.isBeginPending = false;
    this.settings = null;
    this.hasEnded = false;
  }

  query = (text: Text, parameters?: readonly unknown[]): unknown => {
    const hasParameters = (parameters?.length ?? 0) > 0;
    if (this.hasEnded) {
      if (!hasParameters && (text === "commit" || text === "rollback")) {
        this.hasEnded = false;
        return Promise.resolve(result(text.toUpperCase()));
      }
      return Promise.reject(new Error("the transaction has ended: its last statement has run"));
    }
    if (text === "begin" && !this.isBeginPending && !hasParameters) {
      this.isBeginPending = true;
      return Promise.resolve(result("BEGIN"));
    }
    if (!this.isBeginPending) {
      return this.run(text, parameters);
    }
    if (typeof text === "string" && !hasParameters && this.settings === null && AGENCY_SETTINGS.test(text)) {
      // Nothing reads the settings' result.
      this.settings = text;
      return Promise.resolve(result("SELECT"));
    }
    const opening = this.settings === null ? "begin" : `begin;\n${this.settings}`;
    const settings = this.settings;
    this.isBeginPending = false;
    this.settings = null;
    if (
      typeof text === "string" &&
      hasParameters &&
      settings !== null &&
      this.isEnding() &&
      !copyFromStdin(text, parameters ?? [])
    ) {
      this.hasEnded = true;
      return this.afterSettings(settings, text, parameters ?? []);
    }
    if (typeof text === "string" && !hasParameters) {
      // Several statements answer with several results; the caller asked for the last.
      return this.client
        .query(`${opening};\n${text}`)
        .then((results: unknown): unknown => (Array.isArray(results) ? (results as unknown[]).at(-1) : results));
    }
    if (typeof text !== "string") {
      // A cursor is returned as it is, not awaited: the client runs its queries in order.
      this.client.query(opening).catch(() => undefined);
      return this.run(text, parameters);
    }
    return this.client.query(opening).then(async () => this.run(text, parameters));
  };

  private run(text: Text, parameters?: readonly unknown[]): unknown {
    const copy = typeof text === "string" && parameters ? copyFromStdin(text, parameters) : null;
    if (copy) {
      return copyInto(this.client, text as string, copy.data);
    }
    const name = typeof text === "string" && parameters && parameters.length > 0 ? preparedName(text) : undefined;
    // Anything else (statements without parameters, Kysely's cursors) goes to the client as it came.
    return name
      ? this.client.query({ name, text: text as string, values: parameters as unknown[] })
      : this.client.query(text as string, parameters as unknown[]);
  }

  /** The settings and the statement in one exchange, one transaction that ends at its Sync. */
  private afterSettings(settings: string, text: string, parameters: readonly unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const query = new AfterSettings(settings, {
        name: preparedName(text),
        text,
        values: parameters as unknown[],
        callback: (error: Error | undefined, results: unknown) => {
          if (error) {
            reject(error);
          } else {
            // The settings' result, then the statement's.
            resolve(Array.isArray(results) ? results.at(-1) : results);
          }
        },
      });
      this.client.query(query);
    });
  }
}

function result(command: string): PostgresQueryResult<never> & { command: string } {
  return { command, rowCount: 0, rows: [] } as PostgresQueryResult<never> & { command: string };
}

/** node-postgres's query, as far as AfterSettings uses what its typings leave out. */
interface QueryInternals {
  name?: string;
  prepare(connection: PgConnection): void;
  hasBeenParsed(connection: PgConnection): boolean;
  handleError(error: Error, connection: PgConnection): void;
}

interface PgConnection {
  parse(query: { text: string; name?: string }): void;
  bind(config: { portal?: string; statement?: string; values?: unknown[] }): void;
  describe(message: { type: "P" | "S"; name?: string }): void;
  execute(config: { portal?: string; rows?: number }): void;
  parsedStatements: Record<string, string>;
}

const PgQuery = pg.Query as unknown as new (config: {
  name?: string;
  text: string;
  values: unknown[];
  callback: (error: Error | undefined, results: unknown) => void;
}) => QueryInternals & pg.Submittable;

/**
 * A prepared statement preceded, in the same exchange and before its Sync, by a statement without
 * parameters (withAgency's settings) on the unnamed statement and portal. Both answer: the results
 * come as a list of two.
 */
class AfterSettings extends PgQuery {
  private wasParsed = true;

  constructor(
    private readonly settings: string,
    config: ConstructorParameters<typeof PgQuery>[0],
  ) {
    super(config);
  }

  override prepare(connection: PgConnection): void {
    this.wasParsed = this.hasBeenParsed(connection);
    connection.parse({ text: this.settings, name: "" });
    connection.bind({ portal: "", statement: "" });
    connection.describe({ type: "P", name: "" });
    connection.execute({ portal: "" });
    super.prepare(connection);
  }

  override handleError(error: Error, connection: PgConnection): void {
    // The client takes the settings' ParseComplete for the statement's: a statement that did not
    // parse must be parsed again next time.
    if (!this.wasParsed && this.name) {
      delete connection.parsedStatements[this.name];
    }
    super.handleError(error, connection);
  }
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
