import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { ensureDemoWorld, startOfUtcDay } from "../../src/domain/demo/seed.ts";
import { CHUNK, EMBEDDED_CHUNK } from "../../src/domain/ingest/run.ts";
import { syntheticShipments } from "../../src/domain/ingest/synthetic.ts";
import { count, cuscar, versionsOf } from "../helpers/crash.ts";
import { launchServer, type ServerProcess } from "../helpers/server-process.ts";

// Crash recovery with real server processes killed with SIGKILL: a batch whose process is killed
// ends "failed" with the counts of the whole chunks it stored, and sending the file again completes
// it; requests and their audit events stay one for one.

const PASSWORD = "crash recovery password";

/** A database the server processes share: an embedded folder, or a fresh PostgreSQL database. */
interface Store {
  name: "pglite" | "postgres";
  env: Record<string, string>;
  args: string[];
  /** PostgreSQL takes other connections while a server runs; PGlite's folder is one process's. */
  isShared: boolean;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

function embeddedStore(): Store {
  const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-crash-"));
  const dataDir = path.join(dir, "data");
  return {
    name: "pglite",
    env: { DATABASE_URL: "" },
    args: ["--data-dir", dataDir],
    isShared: false,
    open: () => openDatabase({ dataDir }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresStore(baseUrl: string): Promise<Store> {
  const name = `reciprocity_crash_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    name: "postgres",
    env: { DATABASE_URL: url.toString() },
    args: [],
    isShared: true,
    open: () => openDatabase({ url: url.toString() }),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

type Server = ServerProcess;

function startServer(store: Store): Promise<Server> {
  return launchServer({
    args: ["--demo", ...store.args],
    env: { ...store.env, RECIPROCITY_DEMO_PASSWORD: PASSWORD },
    timeoutMs: 180_000,
  });
}

async function kill(server: Server, signal: "SIGKILL" | "SIGTERM"): Promise<void> {
  server.child.kill(signal);
  await server.exited;
}

/** A logged-in user of a running server. */
interface Client {
  get<T = unknown>(url: string): Promise<T>;
  post(url: string, body?: unknown): Promise<Response>;
  postRaw(url: string, body: string, contentType: string): Promise<Response>;
}

async function login(server: Server, username: string): Promise<Client> {
  const res = await fetch(`${server.url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(res.status, 200, `login ${username}: ${await res.clone().text()}`);
  const cookie = /reciprocity_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")?.[0] ?? "";
  return {
    get: async (url) => {
      const r = await fetch(`${server.url}${url}`, { headers: { cookie } });
      assert.equal(r.status, 200, `GET ${url}: ${await r.clone().text()}`);
      return r.json() as never;
    },
    post: (url, body) =>
      fetch(`${server.url}${url}`, {
        method: "POST",
        headers: body === undefined ? { cookie } : { cookie, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    postRaw: (url, body, contentType) =>
      fetch(`${server.url}${url}`, { method: "POST", headers: { cookie, "content-type": contentType }, body }),
  };
}

interface BatchItem {
  id: string;
  fileName: string;
  status: string;
  shipments: number;
  containers: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The crash test's manifest: 5 chunks of 1,000 shipments, 50 to a message. */
const TOTAL = 5_000;

function storeList(): { engine: Store["name"]; makeStore: () => Promise<Store> }[] {
  const list: { engine: Store["name"]; makeStore: () => Promise<Store> }[] = [
    { engine: "pglite", makeStore: async () => embeddedStore() },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    list.push({ engine: "postgres", makeStore: () => postgresStore(url) });
  }
  return list;
}

for (const { engine, makeStore } of storeList()) {
  describe(`server processes killed with SIGKILL [${engine}]`, () => {
    let store: Store;
    let server: Server | null = null;
    const records = [...syntheticShipments(TOTAL, { seed: 9, prefix: "CRX" })];
    const manifest = cuscar(records, "CRX1");
    let crashed: { id: string; shipments: number } | null = null;
    const requests: { id: string; acknowledged: string | null }[] = [];

    before(async () => {
      store = await makeStore();
      // A small world seeded in-process: `serve --demo` then finds it and only enables the accounts.
      const database = await store.open();
      try {
        await migrateToLatest(database.db);
        await ensureDemoWorld(database.db, {
          seed: 7,
          anchor: startOfUtcDay(new Date()),
          shipments: 20,
          password: PASSWORD,
          withHistory: false,
        });
      } finally {
        await database.close();
      }
      server = await startServer(store);
    });
    after(async () => {
      if (server) {
        await kill(server, "SIGKILL");
      }
      await store.drop();
    });

    it("closes the batch a killed ingest left running with the counts of its whole chunks; a resend completes the file", async () => {
      const started = Date.now();
      let admin = await login(server as Server, "host.admin");
      const upload = admin
        .postRaw("/api/manifests?format=cuscar&fileName=crash.edi", manifest, "application/edifact")
        .catch((err: unknown) => err);
      // Kill once the first chunks are in: their audit events say so.
      let batch: BatchItem | undefined;
      for (let chunks = 0; chunks < 2;) {
        assert.ok(Date.now() - started < 45_000, "the ingest did not store two chunks within 45 s");
        await sleep(100);
        batch ??= (await admin.get<{ items: BatchItem[] }>("/api/ingest-batches?limit=5")).items.find(
          (b) => b.fileName === "crash.edi",
        );
        if (batch) {
          chunks = (
            await admin.get<{ items: unknown[] }>(
              `/api/audit-events?entityType=ingest_batch&entityId=${batch.id}&action=shipments.ingested&limit=100`,
            )
          ).items.length;
        }
      }
      await kill(server as Server, "SIGKILL");
      await upload;
      const id = (batch as BatchItem).id;

      if (store.isShared) {
        // Another process might still be running it: a restart within the heartbeat window leaves it alone.
        server = await startServer(store);
        admin = await login(server, "host.admin");
        assert.equal(
          (await admin.get<{ items: BatchItem[] }>("/api/ingest-batches?limit=5")).items.find((b) => b.id === id)
            ?.status,
          "running",
        );
        await kill(server, "SIGTERM");
        // Two minutes and more pass without a heartbeat; then two processes start at once.
        const database = await store.open();
        await sql`update ingest_batch set heartbeat_at = now() - interval '3 minutes' where id = ${id}`.execute(
          database.db,
        );
        await database.close();
        const [first, second] = await Promise.all([startServer(store), startServer(store)]);
        await kill(second, "SIGTERM");
        server = first;
      } else {
        server = await startServer(store);
      }

      admin = await login(server, "host.admin");
      const batches = (await admin.get<{ items: BatchItem[] }>("/api/ingest-batches?limit=100")).items;
      assert.deepEqual(
        batches.filter((b) => b.status === "running"),
        [],
        "no batch is left running",
      );
      const failed = batches.find((b) => b.id === id) as BatchItem;
      assert.equal(failed.status, "failed");
      assert.ok(
        failed.shipments > 0 && failed.shipments < TOTAL,
        `killed mid-ingest: ${failed.shipments} of ${TOTAL} stored`,
      );
      // The server commits a chunk per transaction: EMBEDDED_CHUNK shipments on PGlite, CHUNK on PostgreSQL.
      assert.equal(failed.shipments % (store.isShared ? CHUNK : EMBEDDED_CHUNK), 0, "whole chunks only");
      assert.equal(
        failed.containers,
        records.slice(0, failed.shipments).reduce((n, r) => n + r.containers.length, 0),
      );
      const report = await admin.get<{ shipments: number; errors: { code: string }[] }>(`/api/ingest-batches/${id}`);
      assert.equal(report.shipments, failed.shipments);
      assert.equal(report.errors[0]?.code, "ingest.interrupted");
      const audits = await admin.get<{ items: unknown[] }>(
        `/api/audit-events?entityType=ingest_batch&entityId=${id}&action=manifest.interrupted`,
      );
      assert.equal(audits.items.length, 1, "closed once, however many processes started");
      crashed = { id, shipments: failed.shipments };

      const resent = await admin.postRaw(
        "/api/manifests?format=cuscar&fileName=crash.edi",
        manifest,
        "application/edifact",
      );
      assert.equal(resent.status, 201, await resent.clone().text());
      const again = (await resent.json()) as {
        inserted: number;
        duplicates: number;
        shipments: number;
        batchId: string;
      };
      assert.equal(again.duplicates, failed.shipments, "what the killed batch stored counts as received");
      assert.equal(again.inserted, TOTAL - failed.shipments, "the resend lands the rest");
      assert.equal(again.shipments, TOTAL);
      const after = (await admin.get<{ items: BatchItem[] }>("/api/ingest-batches?limit=5")).items.find(
        (b) => b.id === again.batchId,
      );
      assert.equal(after?.status, "completed");
    });

    it("keeps every request's status and its audit events in step when killed during a run of decisions", async () => {
      const live = server as Server;
      const admin = await login(live, "host.admin");
      const partner = await login(live, "partner.targeter");
      const supervisor = await login(live, "host.supervisor");
      // Forty Japan-bound shipments loading next week, each with a request from Japan Customs.
      const etd = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 16);
      const bound = [...syntheticShipments(40, { seed: 12, prefix: "CRQ" })].map((s) => ({
        ...s,
        portOfDischarge: "JPTYO",
        etd,
      }));
      const filed = await admin.postRaw(
        "/api/manifests?format=cuscar&fileName=requests.edi",
        cuscar(bound, "CRQ1"),
        "application/edifact",
      );
      assert.equal(filed.status, 201, await filed.clone().text());
      const shipments = (
        await partner.get<{ items: { id: string; billOfLading: string }[] }>("/api/shipments?q=crq&limit=100")
      ).items;
      assert.equal(shipments.length, 40);
      for (const s of shipments) {
        const container = bound.find((b) => b.billOfLading === s.billOfLading)?.containers[0]?.number;
        const res = await partner.post("/api/inspection-requests", {
          shipmentId: s.id,
          containerNo: container,
          reason: "Crash test",
        });
        assert.equal(res.status, 201, await res.clone().text());
        requests.push({ id: ((await res.json()) as { id: string }).id, acknowledged: null });
      }

      // Four deciders work through the list; the process is killed once twelve answers are in.
      let answered = 0;
      let next = 0;
      const decide = async (): Promise<void> => {
        while (next < requests.length) {
          const r = requests[next] as (typeof requests)[number];
          const decision =
            next++ % 2 === 0
              ? { decision: "accept" }
              : { decision: "decline", reasonCode: "no_capacity", reason: "No scanner free" };
          const res = await supervisor.post(`/api/inspection-requests/${r.id}/decision`, decision);
          if (res.status !== 200) {
            throw new Error(`decision answered ${res.status}`);
          }
          r.acknowledged = ((await res.json()) as { status: string }).status;
          answered++;
        }
      };
      const deciders = Array.from({ length: 4 }, () => decide().catch(() => undefined));
      const since = Date.now();
      while (answered < 12) {
        assert.ok(Date.now() - since < 30_000, `only ${answered} decisions answered in 30 s`);
        await sleep(5);
      }
      await kill(live, "SIGKILL");
      await Promise.all(deciders);
      assert.ok(answered < requests.length, "killed mid-run");

      server = await startServer(store);
      const auditor = await login(server, "host.admin");
      const host = await login(server, "host.supervisor");
      const AUDITED: Record<string, string> = {
        request: "inspection_request.created",
        accept: "inspection_request.accepted",
        decline: "inspection_request.declined",
      };
      let decided = 0;
      for (const r of requests) {
        const seen = await host.get<{ status: string; timeline: { action: string; to: string }[] }>(
          `/api/inspection-requests/${r.id}`,
        );
        const events = (
          await auditor.get<{ items: { action: string }[] }>(
            `/api/audit-events?entityType=inspection_request&entityId=${r.id}&limit=100`,
          )
        ).items;
        const changes = events.map((e) => e.action).filter((a) => Object.values(AUDITED).includes(a));
        assert.equal(seen.timeline.at(-1)?.to, seen.status, "the status is where its timeline ends");
        assert.deepEqual(
          [...changes].sort(),
          seen.timeline.map((t) => AUDITED[t.action]).sort(),
          `request ${r.id}: one audit event per state change`,
        );
        if (r.acknowledged) {
          assert.equal(seen.status, r.acknowledged, "an answered decision survives the kill");
        }
        if (seen.status !== "requested") {
          decided++;
        }
      }
      assert.ok(decided >= answered, `${decided} decided, ${answered} answered before the kill`);
      const verdict = await auditor.get<{ isIntact: boolean }>("/api/audit-events/verification");
      assert.equal(verdict.isIntact, true);
    });

    it("leaves a database that agrees: no half chunk, transitions and audit events one for one, an intact chain", async () => {
      if (!store.isShared) {
        await kill(server as Server, "SIGTERM");
        server = null;
      }
      const database = await store.open();
      try {
        const db = database.db;
        const { id, shipments } = crashed ?? assert.fail("the crash test did not run");
        assert.equal(await versionsOf(db, id), shipments, "the failed batch counts the shipments it stored");
        const lacking = await count(
          db,
          sql<{ n: string }>`select count(*) as n from shipment s where s.bill_of_lading like 'CRX%'
            and (not exists (select 1 from shipment_goods g where g.shipment_id = s.id) or not exists (select 1 from shipment_container c where c.shipment_id = s.id))`,
        );
        assert.equal(lacking, 0, "no shipment without its goods or containers");
        assert.equal(
          await count(db, sql<{ n: string }>`select count(*) as n from shipment where bill_of_lading like 'CRX%'`),
          TOTAL,
        );
        const goods = await count(
          db,
          sql<{
            n: string;
          }>`select count(*) as n from shipment_goods g join shipment s on s.id = g.shipment_id where s.bill_of_lading like 'CRX%'`,
        );
        assert.equal(
          goods,
          records.reduce((n, r) => n + r.goods.length, 0),
        );
        assert.equal(
          await count(db, sql<{ n: string }>`select count(*) as n from ingest_batch where status = 'running'`),
          0,
        );
        // Every state change of a request has its audit event and every such event its change.
        const mismatched = await sql<{ id: string; transitions: string; audits: string }>`
          select r.id,
                 (select count(*) from request_transition t where t.request_id = r.id) as transitions,
                 (select count(*) from audit_event e where e.entity_id = r.id::text
                    and e.action in ('inspection_request.created', 'inspection_request.accepted', 'inspection_request.declined')) as audits
          from inspection_request r`.execute(db);
        assert.equal(mismatched.rows.length, requests.length);
        for (const row of mismatched.rows) {
          assert.equal(row.transitions, row.audits, `request ${row.id}`);
        }
        const chain = (await sql<{ first_broken_seq: string | null }>`select * from audit_chain_verify()`.execute(db))
          .rows[0];
        assert.equal(chain?.first_broken_seq, null);
      } finally {
        await database.close();
      }
    });
  });
}
