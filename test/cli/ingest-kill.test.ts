import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { sql, type Kysely } from "kysely";
import pg from "pg";
import { openDatabase, type DatabaseTarget } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { DB } from "../../src/db/schema.ts";
import { systemClock } from "../../src/domain/clock.ts";
import { recoverInterruptedBatches } from "../../src/domain/ingest/recover.ts";
import { CHUNK } from "../../src/domain/ingest/run.ts";
import { syntheticShipments } from "../../src/domain/ingest/synthetic.ts";
import { writeCuscar } from "../../src/trade/edifact/write-cuscar.ts";

// `reciprocity ingest` killed with SIGKILL half-way through a file: what it committed is whole
// chunks of whole shipments, recovery closes the batch as failed with those counts, and sending
// the file again completes it.

const repo = path.resolve(import.meta.dirname, "../..");
const SHIPMENTS = 6 * CHUNK;
const GOODS_PER_SHIPMENT = new Map<string, number>();
const CONTAINERS_PER_SHIPMENT = new Map<string, number>();

/** A CUSCAR file of SHIPMENTS shipments, noting how many goods lines and containers each has. */
function writeManifest(file: string): void {
  const shipments = [...syntheticShipments(SHIPMENTS, { seed: 7, prefix: "K" })];
  for (const s of shipments) {
    GOODS_PER_SHIPMENT.set(s.billOfLading as string, s.goods.length);
    CONTAINERS_PER_SHIPMENT.set(s.billOfLading as string, new Set(s.containers.map((c) => c.number)).size);
  }
  writeFileSync(
    file,
    writeCuscar(shipments, {
      sender: "KILLTEST",
      recipient: "USCBP",
      interchangeRef: "1",
      preparedAt: new Date("2026-11-27T00:00:00Z"),
      messageRefPrefix: "K-",
      shipmentsPerMessage: 50,
    }),
  );
}

/** How far the process has read the file (its descriptor's offset, from /proc), or null once closed. */
function readOffset(pid: number, file: string): number | null {
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === file) {
        return Number(/pos:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8"))?.[1] ?? 0);
      }
    } catch {
      // The descriptor closed while being looked at.
    }
  }
  return null;
}

/**
 * Runs `reciprocity ingest` on the file and kills it with SIGKILL once it has read `share` of it.
 * Reading runs ahead of parsing by the stream's buffers, and parsing ahead of what has committed by
 * a chunk and the one being stored: three quarters of six chunks read means some chunks are
 * stored and others not yet.
 */
async function ingestAndKill(
  file: string,
  env: Record<string, string>,
  share: number,
): Promise<{ killed: boolean; stderr: string }> {
  const proc = spawn(
    process.execPath,
    [
      path.join(repo, "bin/reciprocity.js"),
      "ingest",
      "--agency",
      "USCBP",
      ...(env.DATA_DIR ? ["--data-dir", env.DATA_DIR] : []),
      file,
    ],
    {
      cwd: repo,
      env: { ...process.env, DATABASE_URL: env.DATABASE_URL ?? "" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  proc.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const size = statSync(file).size;
  let killed = false;
  for (let waited = 0; waited < 120_000 && proc.exitCode === null; waited += 20) {
    const offset = proc.pid === undefined ? null : readOffset(proc.pid, file);
    if (offset !== null && offset >= share * size) {
      killed = proc.kill("SIGKILL");
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await exited;
  return { killed, stderr };
}

/** Waits until no other session is connected to this database (a killed client's backend has ended). */
async function backendsGone(db: Kysely<DB>): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`.execute(db);
    if (rows[0]?.n === 0) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail("the killed ingest's database sessions did not end within 60 s");
}

interface Engine {
  name: string;
  target: () => Promise<{ target: DatabaseTarget; env: Record<string, string>; drop(): Promise<void> }>;
}

const engines: Engine[] = [
  {
    name: "pglite",
    target: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-kill-"));
      const dataDir = path.join(dir, "db");
      return {
        target: { dataDir },
        env: { DATA_DIR: dataDir },
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];
const baseUrl = process.env.TEST_DATABASE_URL;
if (baseUrl) {
  engines.push({
    name: "postgres",
    target: async () => {
      const name = `reciprocity_kill_${randomBytes(5).toString("hex")}`;
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(baseUrl);
      url.pathname = `/${name}`;
      return {
        target: { url: url.toString() },
        env: { DATABASE_URL: url.toString() },
        drop: async () => {
          const cleanup = new pg.Client({ connectionString: baseUrl });
          await cleanup.connect();
          await cleanup.query(`drop database if exists ${name} with (force)`);
          await cleanup.end();
        },
      };
    },
  });
}

for (const engine of engines) {
  describe(`reciprocity ingest killed half-way [${engine.name}]`, () => {
    it("leaves whole chunks of whole shipments, a batch that recovery closes as failed, and a file that completes when sent again", async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "reciprocity-kill-file-"));
      const file = path.join(dir, "big.edi");
      writeManifest(file);
      const scratch = await engine.target();
      const { target, env } = scratch;
      try {
        const setup = await openDatabase(target);
        await migrateToLatest(setup.db);
        await setup.db
          .insertInto("agency")
          .values({ code: "USCBP", name: "U.S. Customs and Border Protection", country: "US" })
          .execute();
        await setup.close();

        const run = await ingestAndKill(file, env, 0.75);
        assert.ok(run.killed, `the ingest ended before it could be killed: ${run.stderr}`);

        const database = await openDatabase(target);
        try {
          const db = database.db;
          if (engine.name === "postgres") {
            // The killed process's backend holds its chunk's lock on the batch until the server
            // notices the closed socket; recovery passes a locked batch by, as it should a live one.
            await backendsGone(db);
          }
          const recovered = await recoverInterruptedBatches(db, systemClock, {
            isSoleProcess: engine.name === "pglite",
            staleAfterMs: 0,
          });
          assert.equal(recovered.length, 1, "recovery closes the killed batch");
          const batch = await db
            .selectFrom("ingest_batch")
            .select(["id", "status", "shipments"])
            .executeTakeFirstOrThrow();
          assert.equal(batch.status, "failed");

          const stored = await sql<{ bill: string; goods: number; containers: number; listed: number }>`
            select s.bill_of_lading as bill,
                   (select count(*)::int from shipment_goods g where g.shipment_id = s.id) as goods,
                   (select count(*)::int from shipment_container c where c.shipment_id = s.id) as containers,
                   (select count(*)::int from shipment_listing l where l.shipment_id = s.id and l.container_count = (select count(*) from shipment_container c where c.shipment_id = s.id)) as listed
            from shipment s`.execute(db);
          const count = stored.rows.length;
          assert.ok(count > 0 && count < SHIPMENTS, `some but not all shipments stored (${count})`);
          assert.equal(count % CHUNK, 0, "only whole chunks survive");
          assert.equal(batch.shipments, count, "the failed batch counts what it stored");
          for (const s of stored.rows) {
            assert.equal(s.goods, GOODS_PER_SHIPMENT.get(s.bill), `goods of ${s.bill}`);
            assert.equal(s.containers, CONTAINERS_PER_SHIPMENT.get(s.bill), `containers of ${s.bill}`);
            assert.equal(s.listed, 1, `work-list row of ${s.bill}`);
          }
          const versions = await sql<{
            n: number;
          }>`select count(*)::int as n from shipment_version where batch_id = ${batch.id}`.execute(db);
          assert.equal(versions.rows[0]?.n, count, "one version per stored shipment, none without its shipment");
          const staged = await sql<{ n: number }>`select count(*)::int as n from ingest_stage`.execute(db);
          assert.equal(staged.rows[0]?.n, 0, "nothing staged outlives its transaction");
        } finally {
          await database.close();
        }

        const again = spawnSync(
          process.execPath,
          [
            path.join(repo, "bin/reciprocity.js"),
            "ingest",
            "--json",
            "--agency",
            "USCBP",
            ...(env.DATA_DIR ? ["--data-dir", env.DATA_DIR] : []),
            file,
          ],
          {
            cwd: repo,
            encoding: "utf8",
            env: { ...process.env, DATABASE_URL: env.DATABASE_URL ?? "" },
            timeout: 300_000,
          },
        );
        assert.equal(again.status, 0, again.stderr);
        const report = JSON.parse(again.stdout) as {
          files: { shipments: number; inserted: number; duplicates: number }[];
        };
        assert.equal(report.files[0]?.shipments, SHIPMENTS);
        assert.equal(
          (report.files[0]?.inserted ?? 0) + (report.files[0]?.duplicates ?? 0),
          SHIPMENTS,
          "the rest lands, what was stored counts as known",
        );
      } finally {
        await scratch.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
