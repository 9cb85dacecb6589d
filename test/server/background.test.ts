import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Kysely } from "kysely";
import { exclusiveRunner, type RunExclusive, type Turn } from "../../src/db/advisory-lock.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { DB } from "../../src/db/schema.ts";
import { recordAudit } from "../../src/domain/audit.ts";
import { startAnchoring } from "../../src/domain/audit-anchor.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { newestLogSeq } from "../../src/domain/events.ts";
import { runSweep } from "../../src/server/background.ts";
import { describeOnEngines, engines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR, type TestWorld } from "../helpers/world.ts";

const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 8 * 3_600_000));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A gate that holds turns inside their lock until opened. */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** The runner, with every turn noting that it got in and then waiting at the gate before its work. */
function gated(name: string, exclusive: RunExclusive, entered: string[], at: Promise<void>): RunExclusive {
  return (job, work) =>
    exclusive(job, async () => {
      entered.push(name);
      await at;
      return work();
    });
}

describeOnEngines(
  "background turns in one process",
  (database) => seedTestWorld(database.db, 30),
  (ctx) => {
    it("skips a tick while the previous turn of the same job still runs, and not other jobs", async () => {
      const exclusive = exclusiveRunner(ctx().database.db, ctx().engine);
      const held = gate();
      const slow = exclusive("deadlineSweep", async () => {
        await held.wait;
        return "first";
      });
      assert.deepEqual(await exclusive("deadlineSweep", async () => "second"), { isRun: false });
      assert.deepEqual(await exclusive("auditAnchor", async () => "other job"), { isRun: true, value: "other job" });
      held.open();
      assert.deepEqual(await slow, { isRun: true, value: "first" });
      assert.deepEqual(
        await exclusive("deadlineSweep", async () => "third"),
        { isRun: true, value: "third" },
        "the turn ended, the next runs",
      );
    });
  },
);

// Two pools on one PostgreSQL database stand for two server processes: each has its own runner,
// so nothing in memory keeps them apart, only the advisory lock.
const postgres = engines().find((e) => e.name === "postgres");
const PG_ONLY = postgres ? false : "PostgreSQL only: set TEST_DATABASE_URL=postgres://… to run it";

describe("background turns across processes [postgres]", () => {
  let opened: Awaited<ReturnType<NonNullable<typeof postgres>["open"]>> | undefined;
  let other: Database | undefined;
  let world: TestWorld | undefined;
  let dir: string | undefined;
  const dbs = (): [Kysely<DB>, Kysely<DB>] => [(opened as { database: Database }).database.db, (other as Database).db];

  before(async () => {
    if (!postgres) {
      return;
    }
    opened = await postgres.open();
    await migrateToLatest(opened.database.db);
    world = await seedTestWorld(opened.database.db, 30);
    other = await openDatabase({ url: opened.url as string });
    dir = mkdtempSync(path.join(tmpdir(), "reciprocity-background-"));
  });
  after(async () => {
    await other?.close();
    await opened?.drop();
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    "lets exactly one of two concurrent sweeps run; the other skips at once, and the lock ends with the turn",
    { skip: PG_ONLY },
    async () => {
      const [a, b] = dbs();
      const entered: string[] = [];
      const held = gate();
      const sweepA = runSweep(a, clock, gated("A", exclusiveRunner(a, "postgres"), entered, held.wait));
      const sweepB = runSweep(b, clock, gated("B", exclusiveRunner(b, "postgres"), entered, held.wait));
      const first = await Promise.race([sweepA, sweepB, sleep(5_000).then(() => "both are still running after 5 s")]);
      assert.deepEqual(first, { isRun: false }, "the second sweep skipped its turn without waiting");
      held.open();
      const turns: Turn<number>[] = await Promise.all([sweepA, sweepB]);
      assert.equal(turns.filter((t) => t.isRun).length, 1, "exactly one sweep ran");
      assert.equal(entered.length, 1);

      assert.equal((await runSweep(b, clock, exclusiveRunner(b, "postgres"))).isRun, true, "B's next tick runs");
      assert.equal((await runSweep(a, clock, exclusiveRunner(a, "postgres"))).isRun, true, "and A's");
    },
  );

  it("releases the lock when a turn fails", { skip: PG_ONLY }, async () => {
    const [a, b] = dbs();
    await assert.rejects(
      exclusiveRunner(a, "postgres")("deadlineSweep", async () => Promise.reject(new Error("sweep failed"))),
      /sweep failed/,
    );
    assert.deepEqual(await exclusiveRunner(b, "postgres")("deadlineSweep", async () => "ran"), {
      isRun: true,
      value: "ran",
    });
  });

  it("several processes anchoring into one file write each head once, in order", { skip: PG_ONLY }, async () => {
    const [a, b] = dbs();
    const file = path.join(dir as string, "shared-anchors.jsonl");
    const errors: unknown[] = [];
    const onError = (err: unknown) => errors.push(err);
    const runA = exclusiveRunner(a, "postgres");
    const runB = exclusiveRunner(b, "postgres");
    const stopA = startAnchoring(a, file, 7, onError, (work) => runA("auditAnchor", work));
    const stopB = startAnchoring(b, file, 7, onError, (work) => runB("auditAnchor", work));
    for (let i = 0; i < 8; i++) {
      await a.transaction().execute((tx) =>
        recordAudit(tx, null, {
          action: "test.event",
          entityType: "test",
          otherAgencyIds: [(world as TestWorld).agencies.us],
          payload: { i },
        }),
      );
      await sleep(40);
    }
    await stopA();
    await stopB();
    const seqs = readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => BigInt((JSON.parse(line) as { seq: string }).seq));
    assert.deepEqual(errors, []);
    assert.ok(seqs.length >= 2, `anchored ${seqs.length} times`);
    assert.ok(
      seqs.every((seq, i) => i === 0 || seq > (seqs[i - 1] as bigint)),
      `each head once, in order: ${seqs.join(", ")}`,
    );
    assert.equal(seqs.at(-1), BigInt(await newestLogSeq(a)));
  });
});
