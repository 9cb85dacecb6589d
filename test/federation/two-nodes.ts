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

async function freePort(): Promise<number> {
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
    startSender: (env = {}) => (receiverOn === "pglite" ? launchServer({ env: onPg(env) }) : launchServer({ args: ["--data-dir", dir], env: onDir(env) })),
    startReceiver: (env = {}) =>
      receiverOn === "pglite" ? launchServer({ args: ["--data-dir", dir, ...receiverArgs], env: onDir(env) }) : launchServer({ args: receiverArgs, env: onPg(env) }),
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
export async function queueSamples(db: Database, from: number, count: number, subjects: number, chunk = 250): Promise<void> {
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
export async function outboxTotals(db: Database): Promise<{ total: number; delivered: number; dead: number; retried: number; attempts: number; duplicates: number; queued: number }> {
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

/** What the receiver holds, read from its folder while its process is down. */
export interface ReceiverCheck {
  received: number;
  /** Settled: applied, or kept with the reason it could not take effect. */
  applied: number;
  /** Of those, kept with a reason (the sample messages name records the receiver never had). */
  failed: number;
  /** Audit events of settled messages (applied or failed): one per message when exactly once. */
  appliedEvents: number;
  distinctAppliedEvents: number;
  subjectsOutOfOrder: number;
  missing: number;
}

/** Applied messages on the receiver (to watch a run whose sender's database is embedded). */
export async function appliedCount(receiver: Database): Promise<number> {
  const row = await fed(receiver.db).selectFrom("federation_inbox").select(sql<string>`count(*) filter (where applied_at is not null)`.as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Checks the receiver against the sender's outbox: every message there, applied once, in order. */
export async function checkReceiver(receiver: Database, sender: Database): Promise<ReceiverCheck> {
  const sent = await fed(sender.db).selectFrom("federation_outbox").select(["message_id"]).execute();
  const rows = await fed(receiver.db).selectFrom("federation_inbox").select(["message_id", "subject", "subject_seq", "applied_order", "applied_at"]).execute();
  const events = await receiver.db
    .selectFrom("audit_event")
    .select([sql<string>`count(*)`.as("n"), sql<string>`count(distinct entity_id)`.as("distinct")])
    .where("action", "in", ["federation.message_applied", "federation.message_failed"])
    .executeTakeFirstOrThrow();
  const failed = await fed(receiver.db).selectFrom("federation_inbox").select(sql<string>`count(*)`.as("n")).where("failure", "is not", null).executeTakeFirstOrThrow();
  const got = new Set(rows.map((r) => r.message_id));
  const bySubject = new Map<string, { seq: number; order: number }[]>();
  for (const r of rows) {
    if (r.applied_order !== null) {
      bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), { seq: Number(r.subject_seq), order: Number(r.applied_order) }]);
    }
  }
  let outOfOrder = 0;
  for (const list of bySubject.values()) {
    list.sort((a, b) => a.order - b.order);
    if (list.some((item, i) => item.seq !== i + 1)) {
      outOfOrder += 1;
    }
  }
  return {
    received: rows.length,
    applied: rows.filter((r) => r.applied_at !== null).length,
    failed: Number(failed.n),
    appliedEvents: Number(events.n),
    distinctAppliedEvents: Number(events.distinct),
    subjectsOutOfOrder: outOfOrder,
    missing: sent.filter((s) => !got.has(s.message_id)).length,
  };
}

export interface SoakOptions {
  pgBaseUrl: string;
  /** The node killed and restarted; the sender runs on the other engine. */
  receiverOn: "pglite" | "postgres";
  messages: number;
  kills: number;
  subjects: number;
  /** How long the receiver stays down (its URL refused) after every other kill. */
  outageMs: number;
  /** Messages per delivery request (small, to spread a short run over the kills). */
  batch?: number;
  /** Upper bound of the whole run. */
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  receiverOn: "pglite" | "postgres";
  messages: number;
  kills: number;
  outages: number;
  seconds: number;
  outbox: Awaited<ReturnType<typeof outboxTotals>>;
  receiver: ReceiverCheck;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The US node sends while the Japan node is killed with SIGKILL and restarted, and kept down (its
 * URL refused) every other time; then the outbox must drain and the receiver hold every message
 * once, applied in its container's order. When the sender is on PostgreSQL, half the messages are
 * queued during the kills; an embedded sender's folder is its process's alone, so all are queued first.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const log = (line: string) => options.log?.(`${((Date.now() - started) / 1000).toFixed(1)} s  ${line}`);
  const nodes = await prepareTwoNodes(options.pgBaseUrl, options.receiverOn);
  const senderOnPg = options.receiverOn === "pglite";
  let sender: ServerProcess | null = null;
  let receiver: ServerProcess | null = null;
  try {
    const first = senderOnPg ? Math.floor(options.messages / 2) : options.messages;
    if (senderOnPg) {
      await queueSamples(nodes.pgDb, 0, first, options.subjects);
    } else {
      const embedded = await nodes.openEmbedded();
      await queueSamples(embedded, 0, first, options.subjects);
      await embedded.close();
    }
    const retry = { FEDERATION_RETRY_BASE_MS: "100", FEDERATION_RETRY_CAP_MS: "2000", FEDERATION_MAX_ATTEMPTS: "1000", FEDERATION_BATCH: String(options.batch ?? 100) };
    [sender, receiver] = await Promise.all([nodes.startSender(retry), nodes.startReceiver()]);
    log(`nodes up: US ${sender.url}, JP ${receiver.url} (receiver on ${options.receiverOn})`);
    const producer = senderOnPg ? queueSamples(nodes.pgDb, first, options.messages - first, options.subjects, 50) : Promise.resolve();
    const progress = async () => (senderOnPg ? (await outboxTotals(nodes.pgDb)).delivered : await appliedCount(nodes.pgDb));
    let outages = 0;
    // Each kill comes at a random moment once the receiver has made some progress since it came
    // back (so that kills land mid-delivery rather than during start-up), or after 30 s.
    const step = Math.max(1, Math.floor(options.messages / (options.kills + 1) / 2));
    for (let kill = 1; kill <= options.kills; kill++) {
      const from = await progress();
      const target = from + 1 + Math.floor(Math.random() * step);
      const deadline = Date.now() + 30_000;
      while ((await progress()) < target && Date.now() < deadline) {
        await sleep(20);
      }
      receiver.child.kill("SIGKILL");
      await receiver.exited;
      const isOutage = kill % 2 === 0;
      if (isOutage) {
        outages += 1;
        await sleep(options.outageMs);
      }
      log(`kill ${kill}/${options.kills}${isOutage ? ` (down ${options.outageMs} ms)` : ""}: ${senderOnPg ? "delivered" : "applied"} ${await progress()}/${options.messages}`);
      receiver = await nodes.startReceiver();
    }
    await producer;
    log("all queued, receiver up");
    while ((await progress()) < options.messages) {
      if (Date.now() - started > options.timeoutMs) {
        throw new Error(`not drained in time: ${await progress()}/${options.messages}`);
      }
      await sleep(250);
    }
    // The sender settles the last receipts a moment after the receiver applied them.
    await sleep(senderOnPg ? 0 : 1_500);
    log("drained");
    await Promise.all([receiver.stop(), sender.stop()]);
    receiver = null;
    sender = null;
    const embedded = await nodes.openEmbedded();
    try {
      const [senderDb, receiverDb] = senderOnPg ? [nodes.pgDb, embedded] : [embedded, nodes.pgDb];
      const outbox = await outboxTotals(senderDb);
      const check = await checkReceiver(receiverDb, senderDb);
      return { receiverOn: options.receiverOn, messages: options.messages, kills: options.kills, outages, seconds: (Date.now() - started) / 1000, outbox, receiver: check };
    } finally {
      await embedded.close();
    }
  } finally {
    for (const child of [receiver, sender]) {
      if (child) {
        child.child.kill("SIGKILL");
        await child.exited;
      }
    }
    await nodes.cleanup();
  }
}
