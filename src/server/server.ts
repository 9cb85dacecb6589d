import { randomBytes } from "node:crypto";
import v8 from "node:v8";
import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";
import { exclusiveRunner } from "../db/advisory-lock.ts";
import { openDatabase, type Database, type DatabaseTarget } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { systemClock } from "../domain/clock.ts";
import { closeInstrumentWork, warmInstrumentWork } from "../domain/instrument-work.ts";
import { recoverInterruptedBatches } from "../domain/ingest/recover.ts";
import { EMBEDDED_CHUNK } from "../domain/ingest/run.ts";
import { warmReferenceData } from "../domain/warm-up.ts";
import { DEMO_USERS, ensureDemoWorld, startOfUtcDay } from "../domain/demo/seed.ts";
import { createServices } from "../domain/services.ts";
import { setDemoAccountsActive } from "../domain/users.ts";
import { buildApp } from "./app.ts";
import { startBackground } from "./background.ts";
import { isClusterWorker, startCluster } from "./cluster.ts";

/** How to run the server. */
export interface ServeOptions {
  target: DatabaseTarget;
  port: number;
  host: string;
  demo: boolean;
  demoPassword?: string;
  demoSeed: number;
  logLevel: string;
  trustProxy?: readonly string[];
  allowedOrigins?: readonly string[];
  manifestLimit?: number;
  /** Server processes; more than one forks workers (PostgreSQL only). Default 1: no cluster. */
  workers?: number;
  /** A read replica for reports and metrics (PostgreSQL only). */
  readUrl?: string;
}

/** Why `--workers` above 1 is refused on the embedded database. */
export const EMBEDDED_SINGLE_PROCESS =
  "--workers above 1 needs PostgreSQL (set DATABASE_URL): an embedded PGlite database belongs to one process";

/**
 * Runs the server until told to stop: in this process (the default), or as the primary of
 * `workers` processes, or as one of those workers when the primary forked this process.
 */
export async function serve(options: ServeOptions): Promise<void> {
  keepHeapsTight();
  if (isClusterWorker()) {
    return serveAsWorker(options);
  }
  if ((options.workers ?? 1) > 1) {
    return serveAsPrimary(options);
  }
  return serveAlone(options);
}

/**
 * How far V8 lets a heap grow past what survived its last full collection before collecting again,
 * in percent. V8's own factor reaches 4× when collecting looks cheap, which let a large upload's
 * short-lived records (they outlive a young-generation collection while their chunk is written)
 * pile up to 400 MB of garbage in the main thread. At 50 % the server collects more often, each
 * time briefly (marking runs alongside the event loop), and holds a fraction of that. The flag is
 * process-wide, so the database and analysis threads follow it too.
 */
const HEAP_GROWING_PERCENT = 50;

function keepHeapsTight(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** One process does everything: today's `serve`. */
async function serveAlone(options: ServeOptions): Promise<void> {
  const started = Date.now();
  const database = await openDatabase(options.target);
  const lines = await prepareDatabase(database, options);
  const running = await startHttp(database, options);
  const port = addressPort(running.app) ?? options.port;
  console.log(banner(options, port, started, lines));
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) {
      running.app.log.error({ err }, "shutting down after an error");
    }
    await running.close();
  });
}

/**
 * The primary of a cluster: migrates, recovers and seeds once, then forks the workers (which skip
 * all of that) and stops them gracefully on SIGTERM or SIGINT. A second signal kills them.
 */
async function serveAsPrimary(options: ServeOptions): Promise<void> {
  const workers = options.workers ?? 1;
  if (!("url" in options.target)) {
    throw new Error(EMBEDDED_SINGLE_PROCESS);
  }
  const started = Date.now();
  const database = await openDatabase(options.target);
  let lines: string[];
  try {
    lines = await prepareDatabase(database, options);
  } finally {
    await database.close();
  }
  // Paging cursors are signed (src/domain/paging.ts): workers that sign with different keys would
  // refuse each other's cursors, so without a configured key the primary makes one for them all.
  const env: Record<string, string> = {};
  if (!process.env.RECIPROCITY_CURSOR_KEY) {
    env.RECIPROCITY_CURSOR_KEY = randomBytes(32).toString("base64url");
    lines.push(
      "Paging cursors are signed with a key made for these workers; set RECIPROCITY_CURSOR_KEY to share one across servers and restarts.",
    );
  }
  const running = await startCluster({ workers, env });
  lines.unshift(`Worker processes: ${workers} (pids ${running.pids().join(", ")}), primary pid ${process.pid}`);
  console.log(banner(options, running.port, started, lines));
  let isStopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (isStopping) {
      console.error(`second ${signal}: killing the workers`);
      running.kill();
      process.exit(1);
    }
    isStopping = true;
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error("stopping the workers failed:", err);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

/** A worker of the cluster: serves HTTP and takes its turns at background work; the primary prepared the database. */
async function serveAsWorker(options: ServeOptions): Promise<void> {
  const database = await openDatabase(options.target);
  const running = await startHttp(database, options);
  // The primary decides when workers stop (it forwards SIGTERM); a terminal's Ctrl-C reaches the
  // whole process group, and a worker that also reacted to it would take the primary's SIGTERM
  // for a second signal and stop without finishing its requests.
  process.on("SIGINT", () => undefined);
  closeWithGrace({ delay: 10_000, skip: ["SIGINT"] }, async ({ err }) => {
    if (err) {
      running.app.log.error({ err }, "worker shutting down after an error");
    }
    await running.close();
  });
}

/** Migrates, closes the batches of dead processes, seeds the demo if asked; returns the lines to print. */
async function prepareDatabase(database: Database, options: ServeOptions): Promise<string[]> {
  await migrateToLatest(database.db);
  const exclusive = exclusiveRunner(database.db, database.engine);
  await exclusive("batchRecovery", () =>
    recoverInterruptedBatches(database.db, systemClock, { isSoleProcess: database.engine === "pglite" }),
  );
  const lines: string[] = [];
  if (options.demo) {
    const result = await ensureDemoWorld(database.db, {
      seed: options.demoSeed,
      anchor: startOfUtcDay(new Date()),
      shipments: 5000,
      password: options.demoPassword,
    });
    lines.push(
      result.isNew
        ? `Demo world created: ${result.shipments} shipments.`
        : `Demo world loaded: ${result.shipments} shipments.`,
      `Demo accounts: ${DEMO_USERS.map((u) => u.username).join(", ")}`,
      result.password
        ? `Demo password (shown once, now): ${result.password}`
        : options.demoPassword
          ? "Demo password: the value of RECIPROCITY_DEMO_PASSWORD."
          : "Demo password: the one printed when the demo world was created.",
    );
  }
  await setDemoAccountsActive(database.db, options.demo);
  return lines;
}

/** Builds the app on the database (and the read replica, if any), listens, and starts the background work. */
async function startHttp(
  database: Database,
  options: ServeOptions,
): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const replica = options.readUrl ? await openDatabase({ url: options.readUrl }) : null;
  warmReferenceData();
  warmInstrumentWork();
  // The use cases are bound to the databases and the clock once; every route calls these.
  const services = createServices({ db: database.db, readDb: replica?.db, clock: systemClock });
  const app = await buildApp({
    db: database.db,
    readDb: replica?.db,
    clock: systemClock,
    services,
    logger: { level: options.logLevel },
    trustProxy: options.trustProxy,
    allowedOrigins: options.allowedOrigins,
    manifestLimit: options.manifestLimit,
    ingestChunk: database.engine === "pglite" ? EMBEDDED_CHUNK : undefined,
    // Live updates LISTEN on their own connection to the same server.
    eventListenUrl: "url" in options.target ? options.target.url : undefined,
  });
  await app.listen({ port: options.port, host: options.host });
  const stopBackground = startBackground(database, options.target, systemClock, app.log);
  return {
    app,
    close: async () => {
      await app.close();
      await stopBackground();
      await closeInstrumentWork();
      await replica?.close();
      await database.close();
    },
  };
}

function addressPort(app: FastifyInstance): number | null {
  const address = app.server.address();
  return typeof address === "object" && address ? address.port : null;
}

function banner(options: ServeOptions, port: number, started: number, lines: string[]): string {
  const where =
    "url" in options.target
      ? "PostgreSQL"
      : "dataDir" in options.target
        ? `embedded PGlite in ${options.target.dataDir}`
        : "embedded PGlite in memory";
  return [
    "",
    `Reciprocity is running at http://localhost:${port}/ (${where}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    ...lines,
    "",
  ].join("\n");
}
