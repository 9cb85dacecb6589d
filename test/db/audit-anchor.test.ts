import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { sql, type Kysely, type RawBuilder } from "kysely";
import pg from "pg";
import { openDatabase, type DatabaseTarget } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { DB } from "../../src/db/schema.ts";
import { recordAudit } from "../../src/domain/audit.ts";
import { ANCHOR_KIND, startAnchoring, verifyAgainstAnchors, writeAnchor } from "../../src/domain/audit-anchor.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

const repo = path.resolve(import.meta.dirname, "../..");

/** Appends `n` events the way the app does, each in its own transaction. */
async function appendEvents(db: Kysely<DB>, agencyId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await db
      .transaction()
      .execute((tx) =>
        recordAudit(tx, null, { action: "test.event", entityType: "test", otherAgencyIds: [agencyId], payload: { i } }),
      );
  }
}

/** What only the database owner can do: change the log with the append-only triggers switched off. */
async function tamper(db: Kysely<DB>, ...statements: RawBuilder<unknown>[]): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`alter table audit_event disable trigger audit_event_no_update`.execute(tx);
    await sql`alter table audit_agency_link disable trigger audit_agency_link_no_update`.execute(tx);
    for (const statement of statements) {
      await statement.execute(tx);
    }
    await sql`alter table audit_agency_link enable trigger audit_agency_link_no_update`.execute(tx);
    await sql`alter table audit_event enable trigger audit_event_no_update`.execute(tx);
  });
}

/** Deletes the events after `seq` and their places in the agencies' chains, as a thorough tamperer would. */
function deleteAfter(seq: number): RawBuilder<unknown>[] {
  return [sql`delete from audit_agency_link where event_seq > ${seq}`, sql`delete from audit_event where seq > ${seq}`];
}

async function newestSeq(db: Kysely<DB>): Promise<number> {
  return Number((await sql<{ seq: string }>`select max(seq) as seq from audit_event`.execute(db)).rows[0]?.seq);
}

async function newestAgencySeq(db: Kysely<DB>, agencyId: string): Promise<string> {
  return String(
    (
      await sql<{ seq: string }>`select max(seq) as seq from audit_agency_link where agency_id = ${agencyId}`.execute(
        db,
      )
    ).rows[0]?.seq,
  );
}

async function chainBrokenAt(db: Kysely<DB>): Promise<string | null> {
  return (
    (await sql<{ first_broken_seq: string | null }>`select first_broken_seq from audit_chain_verify()`.execute(db))
      .rows[0]?.first_broken_seq ?? null
  );
}

function anchorLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describeOnEngines(
  "audit anchors",
  (database) => seedTestWorld(database.db, 40),
  (ctx) => {
    let dir: string;
    let app: FastifyInstance;
    let targeter: Client;
    let auditor: Client;
    let admin: Client;
    let koreaAuditor: Client;
    const db = () => ctx().database.db;
    const us = () => ctx().fixture.agencies.us;
    const fileFor = (name: string) => path.join(dir, `${name}.jsonl`);

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), "reciprocity-anchors-"));
      ({ app } = await buildTestApp(db()));
      targeter = await loginAs(app, "host.targeter");
      auditor = await loginAs(app, "host.auditor");
      admin = await loginAs(app, "host.admin");
      koreaAuditor = await loginAs(app, "kr.auditor");
    });
    after(async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("an untampered log verifies against its anchors", async () => {
      const file = fileFor("untampered");
      await appendEvents(db(), us(), 3);
      await writeAnchor(db(), file);
      await appendEvents(db(), us(), 2);
      await writeAnchor(db(), file);
      const verdict = await verifyAgainstAnchors(db(), file);
      assert.equal(verdict.discrepancy, null);
      assert.equal(verdict.isIntact, true);
      assert.equal(verdict.anchorsChecked, 2);
      assert.equal(verdict.head?.seq, String(await newestSeq(db())));
      const count = (await sql<{ n: string }>`select count(*) as n from audit_event`.execute(db())).rows[0]?.n;
      assert.equal(verdict.events, Number(count));
    });

    it("writes one self-describing line per anchor and starts a new line after a torn one", async () => {
      const file = fileFor("lines");
      const head = await writeAnchor(db(), file);
      const [line] = anchorLines(file);
      assert.deepEqual(Object.keys(line ?? {}).sort(), ["at", "count", "hash", "kind", "seq"]);
      assert.equal(line?.kind, ANCHOR_KIND);
      assert.equal(line?.seq, String(await newestSeq(db())));
      assert.equal(line?.hash, head?.hash);
      assert.match(String(line?.hash), /^[0-9a-f]{64}$/);
      appendFileSync(file, '{"kind":"reciprocity.audit-an');
      await writeAnchor(db(), file);
      const text = readFileSync(file, "utf8").split("\n");
      assert.equal(text.length, 4, "anchor, torn line, anchor, and the final newline");
      const verdict = await verifyAgainstAnchors(db(), file);
      assert.equal(verdict.isIntact, true);
      assert.equal(verdict.anchorsChecked, 2);
      assert.deepEqual(verdict.warnings, [`${file} line 2 is not an audit anchor; skipped`]);
    });

    it("anchors periodically at start, when the head moved and on stop, and only then", async () => {
      const file = fileFor("periodic");
      const errors: unknown[] = [];
      const onError = (err: unknown) => errors.push(err);
      await startAnchoring(db(), file, 3_600_000, onError)();
      assert.equal(anchorLines(file).length, 1, "anchored at start; the head did not move before stop");

      const stop = startAnchoring(db(), file, 20, onError);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(anchorLines(file).length, 1, "a restart does not repeat the file's last anchor");
      await appendEvents(db(), us(), 1);
      for (let waited = 0; anchorLines(file).length < 2 && waited < 5_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await stop();
      await stop();
      const lines = anchorLines(file);
      assert.equal(lines.length, 2, "one tick anchored the moved head; stop found it unchanged");
      assert.equal(lines[1]?.seq, String(await newestSeq(db())));

      await appendEvents(db(), us(), 1);
      await startAnchoring(db(), file, 3_600_000, onError)();
      assert.equal(anchorLines(file).length, 3);
      assert.deepEqual(errors, []);
    });

    it("exports the head only to auditors and administrators", async () => {
      assert.equal((await app.inject({ method: "GET", url: "/api/audit-anchor" })).statusCode, 401);
      const forbidden = await targeter.get("/api/audit-anchor");
      assert.equal(forbidden.statusCode, 403);
      assert.equal(forbidden.json().code, "auth.forbidden");
      const head = await auditor.get("/api/audit-anchor");
      assert.equal(head.statusCode, 200);
      assert.deepEqual(Object.keys(head.json()).sort(), ["at", "hash", "seq"], "no event count");
      assert.equal(head.json().seq, await newestAgencySeq(db(), us()), "the head of the agency's own chain");
      assert.ok(
        Number(head.json().seq) < (await newestSeq(db())),
        "not the whole chain's position, which counts other agencies' events",
      );
      assert.equal((await admin.get("/api/audit-anchor")).json().hash, head.json().hash);
      // Another agency's head is its own chain's, whatever this agency did.
      const korea = (await koreaAuditor.get("/api/audit-anchor")).json();
      assert.equal(korea.seq, await newestAgencySeq(db(), ctx().fixture.agencies.kr));
      assert.notEqual(korea.hash, head.json().hash);
    });

    it("verifies an exported head for auditors, and refuses targeters", async () => {
      const { seq, hash } = (await auditor.get("/api/audit-anchor")).json();
      const refused = await targeter.post("/api/audit-anchor/verification", { seq, hash });
      assert.equal(refused.statusCode, 403);
      const good = await auditor.post("/api/audit-anchor/verification", { seq, hash: hash.toUpperCase() });
      assert.equal(good.statusCode, 200);
      assert.deepEqual(good.json(), {
        isIntact: true,
        isHeadHeld: true,
        headSeq: await newestAgencySeq(db(), us()),
        firstBrokenSeq: null,
        discrepancy: null,
      });
      // Another agency's head is not held in this agency's chain.
      const elsewhere = (await koreaAuditor.post("/api/audit-anchor/verification", { seq: Number(seq), hash })).json();
      assert.equal(elsewhere.isHeadHeld, false);
      assert.equal(elsewhere.headSeq, await newestAgencySeq(db(), ctx().fixture.agencies.kr));
      const wrong = (await auditor.post("/api/audit-anchor/verification", { seq, hash: "0".repeat(64) })).json();
      assert.equal(wrong.isIntact, false);
      assert.equal(wrong.isHeadHeld, false);
      assert.equal(
        wrong.discrepancy,
        `event ${seq} (the exported head) now has a different hash: the log was rewritten at or before that event`,
      );
      assert.equal((await auditor.post("/api/audit-anchor/verification", { seq, hash: "xyz" })).statusCode, 400);
      assert.equal((await auditor.post("/api/audit-anchor/verification", { seq: "-1", hash })).statusCode, 400);
    });

    it("catches an edited middle row through the chain", async () => {
      const file = fileFor("edited");
      await writeAnchor(db(), file);
      const middle = Number(
        (
          await sql<{
            seq: string;
          }>`select seq from audit_event order by seq offset (select count(*) / 2 from audit_event) limit 1`.execute(
            db(),
          )
        ).rows[0]?.seq,
      );
      const original = (
        await sql<{ payload: string }>`select payload::text as payload from audit_event where seq = ${middle}`.execute(
          db(),
        )
      ).rows[0]?.payload;
      await tamper(db(), sql`update audit_event set payload = '{"forged": true}'::jsonb where seq = ${middle}`);
      const verdict = await verifyAgainstAnchors(db(), file);
      assert.equal(verdict.isIntact, false);
      assert.deepEqual(verdict.discrepancy, {
        seq: String(middle),
        kind: "broken",
        message: `event ${middle} no longer matches its hash or its link to the event before: it was edited, or events before it were deleted`,
      });
      await tamper(db(), sql`update audit_event set payload = ${original}::jsonb where seq = ${middle}`);
      assert.equal((await verifyAgainstAnchors(db(), file)).isIntact, true);
    });

    it("catches a rewritten and re-chained tail, which the chain alone accepts, through the anchors", async () => {
      const file = fileFor("rechained");
      const anchored = await writeAnchor(db(), file);
      const from = (await newestSeq(db())) - 3;
      const saved = (
        await sql<{
          seq: string;
          payload: string;
          prev_hash: string;
          hash: string;
        }>`select seq, payload::text as payload, prev_hash, hash from audit_event where seq >= ${from} order by seq`.execute(
          db(),
        )
      ).rows;
      await tamper(
        db(),
        sql.raw(`do $$
        declare r audit_event; last char(64);
        begin
          select hash into last from audit_event where seq < ${from} order by seq desc limit 1;
          for r in select * from audit_event where seq >= ${from} order by seq loop
            if r.seq = ${from} then r.payload := '{"forged": true}'::jsonb; end if;
            r.prev_hash := last;
            r.hash := audit_event_hash(r);
            update audit_event set payload = r.payload, prev_hash = r.prev_hash, hash = r.hash where seq = r.seq;
            last := r.hash;
          end loop;
        end $$`),
      );
      assert.equal(await chainBrokenAt(db()), null, "the re-chained log passes the chain check");
      const verdict = await verifyAgainstAnchors(db(), file);
      assert.equal(verdict.isIntact, false);
      assert.equal(verdict.discrepancy?.kind, "changed");
      assert.match(
        verdict.discrepancy?.message ?? "",
        new RegExp(
          `^event ${anchored?.seq} anchored at ${anchored?.at} \\(rechained.jsonl line 1\\) now has a different hash`,
        ),
      );
      for (const row of saved) {
        await tamper(
          db(),
          sql`update audit_event set payload = ${row.payload}::jsonb, prev_hash = ${row.prev_hash}, hash = ${row.hash} where seq = ${row.seq}`,
        );
      }
      assert.equal((await verifyAgainstAnchors(db(), file)).isIntact, true);
    });

    it("names the anchored event when the newest events are deleted, though the chain still verifies", async () => {
      const file = fileFor("truncated");
      const older = await writeAnchor(db(), file);
      await appendEvents(db(), us(), 5);
      const exported = (await auditor.get("/api/audit-anchor")).json();
      const anchored = await writeAnchor(db(), file);
      const seq = Number(anchored?.seq);
      assert.equal(seq, Number(older?.seq) + 5);
      await tamper(db(), ...deleteAfter(seq - 3));
      assert.equal(await chainBrokenAt(db()), null, "the shorter chain verifies on its own");

      const verdict = await verifyAgainstAnchors(db(), file);
      assert.equal(verdict.isIntact, false);
      assert.equal(verdict.anchorsFailed, 1, "the older anchor still holds");
      assert.deepEqual(verdict.discrepancy, {
        seq: String(seq),
        kind: "missing",
        message: `event ${seq} anchored at ${anchored?.at} (truncated.jsonl line 2) is missing: the log was truncated (it now ends at event ${seq - 3})`,
      });

      const checked = (
        await auditor.post("/api/audit-anchor/verification", { seq: exported.seq, hash: exported.hash })
      ).json();
      assert.equal(checked.isIntact, false);
      assert.equal(checked.isHeadHeld, false);
      assert.equal(checked.firstBrokenSeq, null);
      assert.equal(
        checked.discrepancy,
        `event ${exported.seq} (the exported head) is missing: the log was truncated (it now ends at event ${Number(exported.seq) - 3})`,
      );
    });

    it("still names the deleted event after new events follow the truncation", async () => {
      const file = fileFor("truncated");
      const line = anchorLines(file)[1];
      await appendEvents(db(), us(), 4);
      assert.equal(await chainBrokenAt(db()), null);
      const verdict = await verifyAgainstAnchors(db(), file);
      assert.equal(verdict.discrepancy?.seq, line?.seq);
      assert.equal(
        verdict.discrepancy?.message,
        `event ${String(line?.seq)} anchored at ${String(line?.at)} (truncated.jsonl line 2) is missing: it was deleted from the log (which now ends at event ${await newestSeq(db())})`,
      );
    });
  },
);

describeOnEngines(
  "each agency's own audit chain",
  (database) => seedTestWorld(database.db, 10),
  (ctx) => {
    let app: FastifyInstance;
    let hostAuditor: Client;
    let koreaAuditor: Client;
    const db = () => ctx().database.db;
    const agencies = () => ctx().fixture.agencies;

    before(async () => {
      ({ app } = await buildTestApp(db()));
      hostAuditor = await loginAs(app, "host.auditor");
      koreaAuditor = await loginAs(app, "kr.auditor");
    });
    after(() => app.close());

    async function koreaSeqs(): Promise<number[]> {
      const page = await koreaAuditor.get("/api/audit-events?limit=500");
      assert.equal(page.statusCode, 200);
      return (page.json().items as { seq: string }[]).map((e) => Number(e.seq));
    }

    it("numbers an agency's events 1, 2, 3 … whatever the other agencies do in between", async () => {
      const before = await koreaSeqs();
      const wholeBefore = await newestSeq(db());
      await appendEvents(db(), agencies().kr, 1);
      await appendEvents(db(), agencies().us, 7);
      await appendEvents(db(), agencies().kr, 1);
      const seqs = await koreaSeqs();
      assert.equal(seqs.length, before.length + 2);
      assert.deepEqual(
        seqs,
        seqs.map((_, i) => seqs.length - i),
        "newest first, no gaps, ending at 1",
      );
      assert.equal(await newestSeq(db()), wholeBefore + 9, "the whole chain counts all nine");
      const host = (await hostAuditor.get("/api/audit-events?limit=5")).json().items as {
        seq: string;
        prevHash: string | null;
        hash: string;
      }[];
      assert.equal(Number(host[0]?.seq), Number(host[1]?.seq) + 1);
      assert.equal(host[0]?.prevHash, host[1]?.hash, "each event links to the agency's previous one");
    });

    it("an edited event breaks the chains of the agencies it concerns, and only theirs", async () => {
      await appendEvents(db(), agencies().kr, 2);
      const target =
        Number((await sql<{ seq: string }>`select max(seq) as seq from audit_event`.execute(db())).rows[0]?.seq) - 1;
      const koreaSeq = (
        await sql<{ seq: string }>`select seq from audit_agency_link where event_seq = ${target}`.execute(db())
      ).rows[0]?.seq;
      assert.deepEqual((await koreaAuditor.get("/api/audit-events/verification")).json().isIntact, true);
      await tamper(db(), sql`update audit_event set payload = '{"forged": true}'::jsonb where seq = ${target}`);
      const broken = (await koreaAuditor.get("/api/audit-events/verification")).json();
      assert.equal(broken.isIntact, false);
      assert.equal(broken.firstBrokenSeq, koreaSeq);
      assert.equal(
        (await hostAuditor.get("/api/audit-events/verification")).json().isIntact,
        true,
        "the host's chain does not hold that event",
      );
      await tamper(
        db(),
        sql`update audit_event set payload = ${JSON.stringify({ i: 0 })}::jsonb where seq = ${target}`,
      );
      assert.equal((await koreaAuditor.get("/api/audit-events/verification")).json().isIntact, true);
    });

    it("a link deleted from the middle of an agency's chain is found", async () => {
      await appendEvents(db(), agencies().kr, 3);
      const head = Number(await newestAgencySeq(db(), agencies().kr));
      await tamper(db(), sql`delete from audit_agency_link where agency_id = ${agencies().kr} and seq = ${head - 1}`);
      const verdict = (await koreaAuditor.get("/api/audit-events/verification")).json();
      assert.equal(verdict.isIntact, false);
      assert.equal(verdict.firstBrokenSeq, String(head));
    });
  },
);

/** Runs the command line to completion. */
function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, "bin/reciprocity.js"), ...args], {
      cwd: repo,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

interface CliTarget {
  name: string;
  target: DatabaseTarget;
  /** Arguments and environment that point the command line at the same database. */
  args: string[];
  env: NodeJS.ProcessEnv;
  drop(): Promise<void>;
}

async function cliTargets(dir: string): Promise<CliTarget[]> {
  const dataDir = path.join(dir, "data");
  const targets: CliTarget[] = [
    {
      name: "pglite",
      target: { dataDir },
      args: ["--data-dir", dataDir],
      env: { DATABASE_URL: "", RECIPROCITY_AUDIT_ANCHOR_FILE: "" },
      drop: async () => {},
    },
  ];
  const base = process.env.TEST_DATABASE_URL;
  if (base) {
    const name = `reciprocity_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    const drop = async () => {
      const cleanup = new pg.Client({ connectionString: base });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    };
    targets.push({
      name: "postgres",
      target: { url: url.toString() },
      args: ["--anchors", path.join(dir, "pg-anchors.jsonl")],
      env: { DATABASE_URL: url.toString() },
      drop,
    });
  }
  return targets;
}

describe("reciprocity audit verify", () => {
  let dir: string;
  let targets: CliTarget[] = [];
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "reciprocity-audit-cli-"));
    targets = await cliTargets(dir);
  });
  after(async () => {
    await Promise.all(targets.map((t) => t.drop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("exits 0 on an anchored log, 1 naming the anchored event once the tail is deleted, 2 without the named file", async () => {
    for (const { name, target, args, env } of targets) {
      const database = await openDatabase(target);
      await migrateToLatest(database.db);
      const agency = "00000000-0000-4000-8000-000000000001";
      await database.db
        .insertInto("agency")
        .values({ id: agency, code: "TEST", name: "Test agency", country: "ZZ" })
        .execute();
      await appendEvents(database.db, agency, 5);
      await database.close();

      const anchored = await runCli(["audit", "anchor", ...args], env);
      assert.equal(anchored.code, 0, `${name}: ${anchored.stderr}`);
      assert.match(anchored.stdout, /^anchored event 5 \(5 events\) in /);
      if (name === "pglite") {
        assert.ok(existsSync(path.join(dir, "data", "audit-anchors.jsonl")), "default file beside the embedded data");
      }
      const intact = await runCli(["audit", "verify", ...args], env);
      assert.equal(intact.code, 0, `${name}: ${intact.stdout}${intact.stderr}`);
      assert.match(intact.stdout, /^audit log intact: 5 events, newest event 5 /);

      const reopened = await openDatabase(target);
      await tamper(reopened.db, ...deleteAfter(3));
      await reopened.close();
      const truncated = await runCli(["audit", "verify", ...args], env);
      assert.equal(truncated.code, 1, `${name}: ${truncated.stdout}${truncated.stderr}`);
      assert.match(
        truncated.stdout,
        /^audit log NOT intact: event 5 anchored at \S+ \(\S+ line 1\) is missing: the log was truncated \(it now ends at event 3\)/,
      );

      const missingFile = await runCli(["audit", "verify", ...args, "--anchors", path.join(dir, "absent.jsonl")], env);
      assert.equal(missingFile.code, 2, `${name}: ${missingFile.stderr}`);
      assert.match(missingFile.stderr, /cannot read anchor file/);
    }
  });
});
