import type { Worker } from "node:worker_threads";
import { spawnWorker } from "../workers/spawn.ts";
import type { HostReply, HostRequest } from "./pglite-protocol.ts";
import { engineParsers, readReplies, type ArrayType, type TypeParsers } from "./pglite-wire.ts";

/** What one statement returns. */
export interface StatementResult {
  rows: unknown[];
  affectedRows?: number;
}

/** An embedded database that answers statements, wherever it runs. */
export interface EmbeddedEngine {
  /**
   * Runs SQL without parameters (simple protocol; several statements allowed); the last result.
   * `before` (SQL without parameters: BEGIN and the like) runs first, in the same call.
   */
  exec(sql: string, options?: { before?: string }): Promise<StatementResult>;
  /**
   * Runs one statement with parameters; `before` runs first and `after` last, in the same call (when
   * the statement fails inside a transaction that `after` would have ended, it is rolled back).
   */
  query(sql: string, params: unknown[], options?: { before?: string; after?: string }): Promise<StatementResult>;
  /** Runs `COPY table (…) FROM '/dev/blob'` with `data` as the blob (text format). */
  copyFrom(sql: string, table: string, data: string): Promise<StatementResult>;
  close(): Promise<void>;
}

type Pending = { resolve: (result: StatementResult) => void; reject: (err: Error) => void };

/** A database error rebuilt on this side, with PostgreSQL's fields (code, constraint, …) intact. */
function rebuildError(error: Extract<HostReply, { ok: false }>["error"]): Error {
  return Object.assign(new Error(error.message), error.fields);
}

/**
 * PGlite on its own worker thread: the server's event loop only posts statements and receives
 * their replies, so a long statement never stalls other users' requests. A statement with
 * parameters comes back as the engine's bytes, decoded here (pglite-wire.ts): the engine's thread,
 * which every request waits for, is free sooner, and the rows are built once, where they are used,
 * instead of built there and copied across.
 */
export class PGliteThread implements EmbeddedEngine {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;
  /** The engine's value parsers, for the replies decoded on this thread. */
  private parsers: TypeParsers = {};

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: HostReply) => this.settle(reply));
    worker.on("error", (err) => this.fail(err));
    worker.on("exit", (code) => this.fail(new Error(`the embedded database thread stopped (exit ${code})`)));
  }

  /** Starts the thread and waits until the database is open. */
  static async open(dataDir: string | undefined): Promise<PGliteThread> {
    const worker = await spawnWorker(new URL("./pglite-host.ts", import.meta.url), { dataDir });
    const thread = new PGliteThread(worker);
    const opened = await new Promise<StatementResult>((resolve, reject) => thread.pending.set(0, { resolve, reject }));
    thread.parsers = engineParsers(opened.rows as ArrayType[]);
    return thread;
  }

  exec(sql: string, options?: { before?: string }): Promise<StatementResult> {
    return this.send({ id: this.nextId++, op: "exec", sql, before: options?.before });
  }

  query(sql: string, params: unknown[], options?: { before?: string; after?: string }): Promise<StatementResult> {
    return this.send({ id: this.nextId++, op: "query", sql, params, before: options?.before, after: options?.after });
  }

  copyFrom(sql: string, table: string, data: string): Promise<StatementResult> {
    return this.send({ id: this.nextId++, op: "copy", sql, table, data });
  }

  async close(): Promise<void> {
    if (!this.failure) {
      await this.send({ id: this.nextId++, op: "close" });
    }
    this.failure ??= new Error("the embedded database is closed");
    await this.worker.terminate();
  }

  private send(request: HostRequest): Promise<StatementResult> {
    if (this.failure) {
      return Promise.reject(this.failure);
    }
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  private settle(reply: HostReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) {
      return;
    }
    this.pending.delete(reply.id);
    if (!reply.ok) {
      waiting.reject(rebuildError(reply.error));
    } else if ("wire" in reply) {
      try {
        const segment = readReplies(Buffer.from(reply.wire), this.parsers).segments[reply.segment];
        waiting.resolve({ rows: segment?.results.at(-1)?.rows ?? [], affectedRows: segment?.affectedRows ?? 0 });
      } catch (err) {
        waiting.reject(err instanceof Error ? err : new Error(String(err)));
      }
    } else {
      waiting.resolve({ rows: reply.rows, affectedRows: reply.affectedRows });
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiting of this.pending.values()) {
      waiting.reject(err);
    }
    this.pending.clear();
  }
}
