// The embedded database's own thread. PGlite runs PostgreSQL compiled to WebAssembly, and every
// statement runs to completion on the thread that calls it; hosting it here keeps the server's
// event loop free while a large ingest or a slow report runs.
import { PGlite, protocol } from "@electric-sql/pglite";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { parentPort, workerData } from "node:worker_threads";
import type { HostReply, HostRequest } from "./pglite-protocol.ts";
import { ARRAY_TYPES_SQL, readReplies, type ArrayType, type WireReplies } from "./pglite-wire.ts";

const port = parentPort;
if (!port) {
  throw new Error("pglite-host runs only as a worker thread");
}
const { dataDir } = workerData as { dataDir?: string };

// Fields of a PostgreSQL error that callers may act on; the rest stays in this thread.
const ERROR_FIELDS = [
  "code",
  "detail",
  "hint",
  "constraint",
  "table",
  "column",
  "schema",
  "severity",
  "where",
  "position",
] as const;

function describeError(err: unknown): Extract<HostReply, { ok: false }>["error"] {
  const source = (err ?? {}) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const name of ERROR_FIELDS) {
    if (typeof source[name] === "string") {
      fields[name] = source[name];
    }
  }
  return { message: err instanceof Error ? err.message : String(err), fields };
}

const pglite = new PGlite({
  dataDir,
  // pg returns int8 as string; make PGlite agree so code is engine-agnostic.
  parsers: { 20: (value: string) => value },
  // Trigram indexes serve the work list's free-text filter (migrations/0014), with the agency in
  // the same index through btree_gin (migrations/0040).
  extensions: { btree_gin, pg_trgm },
  // The buffer pool lives in the WebAssembly heap, which grows as pages are touched and never
  // gives memory back: at PostgreSQL's 128 MB it fills during the first large upload and stays.
  // Pages beyond it are read from the data folder through the operating system's file cache,
  // which the system can reclaim. RECIPROCITY_EMBEDDED_SHARED_BUFFERS sets it (e.g. "128MB").
  startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${sharedBuffers()}`],
});

function sharedBuffers(): string {
  const wanted = process.env.RECIPROCITY_EMBEDDED_SHARED_BUFFERS ?? "32MB";
  if (!/^\d{1,6}(kB|MB|GB)$/.test(wanted)) {
    throw new Error(`RECIPROCITY_EMBEDDED_SHARED_BUFFERS must be a size such as 64MB, not ${JSON.stringify(wanted)}`);
  }
  return wanted;
}

/**
 * COPY … FROM '/dev/blob' reads a server-side file, which PostgreSQL lets only the superuser do,
 * whereas the application copies under its own role (COPY FROM STDIN on PostgreSQL). So the role
 * is checked here as PostgreSQL would check COPY FROM STDIN (INSERT on the table, and no
 * row-level security on it, which COPY FROM cannot apply), then the file is read with the
 * session's privileges and the caller's role restored.
 */
async function copyFromBlob(sql: string, table: string, data: string): Promise<number | undefined> {
  const { rows } = await pglite.query<{ role: string; allowed: boolean }>(
    `select current_setting('role') as role,
            has_table_privilege($1, 'INSERT') and not coalesce((select relrowsecurity from pg_class where oid = $1::regclass), true) as allowed`,
    [table],
  );
  const role = rows[0]?.role ?? "none";
  if (role !== "none" && !rows[0]?.allowed) {
    throw Object.assign(new Error(`permission denied to COPY into ${table}`), { code: "42501" });
  }
  if (role !== "none") {
    await pglite.exec("set local role none");
  }
  // Should the COPY fail, the transaction is aborted and its rollback restores the role.
  const result = await pglite.query(sql, [], { blob: new Blob([data]) });
  if (role !== "none") {
    await pglite.query("select set_config('role', $1, true)", [role]);
  }
  return result.affectedRows;
}

/**
 * Statements with parameters run as named prepared statements, as on PostgreSQL (database.ts): the
 * embedded engine plans a work-list page, row-level security and all, in far longer than it runs
 * it, and a named statement keeps its plan. The protocol messages are those PGlite's own query()
 * sends, with a name: Parse and Describe once per text, then Bind, Describe, Execute and Sync.
 *
 * PostgreSQL itself keeps a kept plan honest: it plans again when a table the statement reads
 * changes, or the role or search_path it was planned under is not the current one. What is left to
 * this side is how many statements to keep (texts differ with the length of an IN list, so they
 * are many): the least recently used one is closed when a new one would pass MAX_PREPARED.
 */
interface Statement {
  name: string;
  paramTypes: number[];
}
/** Statements by text, least recently used first (a use moves the text to the end). */
const prepared = new Map<string, Statement>();
const MAX_PREPARED = 400;
let statementsMade = 0;
/**
 * Errors after which a kept statement is closed and parsed again on its next use: its result's
 * columns changed under it (0A000, "cached plan must not change result type", after a migration),
 * or the server no longer knows it (26000).
 */
const STALE_STATEMENT = new Set(["0A000", "26000"]);
const { serialize } = protocol;

/**
 * Sends `parts` (frontend protocol messages) to the engine as one message and reads what it
 * writes back (pglite-wire.ts). The engine runs them in order; after an error in an extended
 * query it skips to that query's Sync, as PostgreSQL does.
 */
async function exchange(parts: Uint8Array[]): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  await pglite.execProtocolRawStream(Buffer.concat(parts), {
    syncToFs: false,
    // A view of the engine's memory, valid during the call only: copied into memory of its own.
    onRawData: (bytes) => {
      chunks.push(bytes.slice());
      size += bytes.length;
    },
  });
  // The reply fills its own ArrayBuffer (never a shared pool's), so that it can be moved to the
  // server's thread.
  let whole = chunks[0] ?? new Uint8Array(0);
  if (chunks.length > 1) {
    whole = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      whole.set(chunk, at);
      at += chunk.length;
    }
  }
  return Buffer.from(whole.buffer, whole.byteOffset, whole.length);
}

/**
 * A parameter of a type without a serializer (numeric, say) in text form. It must not throw: the
 * protocol writer is shared, and a message left half written would corrupt the next one.
 */
function asText(value: unknown): string {
  if (typeof value === "string") {
    return value;
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (value instanceof Uint8Array) {
    // Bytes go to the protocol writer as they are.
    return value as unknown as string;
  }
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    return String(value);
  }
  return JSON.stringify(value) ?? "";
}

/** The kept statement for a text, marked as just used. */
function keptStatement(sql: string): Statement | undefined {
  const known = prepared.get(sql);
  if (known) {
    prepared.delete(sql);
    prepared.set(sql, known);
  }
  return known;
}

/**
 * Parses and describes a new statement, after `head` (the caller's `before`, if any), closing the
 * least recently used one if the new one would pass MAX_PREPARED. Returns the replies (an error
 * among them is the caller's to handle) and the statement, unless it could not be made.
 */
async function makeStatement(sql: string, head: Uint8Array[]): Promise<{ replies: WireReplies; made?: Statement }> {
  const parts = [...head];
  const oldest = prepared.size >= MAX_PREPARED ? prepared.entries().next().value : undefined;
  if (oldest) {
    prepared.delete(oldest[0]);
    parts.push(serialize.close({ type: "S", name: oldest[1].name }));
  }
  // Names are never reused, so a statement closed above can never be mistaken for a new one.
  const name = `k${++statementsMade}`;
  parts.push(
    serialize.parse({ name, text: sql, types: [] }),
    serialize.describe({ type: "S", name }),
    serialize.sync(),
  );
  const replies = readReplies(await exchange(parts), pglite.parsers);
  if (replies.error) {
    return { replies };
  }
  const made = { name, paramTypes: replies.segments.at(-1)?.paramTypes ?? [] };
  prepared.set(sql, made);
  return { replies, made };
}

/** Closes a statement that went stale. Should the server refuse, it keeps a statement under a name never used again. */
async function closeStatement(name: string): Promise<void> {
  await exchange([serialize.close({ type: "S", name }), serialize.sync()]).catch(() => undefined);
}

function isStale(err: unknown): boolean {
  return STALE_STATEMENT.has(String((err as { code?: unknown }).code));
}

/**
 * A statement's answer: its rows, or the engine's reply as it wrote it (`wire`, checked for errors)
 * with the index of the Sync whose result is the statement's, for the server's thread to decode.
 */
type Outcome = { rows: unknown[]; affectedRows?: number } | { wire: Buffer; segment: number };

/**
 * Runs a statement with parameters as a named prepared statement, with the statements of `before`
 * and `after` (no parameters) in the same message: BEGIN and the agency's settings, the page's
 * statement and COMMIT cost the engine one call. Should the statement fail, the COMMIT that follows
 * it in the message rolls the transaction back; should the statement not even parse, no COMMIT was
 * sent and handle() rolls back.
 */
async function runNamed(sql: string, params: unknown[], before?: string, after?: string): Promise<Outcome> {
  // The lock PGlite's own query() takes, so that no other statement's messages interleave with these.
  return pglite._runExclusiveQuery(async () => {
    let head = before ? [serialize.query(before)] : [];
    let statement = keptStatement(sql);
    if (!statement) {
      const { replies, made } = await makeStatement(sql, head);
      if (!made) {
        throw replies.error ?? new Error("the statement could not be prepared");
      }
      statement = made;
      head = [];
    }
    const values = params.map((value, i) => {
      if (value === null || value === undefined) {
        return null;
      }
      const serializer = pglite.serializers[statement.paramTypes[i] ?? 0];
      return serializer ? serializer(value) : asText(value);
    });
    const wire = await exchange([
      ...head,
      serialize.bind({ statement: statement.name, values }),
      serialize.describe({ type: "P" }),
      serialize.execute({}),
      serialize.sync(),
      ...(after ? [serialize.query(after)] : []),
    ]);
    // Errors are read here; the rows, where they are used.
    const replies = readReplies(wire, pglite.parsers, { rows: false });
    if (replies.error) {
      if (isStale(replies.error) && prepared.get(sql) === statement) {
        prepared.delete(sql);
        await closeStatement(statement.name);
      }
      throw replies.error;
    }
    return { wire, segment: head.length };
  });
}

async function query(sql: string, params: unknown[], before?: string, after?: string): Promise<Outcome> {
  if (params.length === 0) {
    if (before) {
      await pglite.exec(before);
    }
    const result = await pglite.query(sql, params);
    if (after) {
      await pglite.exec(after);
    }
    return { rows: result.rows, affectedRows: result.affectedRows };
  }
  try {
    return await runNamed(sql, params, before, after);
  } catch (err) {
    // Nothing was done but the failed message, now rolled back: run it again, parsed anew.
    if (isStale(err) && !pglite.isInTransaction() && (!before || after)) {
      return runNamed(sql, params, before, after);
    }
    throw err;
  }
}

async function handle(request: HostRequest): Promise<HostReply> {
  switch (request.op) {
    case "exec": {
      const results = await pglite.exec(request.before ? `${request.before};\n${request.sql}` : request.sql);
      const last = results.at(-1);
      return { id: request.id, ok: true, rows: last?.rows ?? [], affectedRows: last?.affectedRows };
    }
    case "query": {
      try {
        const result = await query(request.sql, request.params, request.before, request.after);
        if ("wire" in result) {
          return { id: request.id, ok: true, wire: result.wire.buffer as ArrayBuffer, segment: result.segment };
        }
        return { id: request.id, ok: true, rows: result.rows, affectedRows: result.affectedRows };
      } catch (err) {
        // The caller was told its transaction ends with this message: it ends, and the error is reported.
        if (request.after && pglite.isInTransaction()) {
          await pglite.exec("rollback").catch(() => undefined);
        }
        throw err;
      }
    }
    case "copy":
      return {
        id: request.id,
        ok: true,
        rows: [],
        affectedRows: await copyFromBlob(request.sql, request.table, request.data),
      };
    case "close":
      await pglite.close();
      return { id: request.id, ok: true, rows: [] };
  }
}

// Open, with the array types the server's thread needs to read rows as this thread would.
pglite.waitReady
  .then(() => pglite.query<ArrayType>(ARRAY_TYPES_SQL))
  .then(
    ({ rows }) => port.postMessage({ id: 0, ok: true, rows } satisfies HostReply),
    (err: unknown) => port.postMessage({ id: 0, ok: false, error: describeError(err) } satisfies HostReply),
  );

// The dialect sends one statement at a time, so replies keep the order of requests.
port.on("message", (request: HostRequest) => {
  handle(request).then(
    // A reply's bytes are moved to the server's thread, not copied.
    (reply) => port.postMessage(reply, "wire" in reply ? [reply.wire] : []),
    (err: unknown) => port.postMessage({ id: request.id, ok: false, error: describeError(err) } satisfies HostReply),
  );
});
