import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/database.ts";
import type { DB } from "../../src/db/schema.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { hashPassword } from "../../src/domain/auth.ts";
import { systemClock } from "../../src/domain/clock.ts";
import { DEMO_USERS, seedAgencies } from "../../src/domain/demo/seed.ts";
import { bindAgreementToPeer } from "../../src/domain/federation/agreements.ts";
import { addPeer, initNode } from "../../src/domain/federation/node.ts";
import { enqueueMessage } from "../../src/domain/federation/outbox.ts";
import { ingestManifest } from "../../src/domain/ingest/ingest-manifest.ts";
import { launchServer, type ServerProcess } from "../helpers/server-process.ts";
import { checkSoak, type SoakCheck } from "./soak-check.ts";
import { ApiUser, drivePlans, jpManifest, occupancyBody } from "./soak-drive.ts";
import { planContainers, plannedKinds, type JpExport, type PlannedContainer } from "./soak-plan.ts";
import { freePort } from "./two-nodes.ts";

// The soak run: two `reciprocity serve` processes, the US node and the Japan node, on two
// databases (one PostgreSQL, one embedded folder). The US node's officers and Japan's targeter work
// a month's worth of containers through the nodes' APIs (soak-plan.ts, soak-drive.ts) while the
// Japan node is killed with SIGKILL and restarted at random, and the network between the nodes is
// cut for a while (the US node's peer URL goes through a relay here that refuses connections).
// Then both nodes stop and their data is checked against the plans (soak-check.ts).

export interface SoakOptions {
  pgBaseUrl: string;
  /** The engine of the node that is killed (Japan); the US node runs on the other one. */
  receiverOn: "pglite" | "postgres";
  /** US → Japan messages the plans make. */
  messages: number;
  kills: number;
  /** Network cuts, each `cutMs` long. */
  cuts: number;
  cutMs: number;
  seed?: number;
  /** Messages per delivery request. */
  batch?: number;
  /** Upper bound of the whole run. */
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  receiverOn: "pglite" | "postgres";
  messages: number;
  containers: number;
  /** US → Japan messages per kind, as planned. */
  plannedByKind: Record<string, number>;
  kills: number;
  cuts: number;
  /** Seconds the Japan node was unreachable: down after kills, and cut off. */
  downSeconds: number;
  cutSeconds: number;
  seconds: number;
  /** Seconds from the first filing until both outboxes drained. */
  exchangeSeconds: number;
  apiCalls: number;
  /** Calls to the Japan node that got no answer and were made again later. */
  unansweredCalls: number;
  check: SoakCheck;
}

const PASSWORD = "soak-password-1";
const USERS = [
  ...DEMO_USERS,
  { username: "partner.admin", displayName: "Yuki Nakamura", agency: "JPCUS", roles: ["admin" as const] },
];

/** A relay in front of the Japan node: the US node's peer URL points here, and cut() refuses it a while. */
function relay(port: number, target: () => number): { cut(ms: number): Promise<void>; close(): Promise<void> } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target(), "127.0.0.1");
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(a);
      a.on("error", () => b.destroy());
      a.on("close", () => {
        sockets.delete(a);
        b.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) {
        s.destroy();
      }
      server.close(() => resolve());
    });
  void listen();
  return {
    cut: async (ms) => {
      await close();
      await new Promise((resolve) => setTimeout(resolve, ms));
      await listen();
    },
    close,
  };
}

async function seedNode(db: Kysely<DB>, agency: "USCBP" | "JPCUS"): Promise<string> {
  const hash = await hashPassword(PASSWORD);
  const agencies = await seedAgencies(db);
  const sites = await db.selectFrom("site").select(["id", "locode"]).execute();
  const own = USERS.filter((u) => u.agency === agency);
  await db
    .insertInto("app_user")
    .values(
      own.map((u) => ({
        agency_id: agencies.get(u.agency) as string,
        username: u.username,
        display_name: u.displayName,
        password_hash: hash,
        roles: u.roles,
        site_id: sites.find((s) => s.locode === ("site" in u ? u.site : ""))?.id ?? null,
      })),
    )
    .execute();
  return (await initNode(db, agency)).publicPem;
}

async function actorOf(db: Kysely<DB>, username: string): Promise<Actor> {
  const row = await db
    .selectFrom("app_user as u")
    .innerJoin("agency as a", "a.id", "u.agency_id")
    .select([
      "u.id",
      "u.username",
      "u.display_name",
      "u.roles",
      "u.site_id",
      "a.id as agency_id",
      "a.code",
      "a.name",
      "a.country",
    ])
    .where("u.username", "=", username)
    .executeTakeFirstOrThrow();
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    agencyId: row.agency_id,
    agencyCode: row.code,
    agencyName: row.name,
    agencyCountry: row.country,
    roles: row.roles as Actor["roles"],
    siteId: row.site_id,
  };
}

async function queueOccupancies(db: Kysely<DB>, plan: JpExport): Promise<void> {
  const at = new Date();
  await db.transaction().execute(async (tx) => {
    for (let k = 0; k < plan.occupancies; k++) {
      await enqueueMessage(tx, { peerAgency: "JPCUS", ...occupancyBody(plan, k, at) });
    }
  });
}

interface Nodes {
  usDb: Database | null;
  startUs(): Promise<ServerProcess>;
  startJp(): Promise<ServerProcess>;
  usPort: number;
  jpPort: number;
  relayPort: number;
  /** Opens both databases (only while both processes are down). */
  open(): Promise<{ us: Database; jp: Database; close(): Promise<void> }>;
  cleanup(): Promise<void>;
}

/** Creates both nodes' databases: agencies, agreements, accounts, keys and peers; Japan's own exports filed. */
async function prepare(options: SoakOptions, plans: PlannedContainer[]): Promise<Nodes> {
  const name = `reciprocity_soak_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: options.pgBaseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(options.pgBaseUrl);
  url.pathname = `/${name}`;
  const pgUrl = url.toString();
  const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-soak-"));
  const [usPort, jpPort, relayPort] = [await freePort(), await freePort(), await freePort()];
  const jpOnPg = options.receiverOn === "postgres";
  const openUs = () => (jpOnPg ? openDatabase({ dataDir: dir }) : openDatabase({ url: pgUrl }));
  const openJp = () => (jpOnPg ? openDatabase({ url: pgUrl }) : openDatabase({ dataDir: dir }));

  const [us, jp] = [await openUs(), await openJp()];
  await Promise.all([migrateToLatest(us.db), migrateToLatest(jp.db)]);
  const usKey = await seedNode(us.db, "USCBP");
  const jpKey = await seedNode(jp.db, "JPCUS");
  await addPeer(us.db, { agencyCode: "JPCUS", url: `http://127.0.0.1:${relayPort}`, publicPem: jpKey });
  await addPeer(jp.db, { agencyCode: "USCBP", url: `http://127.0.0.1:${usPort}`, publicPem: usKey });
  await bindAgreementToPeer(us.db, { agreementCode: "CSI-USCBP-JPCUS", peerAgency: "JPCUS" });
  await bindAgreementToPeer(jp.db, { agreementCode: "CSI-JPCUS-USCBP", peerAgency: "USCBP" });
  const jpExports = plans.filter((p): p is JpExport => p.side === "jp");
  const report = await ingestManifest(jp.db, systemClock, await actorOf(jp.db, "partner.admin"), {
    fileName: "soak-jp-exports.csv",
    text: jpManifest(jpExports),
    format: "csv",
  });
  if (report.inserted !== jpExports.length) {
    throw new Error(
      `the Japan node filed ${report.inserted} of ${jpExports.length} exports: ${JSON.stringify(report).slice(0, 400)}`,
    );
  }
  if (jpOnPg) {
    // The US node's folder is its process's alone once it runs: its portal feed is queued now.
    for (const plan of jpExports) {
      await queueOccupancies(us.db, plan);
    }
  }
  await Promise.all([us.close(), jp.close()]);

  const settings = {
    LOG_LEVEL: "error",
    FEDERATION_RETRY_BASE_MS: "100",
    FEDERATION_RETRY_CAP_MS: "2000",
    FEDERATION_MAX_ATTEMPTS: "1000",
    FEDERATION_BATCH: String(options.batch ?? 50),
  };
  const onPg = { ...settings, DATABASE_URL: pgUrl };
  const onDir = { ...settings, DATABASE_URL: "" };
  return {
    usDb: jpOnPg ? null : await openDatabase({ url: pgUrl }),
    usPort,
    jpPort,
    relayPort,
    startUs: () =>
      launchServer({
        args: ["--port", String(usPort), ...(jpOnPg ? ["--data-dir", dir] : [])],
        env: jpOnPg ? onDir : onPg,
      }),
    startJp: () =>
      launchServer({
        args: ["--port", String(jpPort), ...(jpOnPg ? [] : ["--data-dir", dir])],
        env: jpOnPg ? onPg : onDir,
      }),
    open: async () => {
      const [u, j] = [await openUs(), await openJp()];
      return { us: u, jp: j, close: async () => void (await Promise.all([u.close(), j.close()])) };
    },
    cleanup: async () => {
      const drop = new pg.Client({ connectionString: options.pgBaseUrl });
      await drop.connect();
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface OutboxFigures {
  delivered: number;
  pending: number;
  dead: number;
}

async function outboxOf(user: ApiUser): Promise<OutboxFigures | null> {
  try {
    const status = await user.must<{ outbox: OutboxFigures }>("GET", "/federation/status");
    return status.outbox;
  } catch {
    return null;
  }
}

/**
 * Runs the soak: plans, nodes, the officers' work through both APIs while the Japan node is killed
 * and cut off at random moments, the drain, and the check of both nodes' data.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const log = (line: string) => options.log?.(`${((Date.now() - started) / 1000).toFixed(1)} s  ${line}`);
  const plans = planContainers(options.messages, options.seed ?? 17, new Date());
  const plannedByKind: Record<string, number> = {};
  for (const kind of plans.flatMap(plannedKinds)) {
    plannedByKind[kind] = (plannedByKind[kind] ?? 0) + 1;
  }
  const nodes = await prepare(options, plans);
  log(
    `${plans.length} containers planned, ${options.messages} US → Japan messages; Japan's ${plans.filter((p) => p.side === "jp").length} exports filed on its node`,
  );
  let jpNode: ServerProcess | null = null;
  let usNode: ServerProcess | null = null;
  const link = relay(nodes.relayPort, () => nodes.jpPort);
  let downMs = 0;
  let cutMs = 0;
  try {
    [usNode, jpNode] = await Promise.all([nodes.startUs(), nodes.startJp()]);
    const exchangeStarted = Date.now();
    log(
      `nodes up: US ${usNode.url}, Japan ${jpNode.url} (Japan on ${options.receiverOn}); US peer URL via relay :${nodes.relayPort}`,
    );
    const user = (url: string, name: string) => new ApiUser(url, name, PASSWORD);
    const usUrl = usNode.url;
    const jpUrl = jpNode.url;
    const officers = {
      usAdmin: user(usUrl, "host.admin"),
      usTargeter: user(usUrl, "host.targeter"),
      usSupervisor: user(usUrl, "host.supervisor"),
      usOfficer: user(usUrl, "scan.officer"),
      jpTargeter: user(jpUrl, "partner.targeter"),
    };
    const jpAdmin = user(jpUrl, "partner.admin");
    const usDb = nodes.usDb;
    let isDriving = true;
    let drivingError: unknown = null;
    // Settled here so that a failure of the officers' work ends the run (and its processes) below.
    const driving = drivePlans({
      officers,
      plans,
      queueOccupancies: usDb ? (plan) => queueOccupancies(usDb.db, plan) : null,
      log,
    })
      .catch((err: unknown) => {
        drivingError = err ?? new Error("the officers' work failed");
        return null;
      })
      .finally(() => {
        isDriving = false;
      });

    // Kills and cuts at random points of the US node's delivered count, in random order.
    const events = [
      ...Array.from({ length: options.kills }, () => "kill" as const),
      ...Array.from({ length: options.cuts }, () => "cut" as const),
    ]
      .map((kind) => ({ kind, at: Math.floor(options.messages * (0.05 + 0.85 * Math.random())) }))
      .sort((a, b) => a.at - b.at);
    let done = { kills: 0, cuts: 0 };
    for (const event of events) {
      if (drivingError) {
        break;
      }
      const since = Date.now();
      while (Date.now() - since < 60_000) {
        const figures = await outboxOf(officers.usAdmin);
        if ((figures?.delivered ?? 0) >= event.at || !isDriving) {
          break;
        }
        await sleep(100);
      }
      const figures = await outboxOf(officers.usAdmin);
      if (event.kind === "kill") {
        const down = Date.now();
        jpNode.child.kill("SIGKILL");
        await jpNode.exited;
        jpNode = await nodes.startJp();
        downMs += Date.now() - down;
        done = { ...done, kills: done.kills + 1 };
        log(
          `kill ${done.kills}/${options.kills} at ${figures?.delivered ?? "?"} delivered: Japan back after ${((Date.now() - down) / 1000).toFixed(1)} s`,
        );
      } else {
        await link.cut(options.cutMs);
        cutMs += options.cutMs;
        done = { ...done, cuts: done.cuts + 1 };
        log(`cut ${done.cuts}/${options.cuts} at ${figures?.delivered ?? "?"} delivered: ${options.cutMs} ms`);
      }
      if (Date.now() - started > options.timeoutMs) {
        throw new Error("the run took longer than its bound");
      }
    }
    const stats = await driving;
    if (drivingError || !stats) {
      throw drivingError;
    }
    log(`officers done (${stats.apiCalls} steps tried, ${stats.retriedCalls} got no answer); draining`);
    for (;;) {
      const [us, jp] = [await outboxOf(officers.usAdmin), await outboxOf(jpAdmin)];
      if (us && jp && us.pending === 0 && jp.pending === 0) {
        break;
      }
      if (Date.now() - started > options.timeoutMs) {
        throw new Error(`not drained in time: US ${JSON.stringify(us)}, Japan ${JSON.stringify(jp)}`);
      }
      await sleep(500);
    }
    const exchangeSeconds = (Date.now() - exchangeStarted) / 1000;
    log(`drained in ${exchangeSeconds.toFixed(0)} s`);
    await Promise.all([usNode.stop(), jpNode.stop()]);
    [usNode, jpNode] = [null, null];
    await nodes.usDb?.close();
    nodes.usDb = null;
    const both = await nodes.open();
    try {
      const check = await checkSoak(both.us, both.jp, plans);
      return {
        receiverOn: options.receiverOn,
        messages: options.messages,
        containers: plans.length,
        plannedByKind,
        kills: done.kills,
        cuts: done.cuts,
        downSeconds: downMs / 1000,
        cutSeconds: cutMs / 1000,
        seconds: (Date.now() - started) / 1000,
        exchangeSeconds,
        apiCalls: stats.apiCalls,
        unansweredCalls: stats.retriedCalls,
        check,
      };
    } finally {
      await both.close();
    }
  } finally {
    for (const child of [jpNode, usNode]) {
      if (child) {
        child.child.kill("SIGKILL");
        await child.exited;
      }
    }
    await link.close();
    await nodes.usDb?.close();
    await nodes.cleanup();
  }
}

/** Whether a report shows every message applied exactly once, in order, nothing lost or dead. */
export function isExactlyOnce(report: SoakReport): boolean {
  const flows = [report.check.toReceiver, report.check.toSender];
  return (
    report.check.toReceiver.sent === report.messages &&
    flows.every(
      (f) =>
        f.outbox.delivered === f.sent &&
        f.outbox.dead === 0 &&
        f.missing === 0 &&
        f.received === f.sent &&
        f.applied === f.sent &&
        f.failed === 0 &&
        f.settledEvents === f.sent &&
        f.settledMessageIds === f.sent &&
        f.messageIdsSettledTwice === 0 &&
        f.subjectsOutOfOrder === 0,
    ) &&
    report.check.containersOutOfOrder === 0 &&
    report.check.mismatches.length === 0
  );
}
