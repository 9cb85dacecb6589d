import assert from "node:assert/strict";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Kysely } from "kysely";
import type { DB } from "../../src/db/schema.ts";
import type { Actor } from "../../src/domain/actor.ts";
import {
  forgetSessions,
  recallSession,
  rememberSession,
  SESSION_REUSE_MS,
  sessionEpoch,
} from "../../src/domain/session-memory.ts";

// The memory is kept per database; any object stands for one here.
const database = () => ({}) as Kysely<DB>;

const actor = (userId: string): Actor => ({
  userId,
  username: `user.${userId}`,
  displayName: userId,
  agencyId: "00000000-0000-4000-8000-000000000001",
  agencyCode: "USCBP",
  agencyName: "U.S. Customs and Border Protection",
  agencyCountry: "US",
  roles: ["targeter"],
  siteId: null,
});

const now = new Date("2026-11-27T08:00:00Z");
const later = new Date(now.getTime() + 60 * 60 * 1000);

it("answers a remembered session until the session's own expiry", () => {
  const db = database();
  rememberSession(db, sessionEpoch(db), "a", actor("u1"), new Date(now.getTime() + 1000));
  assert.equal(recallSession(db, "a", now)?.userId, "u1");
  assert.equal(recallSession(db, "a", new Date(now.getTime() + 1000)), undefined);
  assert.equal(recallSession(db, "a", now), undefined, "an expired session is dropped, not kept");
});

it("does not remember a read that a logout or a disabled account overtook", () => {
  const db = database();
  const before = sessionEpoch(db);
  forgetSessions(db, { userId: "u1" });
  rememberSession(db, before, "a", actor("u1"), later);
  assert.equal(recallSession(db, "a", now), undefined);
  rememberSession(db, sessionEpoch(db), "a", actor("u1"), later);
  assert.equal(recallSession(db, "a", now)?.userId, "u1");
});

it("forgets one session, every session of a user, or all, and keeps databases apart", () => {
  const db = database();
  const other = database();
  const keep = (hash: string, userId: string) => rememberSession(db, sessionEpoch(db), hash, actor(userId), later);
  keep("a", "u1");
  keep("b", "u1");
  keep("c", "u2");
  rememberSession(other, sessionEpoch(other), "a", actor("u9"), later);
  forgetSessions(db, { tokenHash: "a" });
  assert.deepEqual(
    ["a", "b", "c"].map((h) => recallSession(db, h, now)?.userId),
    [undefined, "u1", "u2"],
  );
  forgetSessions(db, { userId: "u1" });
  assert.deepEqual(
    ["a", "b", "c"].map((h) => recallSession(db, h, now)?.userId),
    [undefined, undefined, "u2"],
  );
  forgetSessions(db, "all");
  assert.equal(recallSession(db, "c", now), undefined);
  assert.equal(recallSession(other, "a", now)?.userId, "u9", "another database's sessions stay");
});

it("shares a frozen actor, so no request can change another's", () => {
  const db = database();
  rememberSession(db, sessionEpoch(db), "a", actor("u1"), later);
  const recalled = recallSession(db, "a", now) as Actor;
  assert.throws(() => recalled.roles.push("admin"));
  assert.throws(() => Object.assign(recalled, { agencyId: "another" }));
});

it("asks the database again once the short reuse time has passed", async () => {
  const db = database();
  rememberSession(db, sessionEpoch(db), "a", actor("u1"), later);
  await sleep(SESSION_REUSE_MS + 50);
  assert.equal(recallSession(db, "a", now), undefined);
});
