import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { SESSION_REUSE_MS } from "../../src/domain/session-memory.ts";
import { buildApp } from "../../src/server/app.ts";
import { engines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR, TEST_PASSWORD } from "../helpers/world.ts";

// Two app instances on one PostgreSQL database, each with its own pool and so its own memory of
// sessions (keyed by database handle), stand for two server processes (`serve --workers 2`).

const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 8 * 3_600_000));
const postgres = engines().find((e) => e.name === "postgres");
const PG_ONLY = postgres ? false : "PostgreSQL only: set TEST_DATABASE_URL=postgres://… to run it";

async function login(app: FastifyInstance, username: string): Promise<string> {
  const res = await app.inject({ method: "POST", url: "/api/session", payload: { username, password: TEST_PASSWORD } });
  assert.equal(res.statusCode, 200, res.body);
  const cookie = res.cookies.find((c) => c.name === "reciprocity_session");
  assert.ok(cookie);
  return `reciprocity_session=${cookie.value}`;
}

async function me(app: FastifyInstance, cookie: string): Promise<number> {
  return (await app.inject({ method: "GET", url: "/api/me", headers: { cookie } })).statusCode;
}

/** Milliseconds until `app` refuses the session, or null if it still accepts it after `withinMs`. */
async function msUntilRefused(app: FastifyInstance, cookie: string, withinMs: number): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < withinMs) {
    if ((await me(app, cookie)) === 401) {
      return performance.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return null;
}

describe("sessions ended in one server process end in every process [postgres]", () => {
  let opened: Awaited<ReturnType<NonNullable<typeof postgres>["open"]>> | undefined;
  const extra: Database[] = [];
  const apps: FastifyInstance[] = [];
  let first: FastifyInstance;
  let second: FastifyInstance;
  let deaf: FastifyInstance;
  let hostUserIds: Map<string, string>;

  const instance = async (listens: boolean): Promise<FastifyInstance> => {
    const database = await openDatabase({ url: opened?.url as string });
    extra.push(database);
    const app = await buildApp({
      db: database.db,
      clock,
      webDir: "/nonexistent",
      eventListenUrl: listens ? opened?.url : undefined,
    });
    apps.push(app);
    return app;
  };

  before(async () => {
    if (!postgres) {
      return;
    }
    opened = await postgres.open();
    await migrateToLatest(opened.database.db);
    await seedTestWorld(opened.database.db, 20);
    const users = await opened.database.db.selectFrom("app_user").select(["id", "username"]).execute();
    hostUserIds = new Map(users.map((u) => [u.username, u.id]));
    first = await instance(true);
    second = await instance(true);
    // Without the LISTEN connection: what a process did before, to show the others do better.
    deaf = await instance(false);
  });
  after(async () => {
    for (const app of apps) {
      await app.close();
    }
    for (const database of extra) {
      await database.close();
    }
    await opened?.drop();
  });

  it("refuses a session logged out in another process within a few milliseconds", { skip: PG_ONLY }, async () => {
    const cookie = await login(first, "partner.targeter");
    // Each process has now read the session and remembers it.
    assert.equal(await me(second, cookie), 200);
    assert.equal(await me(deaf, cookie), 200);
    const out = await first.inject({ method: "DELETE", url: "/api/session", headers: { cookie } });
    assert.ok(out.statusCode < 300, out.body);
    assert.equal(await me(first, cookie), 401, "the process that logged out forgets at once");
    // The process that does not listen still answers from memory (for up to SESSION_REUSE_MS):
    // so a refusal by the listening one is the notification's doing, not its memory ageing out.
    assert.equal(await me(deaf, cookie), 200);
    const ms = await msUntilRefused(second, cookie, SESSION_REUSE_MS / 2);
    assert.notEqual(ms, null, "the other process still accepted the logged-out session");
    assert.ok((ms as number) < 250, `refused after ${ms} ms`);
  });

  it("refuses every session of an account disabled in another process", { skip: PG_ONLY }, async () => {
    const targeter = await login(first, "host.targeter");
    const admin = await login(first, "host.admin");
    assert.equal(await me(second, targeter), 200);
    assert.equal(await me(deaf, targeter), 200);
    const id = hostUserIds.get("host.targeter") as string;
    const off = await first.inject({
      method: "POST",
      url: `/api/users/${id}/activation`,
      headers: { cookie: admin },
      payload: { isActive: false },
    });
    assert.equal(off.statusCode, 204, off.body);
    assert.equal(await me(deaf, targeter), 200);
    const ms = await msUntilRefused(second, targeter, SESSION_REUSE_MS / 2);
    assert.notEqual(ms, null, "the other process still accepted the disabled account's session");
    assert.ok((ms as number) < 250, `refused after ${ms} ms`);
  });

  it("reads the actor again when its account changes elsewhere (language)", { skip: PG_ONLY }, async () => {
    const cookie = await login(first, "partner.supervisor");
    const before = await second.inject({ method: "GET", url: "/api/me", headers: { cookie } });
    assert.equal(before.statusCode, 200);
    const language = before.json<{ language: string }>().language === "ja" ? "en" : "ja";
    await opened?.database.db
      .updateTable("app_user")
      .set({ language })
      .where("username", "=", "partner.supervisor")
      .execute();
    const started = performance.now();
    let seen: string | undefined;
    while (performance.now() - started < SESSION_REUSE_MS / 2) {
      seen = (await second.inject({ method: "GET", url: "/api/me", headers: { cookie } })).json<{ language: string }>()
        .language;
      if (seen === language) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(seen, language);
  });
});
