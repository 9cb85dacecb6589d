import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { Migrator, sql, type Migration } from "kysely";
import { withAgency } from "../../src/db/database.ts";
import { hashPassword } from "../../src/domain/auth.ts";
import { serviceAccountSlug } from "../../src/domain/service-accounts.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines, engines } from "../helpers/db.ts";
import { manifestCsv } from "../helpers/objects.ts";
import { seedTestWorld, TEST_PASSWORD } from "../helpers/world.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const UNKNOWN_ID = "00000000-0000-4000-8000-0000000000aa";
/** Japan Customs has no admin in the test world; this one is added for the cross-agency tests. */
const PARTNER_ADMIN = "partner.admin.tokens";

describe("service account slugs", () => {
  it("keeps Unicode letters and digits, folds case and width, and turns other runs into one dash", () => {
    assert.equal(serviceAccountSlug("  Terminal Feed  "), "terminal-feed");
    assert.equal(serviceAccountSlug("ＴＥＲＭＩＮＡＬ　ｆｅｅｄ"), "terminal-feed");
    assert.equal(serviceAccountSlug("terminal -- feed!!"), "terminal-feed");
    assert.equal(serviceAccountSlug("Café Ω 7"), "café-ω-7");
    assert.equal(serviceAccountSlug("東京 フィード②"), "東京-フィード2");
    assert.equal(serviceAccountSlug("😀 Yokohama 😀"), "yokohama");
  });

  it("is empty for a name without a letter or digit, so such names cannot share an account", () => {
    for (const name of ["😀😀", "🚢", "---", "  ", "!?"]) {
      assert.equal(serviceAccountSlug(name), "", name);
    }
  });
});

describeOnEngines(
  "API tokens",
  async (database) => {
    const world = await seedTestWorld(database.db, 20);
    await database.db
      .insertInto("app_user")
      .values({
        agency_id: world.agencies.jp,
        username: PARTNER_ADMIN,
        display_name: "Partner admin",
        password_hash: await hashPassword(TEST_PASSWORD),
        roles: ["admin"],
        site_id: null,
      })
      .execute();
    return world;
  },
  (ctx) => {
    let app: FastifyInstance;
    let clock: Awaited<ReturnType<typeof buildTestApp>>["clock"];
    let bill = 0;

    before(async () => {
      ({ app, clock } = await buildTestApp(ctx().database.db));
    });
    after(async () => {
      await app.close();
    });

    // Each test logs in afresh: some move the clock past the sessions' lifetime.
    const hostAdmin = () => loginAs(app, "host.admin");

    function bearer(
      token: string,
      method: "GET" | "POST",
      url: string,
      payload?: string,
    ): Promise<LightMyRequestResponse> {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (payload !== undefined) {
        headers["content-type"] = "text/csv";
      }
      return app.inject({ method, url, headers, payload });
    }

    async function issue(
      admin: Client,
      body: object,
    ): Promise<{ id: string; token: string; username: string; expiresAt: string }> {
      const res = await admin.post("/api/api-tokens", body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    }

    async function tokenRow(id: string) {
      return ctx().database.db.selectFrom("api_token").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    }

    async function auditCount(action: string, entityId: string): Promise<number> {
      const rows = await ctx()
        .database.db.selectFrom("audit_event")
        .select("seq")
        .where("action", "=", action)
        .where("entity_id", "=", entityId)
        .execute();
      return rows.length;
    }

    it("issues a token that ingests as the feed's service account and expires 90 days from the app clock", async () => {
      const admin = await hostAdmin();
      const issued = await issue(admin, { name: "Yokohama Terminal" });
      assert.match(issued.token, /^rcp_[\w-]{32}$/);
      assert.equal(issued.username, "token.uscbp.yokohama-terminal");
      assert.equal(issued.expiresAt, new Date(clock.now().getTime() + 90 * DAY_MS).toISOString());
      const row = await tokenRow(issued.id);
      assert.equal(row.token_hash, createHash("sha256").update(issued.token).digest("hex"));
      assert.equal(row.created_at.toISOString(), clock.now().toISOString());

      const bl = `TKN${String(++bill).padStart(7, "0")}`;
      const ingested = await bearer(
        issued.token,
        "POST",
        "/api/manifests?format=csv&fileName=token-feed.csv",
        manifestCsv(bl),
      );
      assert.equal(ingested.statusCode, 201, ingested.body);
      const batch = (await admin.get(`/api/ingest-batches/${ingested.json().batchId}`)).json();
      assert.equal(batch.shipments, 1);
      const receiver = await ctx()
        .database.db.selectFrom("ingest_batch as b")
        .innerJoin("app_user as u", "u.id", "b.received_by")
        .select("u.username")
        .where("b.id", "=", ingested.json().batchId)
        .executeTakeFirstOrThrow();
      assert.equal(receiver.username, issued.username);
      assert.equal(await auditCount("api_token.created", row.user_id), 1);
    });

    it("takes the expiry in whole days from 1 to 365", async () => {
      const admin = await hostAdmin();
      const short = await issue(admin, { name: "short feed", expiresInDays: 1 });
      assert.equal(short.expiresAt, new Date(clock.now().getTime() + DAY_MS).toISOString());
      const long = await issue(admin, { name: "long feed", expiresInDays: 365 });
      assert.equal(long.expiresAt, new Date(clock.now().getTime() + 365 * DAY_MS).toISOString());
      for (const expiresInDays of [0, 366, 1.5, -1]) {
        const res = await admin.post("/api/api-tokens", { name: "bad expiry", expiresInDays });
        assert.equal(res.statusCode, 400, `${expiresInDays}: ${res.body}`);
      }
    });

    it("records the last use at most once a minute", async () => {
      const admin = await hostAdmin();
      const issued = await issue(admin, { name: "busy feed" });
      assert.equal((await tokenRow(issued.id)).last_used_at, null);

      const firstUse = clock.now();
      assert.equal((await bearer(issued.token, "GET", "/api/ingest-batches")).statusCode, 200);
      assert.equal((await tokenRow(issued.id)).last_used_at?.toISOString(), firstUse.toISOString());

      clock.advance(59_000);
      assert.equal((await bearer(issued.token, "GET", "/api/ingest-batches")).statusCode, 200);
      assert.equal(
        (await tokenRow(issued.id)).last_used_at?.toISOString(),
        firstUse.toISOString(),
        "rewritten within a minute",
      );

      clock.advance(1_000);
      const minuteLater = clock.now();
      assert.equal((await bearer(issued.token, "GET", "/api/ingest-batches")).statusCode, 200);
      assert.equal((await tokenRow(issued.id)).last_used_at?.toISOString(), minuteLater.toISOString());

      const listed = (await admin.get("/api/api-tokens?limit=500"))
        .json()
        .items.find((t: { id: string }) => t.id === issued.id);
      assert.equal(listed.lastUsedAt, minuteLater.toISOString());
    });

    it("writes the last use with one conditional UPDATE a minute, also under concurrent requests", async () => {
      const { db } = ctx().database;
      const admin = await hostAdmin();
      const issued = await issue(admin, { name: "counted feed" });
      // Statements count every UPDATE sent (whether it changes a row or not); rows count changes.
      await sql`create table api_token_test_writes (kind text not null)`.execute(db);
      await sql`create function api_token_test_count() returns trigger language plpgsql as $$ begin insert into api_token_test_writes values (lower(tg_level)); return null; end $$`.execute(
        db,
      );
      await sql`create trigger api_token_test_statements after update on api_token for each statement execute function api_token_test_count()`.execute(
        db,
      );
      await sql`create trigger api_token_test_rows after update of last_used_at on api_token for each row execute function api_token_test_count()`.execute(
        db,
      );
      const writes = async () => {
        const rows = await sql<{
          kind: string;
          n: string;
        }>`select kind, count(*)::text as n from api_token_test_writes group by kind`.execute(db);
        return Object.fromEntries(rows.rows.map((r) => [r.kind, Number(r.n)]));
      };
      try {
        for (let i = 0; i < 5; i++) {
          assert.equal((await bearer(issued.token, "GET", "/api/ingest-batches")).statusCode, 200);
          clock.advance(5_000);
        }
        assert.deepEqual(await writes(), { statement: 1, row: 1 }, "one write for five requests within a minute");

        clock.advance(60_000);
        const answers = await Promise.all(
          Array.from({ length: 8 }, () => bearer(issued.token, "GET", "/api/ingest-batches")),
        );
        assert.deepEqual(
          answers.map((a) => a.statusCode),
          Array(8).fill(200),
        );
        assert.equal((await writes()).row, 2, "concurrent requests a minute later changed the row more than once");
        assert.equal((await tokenRow(issued.id)).last_used_at?.toISOString(), clock.now().toISOString());
      } finally {
        await sql`drop trigger api_token_test_statements on api_token`.execute(db);
        await sql`drop trigger api_token_test_rows on api_token`.execute(db);
        await sql`drop function api_token_test_count()`.execute(db);
        await sql`drop table api_token_test_writes`.execute(db);
      }
    });

    it("serves the request when recording the last use fails", async () => {
      const { db } = ctx().database;
      const admin = await hostAdmin();
      const issued = await issue(admin, { name: "unlucky feed" });
      await sql`create function api_token_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'last use refused by test'; end $$`.execute(
        db,
      );
      await sql`create trigger api_token_test_refuse before update of last_used_at on api_token for each row execute function api_token_test_refuse()`.execute(
        db,
      );
      try {
        const res = await bearer(issued.token, "GET", "/api/ingest-batches");
        assert.equal(res.statusCode, 200, res.body);
        assert.equal((await tokenRow(issued.id)).last_used_at, null, "the trigger did not refuse the write");
      } finally {
        await sql`drop trigger api_token_test_refuse on api_token`.execute(db);
        await sql`drop function api_token_test_refuse()`.execute(db);
      }
      assert.equal((await bearer(issued.token, "GET", "/api/ingest-batches")).statusCode, 200);
      assert.notEqual((await tokenRow(issued.id)).last_used_at, null);
    });

    it("refuses revoked, expired and unknown tokens alike, and revokes once", async () => {
      const admin = await hostAdmin();
      const revoked = await issue(admin, { name: "revoked feed" });
      const expiring = await issue(admin, { name: "expiring feed", expiresInDays: 1 });
      assert.equal((await bearer(revoked.token, "GET", "/api/ingest-batches")).statusCode, 200);

      const revoke = await admin.post(`/api/api-tokens/${revoked.id}/revoke`);
      assert.equal(revoke.statusCode, 200, revoke.body);
      assert.equal(revoke.json().state, "revoked");
      assert.equal(revoke.json().revokedBy, "host.admin");
      assert.equal(revoke.json().revokedAt, clock.now().toISOString());
      assert.equal(revoke.json().token, undefined);
      const row = await tokenRow(revoked.id);
      assert.equal(row.revoked_at?.toISOString(), clock.now().toISOString());
      assert.equal(await auditCount("api_token.revoked", revoked.id), 1);

      const again = await admin.post(`/api/api-tokens/${revoked.id}/revoke`);
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(again.json().code, "api_token.already_revoked");
      assert.equal((await tokenRow(revoked.id)).revoked_at?.toISOString(), row.revoked_at?.toISOString());
      assert.equal(await auditCount("api_token.revoked", revoked.id), 1, "a second revocation is audited");

      const refusedRevoked = await bearer(revoked.token, "GET", "/api/ingest-batches");
      assert.equal(refusedRevoked.statusCode, 401);
      const refusedUnknown = await bearer("rcp_not-a-token-anyone-issued", "GET", "/api/ingest-batches");
      assert.equal(refusedUnknown.statusCode, 401);

      assert.equal((await bearer(expiring.token, "GET", "/api/ingest-batches")).statusCode, 200);
      clock.advance(DAY_MS - 1);
      assert.equal(
        (await bearer(expiring.token, "GET", "/api/ingest-batches")).statusCode,
        200,
        "refused before its expiry",
      );
      clock.advance(1);
      const refusedExpired = await bearer(expiring.token, "GET", "/api/ingest-batches");
      assert.equal(refusedExpired.statusCode, 401);

      assert.deepEqual(refusedRevoked.json(), refusedUnknown.json());
      assert.deepEqual(refusedExpired.json(), refusedUnknown.json());

      const states = new Map(
        (
          (await (await hostAdmin()).get("/api/api-tokens?limit=500")).json().items as { id: string; state: string }[]
        ).map((t) => [t.id, t.state]),
      );
      assert.equal(states.get(revoked.id), "revoked");
      assert.equal(states.get(expiring.id), "expired");
    });

    it("refuses a name without a letter or digit, and creates no account for it", async () => {
      const admin = await hostAdmin();
      for (const name of ["😀😀", "🚢🚢🚢", "   ", "--"]) {
        const res = await admin.post("/api/api-tokens", { name });
        assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
        assert.equal(res.json().code, "api_token.name_invalid", name);
        assert.match(res.json().message, /letter or digit/);
      }
      const collapsed = await ctx()
        .database.db.selectFrom("app_user")
        .select("username")
        .where((eb) => eb.or([eb("username", "like", "token.uscbp.-%"), eb("username", "=", "token.uscbp.")]))
        .execute();
      assert.deepEqual(collapsed, []);
      const tooLong = await admin.post("/api/api-tokens", { name: "x".repeat(61) });
      assert.equal(tooLong.statusCode, 400);
    });

    it("gives names that differ only in case or punctuation one service account", async () => {
      const admin = await hostAdmin();
      const first = await issue(admin, { name: "Rotation Feed" });
      const second = await issue(admin, { name: "rotation-feed!" });
      const other = await issue(admin, { name: "Rotation Feed 2" });
      assert.equal(first.username, "token.uscbp.rotation-feed");
      assert.equal(second.username, first.username);
      assert.notEqual(other.username, first.username);
      assert.notEqual(second.token, first.token);
      const accounts = await ctx()
        .database.db.selectFrom("app_user")
        .select("id")
        .where("username", "=", first.username)
        .execute();
      assert.equal(accounts.length, 1);
      // Both tokens work until the old one is revoked: that is how a feed rotates its credentials.
      assert.equal((await bearer(first.token, "GET", "/api/ingest-batches")).statusCode, 200);
      assert.equal((await bearer(second.token, "GET", "/api/ingest-batches")).statusCode, 200);
      assert.equal((await admin.post(`/api/api-tokens/${first.id}/revoke`)).statusCode, 200);
      assert.equal((await bearer(first.token, "GET", "/api/ingest-batches")).statusCode, 401);
      assert.equal((await bearer(second.token, "GET", "/api/ingest-batches")).statusCode, 200);
    });

    it("lists the agency's tokens newest first, page by page, without the token or its hash", async () => {
      const admin = await hostAdmin();
      const issued = [];
      for (const name of ["list feed a", "list feed b", "list feed c"]) {
        clock.advance(1_000);
        issued.push(await issue(admin, { name }));
      }
      const res = await admin.get("/api/api-tokens?limit=500");
      assert.equal(res.statusCode, 200, res.body);
      const items = res.json().items as Record<string, unknown>[];
      assert.deepEqual(
        items.slice(0, 3).map((t) => t.id),
        issued.map((t) => t.id).reverse(),
      );
      const createdAt = items.map((t) => String(t.createdAt));
      assert.deepEqual(createdAt, [...createdAt].sort().reverse());
      assert.deepEqual(Object.keys(items[0] ?? {}).sort(), [
        "createdAt",
        "createdBy",
        "expiresAt",
        "id",
        "lastUsedAt",
        "name",
        "revokedAt",
        "revokedBy",
        "state",
        "username",
      ]);
      assert.equal(items[0]?.createdBy, "host.admin");
      assert.equal(items[0]?.state, "active");
      assert.equal(items[0]?.name, "list feed c");
      const hashes = await ctx().database.db.selectFrom("api_token").select("token_hash").execute();
      assert.ok(hashes.length >= items.length);
      for (const { token_hash } of hashes) {
        assert.ok(!res.body.includes(token_hash), "a token hash is listed");
      }
      for (const { token } of issued) {
        assert.ok(!res.body.includes(token), "a token is listed");
      }
      assert.ok(!res.body.includes("rcp_"));

      const first = (await admin.get("/api/api-tokens?limit=2")).json();
      assert.equal(first.items.length, 2);
      assert.ok(first.nextCursor);
      const second = (
        await admin.get(`/api/api-tokens?limit=2&cursor=${encodeURIComponent(first.nextCursor as string)}`)
      ).json();
      assert.deepEqual(
        [...first.items, ...second.items].map((t: { id: string }) => t.id),
        items.slice(0, 4).map((t) => t.id),
      );
    });

    it("shows another agency's admin none of the host's tokens and answers its revocation like an unknown id", async () => {
      const admin = await hostAdmin();
      const host = await issue(admin, { name: "cross agency feed" });
      const partner = await loginAs(app, PARTNER_ADMIN);
      const own = await issue(partner, { name: "cross agency feed" });
      assert.equal(own.username, "token.jpcus.cross-agency-feed");

      const listed = await partner.get("/api/api-tokens?limit=500");
      assert.equal(listed.statusCode, 200);
      assert.deepEqual(
        listed.json().items.map((t: { id: string }) => t.id),
        [own.id],
      );
      assert.ok(!listed.body.includes(host.id));
      assert.ok(!listed.body.includes("token.uscbp."));

      const foreign = await partner.post(`/api/api-tokens/${host.id}/revoke`);
      const unknown = await partner.post(`/api/api-tokens/${UNKNOWN_ID}/revoke`);
      assert.equal(foreign.statusCode, 404);
      assert.deepEqual(foreign.json(), unknown.json());
      assert.equal(unknown.statusCode, 404);
      assert.equal((await tokenRow(host.id)).revoked_at, null);
      assert.equal((await bearer(host.token, "GET", "/api/ingest-batches")).statusCode, 200);

      // And the other way round.
      const hostSide = await admin.post(`/api/api-tokens/${own.id}/revoke`);
      assert.equal(hostSide.statusCode, 404);
      assert.ok(!(await admin.get("/api/api-tokens?limit=500")).body.includes(own.id));
    });

    it("lets only admins issue, list and revoke tokens", async () => {
      const admin = await hostAdmin();
      const issued = await issue(admin, { name: "guarded feed" });
      const targeter = await loginAs(app, "host.targeter");
      const auditor = await loginAs(app, "host.auditor");
      for (const user of [targeter, auditor]) {
        assert.equal((await user.get("/api/api-tokens")).statusCode, 403);
        assert.equal((await user.post("/api/api-tokens", { name: "sneaky feed" })).statusCode, 403);
        assert.equal((await user.post(`/api/api-tokens/${issued.id}/revoke`)).statusCode, 403);
      }
      // Nor may a feed manage tokens with its own token.
      assert.equal((await bearer(issued.token, "GET", "/api/api-tokens")).statusCode, 403);
      assert.equal((await bearer(issued.token, "POST", `/api/api-tokens/${issued.id}/revoke`)).statusCode, 403);
      assert.equal((await tokenRow(issued.id)).revoked_at, null);
      assert.equal((await app.inject({ method: "GET", url: "/api/api-tokens" })).statusCode, 401);
    });

    it("keeps the token table from the application role", async () => {
      const { db } = ctx().database;
      const { agencies } = ctx().fixture;
      await assert.rejects(
        withAgency(db, agencies.us, (tx) => sql`select count(*) from api_token`.execute(tx)),
        /permission denied/,
      );
    });
  },
);

describe("migration 0010 on tokens issued before it", () => {
  for (const engine of engines()) {
    it(`gives existing tokens an id and an expiry 90 days after their issue [${engine.name}]`, async () => {
      const opened = await engine.open();
      try {
        const { db } = opened.database;
        const dir = path.resolve(import.meta.dirname, "../../migrations");
        const files = (await readdir(dir)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
        const migrations: Record<string, Migration> = {};
        for (const file of files) {
          const text = await readFile(path.join(dir, file), "utf8");
          migrations[file.replace(/\.sql$/, "")] = {
            up: async (d) => {
              await sql.raw(text).execute(d);
            },
          };
        }
        const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
        const before0010 = await migrator.migrateTo("0009_audit_anchor");
        assert.equal(before0010.error, undefined);
        await sql`insert into agency (code, name, country) values ('OLD', 'Old Customs', 'XX')`.execute(db);
        await sql`insert into app_user (agency_id, username, display_name, password_hash, roles, is_service)
          select id, 'token.old.feed', 'token.old.feed', '!', '{ingest}', true from agency where code = 'OLD'`.execute(
          db,
        );
        await sql`insert into api_token (token_hash, user_id, name, created_at)
          select h, u.id, 'feed', '2026-01-10T12:00:00Z' from app_user u, unnest(array['a', 'b']) h where u.username = 'token.old.feed'`.execute(
          db,
        );
        const latest = await migrator.migrateToLatest();
        assert.equal(latest.error, undefined);
        const rows = await db
          .selectFrom("api_token")
          .select(["id", "expires_at", "last_used_at", "revoked_by"])
          .execute();
        assert.equal(rows.length, 2);
        assert.notEqual(rows[0]?.id, rows[1]?.id);
        for (const row of rows) {
          assert.match(row.id, /^[0-9a-f-]{36}$/);
          assert.equal(row.expires_at.toISOString(), "2026-04-10T12:00:00.000Z");
          assert.equal(row.last_used_at, null);
          assert.equal(row.revoked_by, null);
        }
      } finally {
        await opened.drop();
      }
    });
  }
});
