import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { enqueueMessage } from "../../src/domain/federation/outbox.ts";
import { fed } from "../../src/domain/federation/tables.ts";
import { sampleMessage } from "../../src/federation/samples.ts";
import { launchServer, type ServerProcess } from "../helpers/server-process.ts";
import { JP, peerNodes, seedAgencies } from "./nodes.ts";

// Two real nodes on this machine: the US node on a PostgreSQL database, the Japan node on an
// embedded data folder, each a `reciprocity serve` process. The harness keeps its own connection
// to the sender's PostgreSQL database to queue messages and watch the outbox; the receiver's
// folder is read only when its process is down (an embedded database has one owner).

export interface TwoNodes {
  /** Which node runs on PostgreSQL; the other runs on an embedded folder. */
  receiverOn: "pglite" | "postgres";
  pgUrl: string;
  dir: string;
  receiverPort: number;
  /** The harness's connection to the PostgreSQL node's database (open throughout). */
  pgDb: Database;
  startSender(env?: Record<string, string>): Promise<ServerProcess>;
  startReceiver(env?: Record<string, string>): Promise<ServerProcess>;
  /** Opens the embedded node's folder (only while its process is down). */
  openEmbedded(): Promise<Database>;
  cleanup(): Promise<void>;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Creates both databases, makes them the US (sender) and Japan (receiver) nodes, and peers them. */
export async function prepareTwoNodes(pgBaseUrl: string, receiverOn: "pglite" | "postgres"): Promise<TwoNodes> {
  const name = `reciprocity_fed_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgBaseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(pgBaseUrl);
  url.pathname = `/${name}`;
  const pgUrl = url.toString();
  const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-node-"));
  const receiverPort = await freePort();

  const pgDb = await openDatabase({ url: pgUrl });
  const embedded = await openDatabase({ dataDir: dir });
  await Promise.all([migrateToLatest(pgDb.db), migrateToLatest(embedded.db)]);
  await seedAgencies(pgDb.db);
  await seedAgencies(embedded.db);
  const [usDb, jpDb] = receiverOn === "pglite" ? [pgDb, embedded] : [embedded, pgDb];
  await peerNodes(usDb, jpDb, { us: "http://127.0.0.1:9", jp: `http://127.0.0.1:${receiverPort}` });
  await embedded.close();

  const quiet = { LOG_LEVEL: "error" };
  const onPg = (env: Record<string, string>) => ({ ...quiet, DATABASE_URL: pgUrl, ...env });
  const onDir = (env: Record<string, string>) => ({ ...quiet, DATABASE_URL: "", ...env });
  const receiverArgs = ["--port", String(receiverPort)];
  return {
    receiverOn,
    pgUrl,
    dir,
    receiverPort,
    pgDb,
    startSender: (env = {}) =>
      receiverOn === "pglite"
        ? launchServer({ env: onPg(env) })
        : launchServer({ args: ["--data-dir", dir], env: onDir(env) }),
    startReceiver: (env = {}) =>
      receiverOn === "pglite"
        ? launchServer({ args: ["--data-dir", dir, ...receiverArgs], env: onDir(env) })
        : launchServer({ args: receiverArgs, env: onPg(env) }),
    openEmbedded: () => openDatabase({ dataDir: dir }),
    cleanup: async () => {
      await pgDb.close();
      const drop = new pg.Client({ connectionString: pgBaseUrl });
      await drop.connect();
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Queues `count` sample messages of every kind over `subjects` containers, `chunk` per transaction. */
export async function queueSamples(
  db: Database,
  from: number,
  count: number,
  subjects: number,
  chunk = 250,
): Promise<void> {
  for (let start = from; start < from + count; start += chunk) {
    const end = Math.min(from + count, start + chunk);
    await db.db.transaction().execute(async (tx) => {
      for (let n = start; n < end; n++) {
        const sample = sampleMessage(Math.floor(n / subjects), n % subjects);
        await enqueueMessage(tx, { peerAgency: JP, ...sample });
      }
    });
  }
}

/** Outbox totals on the sender. */
export async function outboxTotals(db: Database): Promise<{
  total: number;
  delivered: number;
  dead: number;
  retried: number;
  attempts: number;
  duplicates: number;
  queued: number;
}> {
  const row = await fed(db.db)
    .selectFrom("federation_outbox")
    .select([
      sql<string>`count(*)`.as("total"),
      sql<string>`count(*) filter (where state = 'delivered')`.as("delivered"),
      sql<string>`count(*) filter (where state = 'dead')`.as("dead"),
      sql<string>`count(*) filter (where attempts > 1)`.as("retried"),
      sql<string>`coalesce(sum(attempts), 0)`.as("attempts"),
      sql<string>`count(*) filter (where receipt_status = 'duplicate')`.as("duplicates"),
      sql<string>`count(*) filter (where receipt_status = 'queued')`.as("queued"),
    ])
    .executeTakeFirstOrThrow();
  return {
    total: Number(row.total),
    delivered: Number(row.delivered),
    dead: Number(row.dead),
    retried: Number(row.retried),
    attempts: Number(row.attempts),
    duplicates: Number(row.duplicates),
    queued: Number(row.queued),
  };
}
