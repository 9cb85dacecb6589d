import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { passwords } from "../../src/domain/auth.ts";
import { addressKey, nextAttemptAfter, usernameKey } from "../../src/domain/login-throttle.ts";
import { buildTestApp, loginAs } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_PASSWORD } from "../helpers/world.ts";

describe("login throttle keys and policy", () => {
  it("keys usernames without case, surrounding space or Unicode form", () => {
    assert.equal(usernameKey("  Host.Admin "), "host.admin");
    assert.equal(usernameKey("ＨＯＳＴ.admin"), "host.admin");
  });

  it("keys IPv4 as is, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64", () => {
    assert.equal(addressKey("203.0.113.9"), "203.0.113.9");
    assert.equal(addressKey("::ffff:203.0.113.9"), "203.0.113.9");
    assert.equal(addressKey("2001:db8:0:1::1"), "2001:db8:0:1::/64");
    assert.equal(addressKey("2001:0db8:0000:0001:ffff:0:0:2"), "2001:db8:0:1::/64");
    assert.equal(addressKey("fe80::1%eth0"), "fe80:0:0:0::/64");
    assert.notEqual(addressKey("2001:db8:0:2::1"), addressKey("2001:db8:0:1::1"));
  });

  it("waits 2^(n-5) s from the fifth failure and locks for 15 minutes from the tenth", () => {
    const at = new Date("2026-01-01T00:00:00Z");
    const wait = (n: number) => {
      const until = nextAttemptAfter(n, at);
      return until ? (until.getTime() - at.getTime()) / 1000 : 0;
    };
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 40].map(wait), [0, 0, 0, 0, 1, 2, 4, 8, 16, 900, 900, 900]);
  });
});

/** The wrong password the lockout helper keeps guessing; it must never reach the audit log. */
const GUESS = "Summer2026-guess";

describeOnEngines(
  "login throttle",
  (database) => seedTestWorld(database.db, 20),
  (ctx) => {
    let app: FastifyInstance;
    let clock: Awaited<ReturnType<typeof buildTestApp>>["clock"];
    let nextHost = 0;
    /** A fresh client address per test, so one test's failures do not throttle another. */
    const freshAddress = () => `198.51.100.${++nextHost}`;

    before(async () => {
      ({ app, clock } = await buildTestApp(ctx().database.db));
    });
    after(async () => {
      await app.close();
    });

    function attempt(username: string, password: string, remoteAddress: string): Promise<LightMyRequestResponse> {
      return app.inject({ method: "POST", url: "/api/session", payload: { username, password }, remoteAddress });
    }

    async function userId(username: string): Promise<string> {
      const row = await ctx()
        .database.db.selectFrom("app_user")
        .select("id")
        .where("username", "=", username)
        .executeTakeFirstOrThrow();
      return row.id;
    }

    async function sessionCount(username: string): Promise<number> {
      const row = await ctx()
        .database.db.selectFrom("user_session")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("user_id", "=", await userId(username))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }

    /** Fails with a wrong password until the account is locked, waiting out each back-off. */
    async function lockOut(username: string, address: string): Promise<void> {
      let failures = 0;
      while (failures < 10) {
        const res = await attempt(username, GUESS, address);
        if (res.statusCode === 429) {
          clock.advance(Number(res.headers["retry-after"]) * 1000);
          continue;
        }
        assert.equal(res.statusCode, 401, res.body);
        failures++;
      }
    }

    it("backs off from the fifth failure, locks at the tenth, and refuses even the right password", async (t) => {
      const address = freshAddress();
      const verify = t.mock.method(passwords, "verify");
      for (let i = 0; i < 5; i++) {
        assert.equal((await attempt("scan.officer", "wrong", address)).statusCode, 401);
      }
      assert.equal(verify.mock.callCount(), 5);

      const waits: string[] = [];
      for (let failures = 5; failures < 10; failures++) {
        const refused = await attempt("scan.officer", "wrong", address);
        assert.equal(refused.statusCode, 429);
        assert.equal(refused.json().code, "auth.throttled");
        assert.equal(typeof refused.json().message, "string");
        waits.push(String(refused.headers["retry-after"]));
        clock.advance(Number(refused.headers["retry-after"]) * 1000);
        assert.equal((await attempt("scan.officer", "wrong", address)).statusCode, 401);
      }
      assert.deepEqual(waits, ["1", "2", "4", "8", "16"]);
      assert.equal(verify.mock.callCount(), 10, "throttled attempts never reach argon2");

      const sessionsBefore = await sessionCount("scan.officer");
      const locked = await attempt("scan.officer", TEST_PASSWORD, address);
      assert.equal(locked.statusCode, 429);
      assert.equal(locked.headers["retry-after"], "900");
      assert.equal(locked.cookies.length, 0);
      assert.equal(verify.mock.callCount(), 10, "the password is not checked during a lockout");
      assert.equal(await sessionCount("scan.officer"), sessionsBefore);

      clock.advance(899_000);
      const almost = await attempt("scan.officer", TEST_PASSWORD, freshAddress());
      assert.equal(almost.statusCode, 429, "the lockout holds from any address");
      assert.equal(almost.headers["retry-after"], "1");
      clock.advance(1000);
      assert.equal((await attempt("scan.officer", TEST_PASSWORD, address)).statusCode, 200);
      assert.equal(await sessionCount("scan.officer"), sessionsBefore + 1);
    });

    it("resets the count after a successful login", async () => {
      const address = freshAddress();
      for (let i = 0; i < 4; i++) {
        assert.equal((await attempt("host.targeter", "wrong", address)).statusCode, 401);
      }
      assert.equal((await attempt("host.targeter", TEST_PASSWORD, address)).statusCode, 200);
      // Four more failures would have reached back-off without the reset; five are free again.
      for (let i = 0; i < 5; i++) {
        assert.equal((await attempt("host.targeter", "wrong", address)).statusCode, 401);
      }
      assert.equal((await attempt("host.targeter", "wrong", address)).statusCode, 429);
    });

    it("audits each failure and the lockout for the account's own agency, without the password", async () => {
      const address = freshAddress();
      const id = await userId("host.supervisor");
      await lockOut("host.supervisor", address);
      const auditor = await loginAs(app, "host.auditor");
      const events = (await auditor.get(`/api/audit-events?entityType=user&entityId=${id}&limit=100`)).json().items as {
        action: string;
        actorUserId: string | null;
        payload: Record<string, unknown>;
      }[];
      const failed = events.filter((e) => e.action === "session.login_failed");
      assert.equal(failed.length, 10);
      for (const e of failed) {
        assert.equal(e.actorUserId, null);
        assert.equal(e.payload.username, "host.supervisor");
        assert.equal(e.payload.address, address);
        assert.equal(e.payload.reason, "wrong_password");
        assert.ok(!JSON.stringify(e.payload).includes(GUESS), "no password in the payload");
        assert.ok(!("password" in e.payload));
      }
      assert.deepEqual(
        failed.map((e) => e.payload.failures).sort((a, b) => Number(a) - Number(b)),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      );
      const locked = events.filter((e) => e.action === "session.locked");
      assert.equal(locked.length, 1);
      assert.equal(locked[0]?.payload.failures, 10);

      const partnerAuditor = await loginAs(app, "partner.auditor");
      const partnerView = (await partnerAuditor.get(`/api/audit-events?entityType=user&entityId=${id}`)).json()
        .items as unknown[];
      assert.equal(partnerView.length, 0, "another agency's auditors do not see it");
    });

    it("throttles unknown usernames the same way, keyed by the normalised name", async (t) => {
      const address = freshAddress();
      const verify = t.mock.method(passwords, "verify");
      for (const name of ["ghost.user", "Ghost.User", " GHOST.USER", "ghost.user ", "gHoSt.user"]) {
        const res = await attempt(name, "wrong", address);
        assert.equal(res.statusCode, 401);
        assert.equal(res.json().message, "Unknown username or wrong password");
      }
      assert.equal(verify.mock.callCount(), 5, "unknown users are checked against a decoy hash");
      const refused = await attempt("ghost.user", "wrong", address);
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.headers["retry-after"], "1");
      assert.equal(verify.mock.callCount(), 5);

      const audited = await ctx()
        .database.db.selectFrom("audit_event")
        .select(["agency_ids", "entity_id", "payload"])
        .where("action", "=", "session.login_failed")
        .where(sql<string>`payload->>'reason'`, "=", "unknown_username")
        .where(sql<string>`payload->>'address'`, "=", address)
        .execute();
      assert.equal(audited.length, 5);
      for (const e of audited) {
        assert.deepEqual(e.agency_ids, []);
        assert.equal(e.entity_id, null);
      }
    });

    it("refuses an address after 30 failures across different usernames, until the window passes", async () => {
      const address = freshAddress();
      for (let i = 1; i <= 30; i++) {
        assert.equal((await attempt(`spray.${i}`, "Winter2026!", address)).statusCode, 401, `attempt ${i}`);
      }
      clock.advance(60_000);
      const refused = await attempt("host.auditor", TEST_PASSWORD, address);
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.headers["retry-after"], "540");
      assert.equal(refused.json().code, "auth.throttled");

      assert.equal(
        (await attempt("host.auditor", TEST_PASSWORD, freshAddress())).statusCode,
        200,
        "other addresses are not affected",
      );
      clock.advance(540_000);
      assert.equal((await attempt("host.auditor", TEST_PASSWORD, address)).statusCode, 200);
    });

    it("counts an IPv6 /64 as one address", async () => {
      for (let i = 1; i <= 30; i++) {
        assert.equal((await attempt(`v6spray.${i}`, "wrong", `2001:db8:77:1::${i.toString(16)}`)).statusCode, 401);
      }
      assert.equal((await attempt("host.auditor", TEST_PASSWORD, "2001:db8:77:1::ffff")).statusCode, 429);
      assert.equal((await attempt("host.auditor", TEST_PASSWORD, "2001:db8:77:2::1")).statusCode, 200);
    });

    it("lets parallel attempts on one account through no faster than one at a time", async (t) => {
      const address = freshAddress();
      const verify = t.mock.method(passwords, "verify");
      const results = await Promise.all(
        Array.from({ length: 20 }, () => attempt("partner.supervisor", "wrong", address)),
      );
      const refusedWithout = results.filter((r) => r.statusCode === 401).length;
      assert.ok(results.every((r) => r.statusCode === 401 || r.statusCode === 429));
      assert.equal(verify.mock.callCount(), refusedWithout, "only the attempts let through were checked");
      assert.ok(refusedWithout >= 1 && refusedWithout <= 5, `${refusedWithout} guesses got through`);
      const row = await ctx()
        .database.db.selectFrom("login_throttle")
        .select("failures")
        .where("username_key", "=", "partner.supervisor")
        .executeTakeFirstOrThrow();
      assert.equal(row.failures, refusedWithout);
    });

    describe("admin unlock", () => {
      it("lets an admin of the same agency unlock a locked account, audited", async () => {
        const address = freshAddress();
        await lockOut("host.auditor", address);
        assert.equal((await attempt("host.auditor", TEST_PASSWORD, address)).statusCode, 429);

        const admin = await loginAs(app, "host.admin", TEST_PASSWORD);
        const id = await userId("host.auditor");
        const res = await admin.post(`/api/users/${id}/unlock`);
        assert.equal(res.statusCode, 204, res.body);
        assert.equal((await attempt("host.auditor", TEST_PASSWORD, address)).statusCode, 200);

        const auditor = await loginAs(app, "host.auditor");
        const events = (await auditor.get(`/api/audit-events?action=session.unlocked&entityId=${id}`)).json().items;
        assert.equal(events.length, 1);
        assert.equal(events[0].actorUsername, "host.admin");
        assert.deepEqual(events[0].payload, { username: "host.auditor", failures: 10, wasBlocked: true });
      });

      it("answers 404 for another agency's user exactly as for a missing one", async () => {
        const address = freshAddress();
        await lockOut("partner.targeter", address);
        const admin = await loginAs(app, "host.admin");
        const other = await admin.post(`/api/users/${await userId("partner.targeter")}/unlock`);
        const missing = await admin.post("/api/users/00000000-0000-4000-8000-000000000000/unlock");
        assert.equal(other.statusCode, 404);
        assert.deepEqual(other.json(), missing.json());
        assert.equal((await attempt("partner.targeter", TEST_PASSWORD, address)).statusCode, 429, "still locked");
      });

      it("refuses non-admins and anonymous callers", async () => {
        const targeter = await loginAs(app, "host.targeter");
        const id = await userId("host.supervisor");
        assert.equal((await targeter.post(`/api/users/${id}/unlock`)).statusCode, 403);
        assert.equal((await app.inject({ method: "POST", url: `/api/users/${id}/unlock` })).statusCode, 401);
      });
    });

    it("keeps the audit chain intact", async () => {
      const auditor = await loginAs(app, "host.auditor");
      const verdict = (await auditor.get("/api/audit-events/verification")).json();
      assert.equal(verdict.isIntact, true);
    });
  },
);
