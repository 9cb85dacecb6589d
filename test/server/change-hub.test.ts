import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, afterEach, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import {
  PostgresQueryCompiler,
  sql,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from "kysely";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { DB } from "../../src/db/schema.ts";
import { recordAudit } from "../../src/domain/audit.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { CHANGE_PAGE } from "../../src/domain/events.ts";
import { buildApp } from "../../src/server/app.ts";
import { loginAs } from "../helpers/api.ts";
import { describeOnEngines, engines } from "../helpers/db.ts";
import { eventually, openStream, portOf, sessionCookie, type OpenStream } from "../helpers/event-stream.ts";
import { seedTestWorld, TEST_ANCHOR, TEST_PASSWORD, type TestWorld } from "../helpers/world.ts";

const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 8 * 3_600_000));
const SESSION_CHECK_MS = 150;

/** Counts the reads of new changes (changesSince) that go through a database handle. */
class ChangeReadCounter implements KyselyPlugin {
  count = 0;
  private readonly compiler = new PostgresQueryCompiler();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const { sql: text } = this.compiler.compileQuery(args.node, args.queryId);
    if (/from "audit_event"/.test(text) && /"action" not like/.test(text)) {
      this.count++;
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** Appends one event in its own transaction, readable by the given agencies; returns its entity id. */
async function change(db: Kysely<DB>, agencyIds: string[], action = "test.changed"): Promise<string> {
  const entityId = randomUUID();
  await db
    .transaction()
    .execute((tx) => recordAudit(tx, null, { action, entityType: "test", entityId, otherAgencyIds: agencyIds }));
  return entityId;
}

describeOnEngines(
  "change hub: one read per agency, fanned out to every stream",
  (database) => seedTestWorld(database.db, 40),
  (ctx) => {
    let app: FastifyInstance;
    let port: number;
    let world: TestWorld;
    const counter = new ChangeReadCounter();
    const streams: OpenStream[] = [];
    const cookies = new Map<string, string>();
    const cookieOf = async (username: string) => {
      const known = cookies.get(username);
      if (known) {
        return known;
      }
      const cookie = await sessionCookie(app, username, TEST_PASSWORD);
      cookies.set(username, cookie);
      return cookie;
    };
    const open = async (username: string, headers: Record<string, string> = {}) => {
      const stream = await openStream(port, { cookie: await cookieOf(username), ...headers });
      assert.equal(stream.status, 200);
      streams.push(stream);
      return stream;
    };

    before(async () => {
      world = ctx().fixture;
      app = await buildApp({
        db: ctx().database.db.withPlugin(counter),
        clock,
        webDir: "/nonexistent",
        eventPollMs: 50,
        eventSessionCheckMs: SESSION_CHECK_MS,
      });
      await app.listen({ port: 0, host: "127.0.0.1" });
      port = portOf(app);
    });
    afterEach(async () => {
      for (const stream of streams.splice(0)) {
        stream.close();
      }
      await eventually(() => app.changeHub.size === 0, "every stream left the hub");
    });
    after(async () => {
      await app.close();
    });

    it("delivers a change to an open stream", async () => {
      const stream = await open("host.targeter");
      await eventually(() => app.changeHub.size === 1, "the stream joined the hub");
      const started = performance.now();
      const id = await change(ctx().database.db, [world.agencies.us]);
      const got = await stream.waitFor((c) => c.data.entityId === id, 3_000);
      assert.equal(got.data.action, "test.changed");
      assert.ok(performance.now() - started < 3_000);
    });

    it("reads the log once per agency with open streams, however many streams each has", async () => {
      // One login per user first: logins racing for one account are throttled.
      for (const username of ["host.targeter", "host.supervisor", "partner.targeter"]) {
        await cookieOf(username);
      }
      const hostStreams = await Promise.all(
        [...Array<string>(6).fill("host.targeter"), ...Array<string>(6).fill("host.supervisor")].map((u) => open(u)),
      );
      await eventually(() => app.changeHub.size === 12, "the streams joined the hub");
      await settle(counter);

      counter.count = 0;
      const first = await change(ctx().database.db, [world.agencies.us]);
      await Promise.all(hostStreams.map((s) => s.waitFor((c) => c.data.entityId === first)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(counter.count, 1, "twelve streams of one agency, one change: one read");

      const partnerStreams = await Promise.all(Array.from({ length: 5 }, () => open("partner.targeter")));
      await eventually(() => app.changeHub.size === 17, "the partner's streams joined the hub");
      await settle(counter);
      counter.count = 0;
      const both = await change(ctx().database.db, [world.agencies.us, world.agencies.jp]);
      await Promise.all([...hostStreams, ...partnerStreams].map((s) => s.waitFor((c) => c.data.entityId === both)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(counter.count, 2, "two agencies with open streams: two reads");
      for (const stream of [...hostStreams, ...partnerStreams]) {
        assert.equal(
          stream.changes.filter((c) => c.data.entityId === both).length,
          1,
          "each stream gets the change once",
        );
      }
    });

    it("never sends one agency's private event to another agency's stream", async () => {
      const us = await open("host.targeter");
      const jp = await open("partner.targeter");
      const kr = await open("kr.targeter");
      await eventually(() => app.changeHub.size === 3, "the streams joined the hub");
      const secret = await change(ctx().database.db, [world.agencies.jp], "test.private");
      const marker = await change(
        ctx().database.db,
        [world.agencies.us, world.agencies.jp, world.agencies.kr],
        "test.public",
      );
      // Events arrive in sequence order: once the later, public one is in, the private one would have been too.
      await Promise.all([us, jp, kr].map((s) => s.waitFor((c) => c.data.entityId === marker)));
      assert.ok(
        jp.changes.some((c) => c.data.entityId === secret),
        "the agency it concerns hears of it",
      );
      assert.ok(!us.changes.some((c) => c.data.entityId === secret), "the host agency does not");
      assert.ok(!kr.changes.some((c) => c.data.entityId === secret), "an agency outside every agreement does not");
    });

    it("ends the streams of a session that logged out or an account that was disabled within the check interval, and keeps the others", async () => {
      const leaving = await sessionCookie(app, "host.supervisor", TEST_PASSWORD);
      const ending = await openStream(port, { cookie: leaving });
      streams.push(ending);
      const staying = await open("host.targeter");
      const korean = await open("kr.targeter");
      await eventually(() => app.changeHub.size === 3, "the streams joined the hub");

      const loggedOut = await app.inject({ method: "DELETE", url: "/api/session", headers: { cookie: leaving } });
      assert.equal(loggedOut.statusCode, 204);
      const at = performance.now();
      const endedAt = await ending.ended(10 * SESSION_CHECK_MS);
      assert.ok(endedAt - at < 4 * SESSION_CHECK_MS, `ended ${Math.round(endedAt - at)} ms after the logout`);

      const db = ctx().database.db;
      await db.updateTable("app_user").set({ is_active: false }).where("username", "=", "kr.targeter").execute();
      try {
        await korean.ended(10 * SESSION_CHECK_MS);
      } finally {
        await db.updateTable("app_user").set({ is_active: true }).where("username", "=", "kr.targeter").execute();
      }
      await new Promise((resolve) => setTimeout(resolve, 3 * SESSION_CHECK_MS));
      assert.equal(staying.isEnded(), false, "a stream whose session is still open stays");
      const id = await change(db, [world.agencies.us]);
      await staying.waitFor((c) => c.data.entityId === id);
    });

    it("catches a resumed stream up from Last-Event-ID by itself, a page at a time, then follows the hub", async () => {
      const db = ctx().database.db;
      const before = await db
        .selectFrom("audit_event")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .executeTakeFirstOrThrow();
      const missed = CHANGE_PAGE + 30;
      await db.transaction().execute(async (tx) => {
        for (let i = 0; i < missed; i++) {
          await recordAudit(tx, null, {
            action: "test.missed",
            entityType: "test",
            entityId: String(i),
            otherAgencyIds: [world.agencies.us],
          });
        }
      });
      const stream = await open("host.targeter", { "last-event-id": String(before.seq) });
      await stream.waitFor((c) => c.data.entityId === String(missed - 1));
      const caughtUp = stream.changes.filter((c) => c.data.action === "test.missed").map((c) => c.data.entityId);
      assert.deepEqual(
        caughtUp,
        Array.from({ length: missed }, (_, i) => String(i)),
        "every missed change once, in order",
      );
      await eventually(() => app.changeHub.size === 1, "the stream joined the hub");
      const id = await change(db, [world.agencies.us]);
      await stream.waitFor((c) => c.data.entityId === id);
      const seqs = stream.changes.map((c) => BigInt(c.id));
      assert.ok(
        seqs.every((s, i) => i === 0 || s > (seqs[i - 1] as bigint)),
        "ids strictly increase",
      );
    });
  },
);

/** Waits until the counter has not moved for a while (streams that joined were read for). */
async function settle(counter: ChangeReadCounter): Promise<void> {
  let seen = -1;
  while (seen !== counter.count) {
    seen = counter.count;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// Two app instances on one PostgreSQL database share nothing in memory: only NOTIFY can carry a
// change from one to the other within the test's time, since the safety-net poll is set to a minute.
const postgres = engines().find((e) => e.name === "postgres");
const PG_ONLY = postgres ? false : "PostgreSQL only: set TEST_DATABASE_URL=postgres://… to run it";

describe("live updates across server processes on one PostgreSQL database [postgres]", () => {
  let opened: Awaited<ReturnType<NonNullable<typeof postgres>["open"]>> | undefined;
  let writerDb: Database | undefined;
  let writer: FastifyInstance;
  let reader: FastifyInstance;
  let world: TestWorld;

  before(async () => {
    if (!postgres) {
      return;
    }
    opened = await postgres.open();
    await migrateToLatest(opened.database.db);
    world = await seedTestWorld(opened.database.db, 40);
    // The writer has its own pool and no LISTEN; the reader listens and would poll only once a minute.
    writerDb = await openDatabase({ url: opened.url as string });
    writer = await buildApp({ db: writerDb.db, clock, webDir: "/nonexistent" });
    reader = await buildApp({
      db: opened.database.db,
      clock,
      webDir: "/nonexistent",
      eventListenUrl: opened.url,
      eventFallbackPollMs: 60_000,
      eventPollMs: 60_000,
    });
    await reader.listen({ port: 0, host: "127.0.0.1" });
  });
  after(async () => {
    await reader?.close();
    await writer?.close();
    await writerDb?.close();
    await opened?.drop();
  });

  it("delivers a change made through one instance to a stream served by another", { skip: PG_ONLY }, async () => {
    const stream = await openStream(portOf(reader), {
      cookie: await sessionCookie(reader, "host.supervisor", TEST_PASSWORD),
    });
    try {
      await eventually(() => reader.changeHub.size === 1, "the stream joined the hub");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const partner = await loginAs(writer, "partner.targeter");
      const started = performance.now();
      const created = await partner.post("/api/inspection-requests", {
        shipmentId: world.japanBound.id,
        containerNo: world.japanBound.containerNo,
        reason: "across processes",
      });
      assert.equal(created.statusCode, 201, created.body);
      const got = await stream.waitFor(
        (c) => c.data.action === "inspection_request.created" && c.data.entityId === created.json().id,
        3_000,
      );
      assert.ok(got);
      assert.ok(performance.now() - started < 3_000);
    } finally {
      stream.close();
    }
  });

  it(
    "reconnects when the LISTEN connection is cut and delivers what was appended meanwhile",
    { skip: PG_ONLY },
    async () => {
      const stream = await openStream(portOf(reader), {
        cookie: await sessionCookie(reader, "host.targeter", TEST_PASSWORD),
      });
      try {
        await eventually(() => reader.changeHub.size === 1, "the stream joined the hub");
        const db = (writerDb as Database).db;
        const cut = await sql<{ pid: number }>`
        select pg_terminate_backend(pid) as pid from pg_stat_activity
        where application_name = 'reciprocity live updates' and datname = current_database()`.execute(db);
        assert.equal(cut.rows.length, 1, "one LISTEN connection to cut");
        const id = await change(db, [world.agencies.us]);
        await stream.waitFor((c) => c.data.entityId === id, 5_000);
        const next = await change(db, [world.agencies.us]);
        await stream.waitFor((c) => c.data.entityId === next, 3_000);
      } finally {
        stream.close();
      }
    },
  );
});
