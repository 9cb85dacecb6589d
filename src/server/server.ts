import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";
import { openDatabase, type Database, type DatabaseTarget } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { systemClock } from "../domain/clock.ts";
import { sweepDeadlines } from "../domain/deadlines.ts";
import { anchorFileFor, startAnchoring } from "../domain/audit-anchor.ts";
import { closeInstrumentWork, warmInstrumentWork } from "../domain/instrument-work.ts";
import { recoverInterruptedBatches } from "../domain/ingest/recover.ts";
import { EMBEDDED_CHUNK } from "../domain/ingest/run.ts";
import { warmReferenceData } from "../domain/warm-up.ts";
import { scoreAllAgencies } from "../domain/targeting/scoring.ts";
import { DEMO_USERS, ensureDemoWorld, startOfUtcDay } from "../domain/demo/seed.ts";
import { setDemoAccountsActive } from "../domain/users.ts";
import { buildApp } from "./app.ts";

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
}

/** Opens the database, migrates, seeds the demo if asked, and listens until told to stop. */
export async function serve(options: ServeOptions): Promise<{ app: FastifyInstance; database: Database }> {
  const started = Date.now();
  const database = await openDatabase(options.target);
  await migrateToLatest(database.db);
  await recoverInterruptedBatches(database.db, systemClock, { isSoleProcess: database.engine === "pglite" });
  const lines: string[] = [];
  if (options.demo) {
    const result = await ensureDemoWorld(database.db, {
      seed: options.demoSeed,
      anchor: startOfUtcDay(new Date()),
      shipments: 5000,
      password: options.demoPassword,
    });
    lines.push(
      result.isNew ? `Demo world created: ${result.shipments} shipments.` : `Demo world loaded: ${result.shipments} shipments.`,
      `Demo accounts: ${DEMO_USERS.map((u) => u.username).join(", ")}`,
      result.password
        ? `Demo password (shown once, now): ${result.password}`
        : options.demoPassword
          ? "Demo password: the value of RECIPROCITY_DEMO_PASSWORD."
          : "Demo password: the one printed when the demo world was created.",
    );
  }
  await setDemoAccountsActive(database.db, options.demo);
  warmReferenceData();
  warmInstrumentWork();
  const app = await buildApp({
    db: database.db,
    clock: systemClock,
    logger: { level: options.logLevel },
    trustProxy: options.trustProxy,
    allowedOrigins: options.allowedOrigins,
    manifestLimit: options.manifestLimit,
    ingestChunk: database.engine === "pglite" ? EMBEDDED_CHUNK : undefined,
  });
  await app.listen({ port: options.port, host: options.host });
  // The request clock: escalate requests near their cut-off and record misses.
  const sweeper = setInterval(() => {
    sweepDeadlines(database.db, systemClock)
      .then(() => scoreAllAgencies(database.db, systemClock))
      .catch((err: unknown) => app.log.error({ err }, "background sweep failed"));
  }, 30_000);
  sweeper.unref();
  // The audit chain's head is written outside the database, so that a cut tail is noticed.
  const anchorFile = anchorFileFor(options.target);
  const stopAnchoring = anchorFile ? startAnchoring(database.db, anchorFile, 60_000, (err) => app.log.error({ err }, "audit anchoring failed")) : null;
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const where = "url" in options.target ? "PostgreSQL" : "dataDir" in options.target ? `embedded PGlite in ${options.target.dataDir}` : "embedded PGlite in memory";
  console.log(
    [
      "",
      `Reciprocity is running at http://localhost:${port}/ (${where}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      ...lines,
      "",
    ].join("\n"),
  );
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) {
      app.log.error({ err }, "shutting down after an error");
    }
    clearInterval(sweeper);
    await app.close();
    await stopAnchoring?.();
    await closeInstrumentWork();
    await database.close();
  });
  return { app, database };
}
