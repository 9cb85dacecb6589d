import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { DB } from "../../src/db/schema.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { actorForUser } from "../../src/domain/auth.ts";
import { installProbeAudit, PROBE_EVENTS_PER_MINUTE } from "../../src/server/probes.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

interface Event {
  action: string;
  entityId: string | null;
  actorUsername: string | null;
  payload: { method: string; path: string; status: number; suppressedBefore?: number };
}

async function probeEvents(db: Kysely<DB>, username: string): Promise<Event[]> {
  const rows = await db
    .selectFrom("audit_event as e")
    .innerJoin("app_user as u", "u.id", "e.actor_user_id")
    .select(["e.action", "e.entity_id", "u.username", "e.payload"])
    .where("u.username", "=", username)
    .where("e.action", "in", ["access.denied", "access.not_found"])
    .orderBy("e.seq")
    .execute();
  return rows.map((r) => ({
    action: r.action,
    entityId: r.entity_id,
    actorUsername: r.username,
    payload: r.payload as Event["payload"],
  }));
}

/** The event is written after the answer is sent: wait for it to land. */
async function eventually<T>(read: () => Promise<T[]>, count: number): Promise<T[]> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    const found = await read();
    if (found.length >= count) {
      return found;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return read();
}

describeOnEngines(
  "refused and not-found requests in the audit log",
  (database) => seedTestWorld(database.db, 40),
  (ctx) => {
    let app: FastifyInstance;
    let partner: Client;
    const db = () => ctx().database.db;
    before(async () => {
      ({ app } = await buildTestApp(db()));
      partner = await loginAs(app, "partner.targeter");
    });
    after(() => app.close());

    it("records a partner's probe of a shipment not shared with it, and a refused write, in its own agency's log", async () => {
      const hidden = ctx().fixture.notShared.id;
      const probe = await partner.get(`/api/shipments/${hidden}?x=1`);
      assert.equal(probe.statusCode, 404);
      const refused = await partner.post("/api/api-tokens", { name: "feed" });
      assert.equal(refused.statusCode, 403);
      const events = await eventually(() => probeEvents(db(), "partner.targeter"), 2);
      assert.deepEqual(
        events.map((e) => [e.action, e.entityId, e.payload.method, e.payload.path, e.payload.status]),
        [
          ["access.not_found", "/api/shipments/:id", "GET", `/api/shipments/${hidden}`, 404],
          ["access.denied", "/api/api-tokens", "POST", "/api/api-tokens", 403],
        ],
      );
      const auditor = await loginAs(app, "partner.auditor");
      const seen = (await auditor.get("/api/audit-events?action=access.not_found&limit=10")).json().items as Event[];
      assert.ok(
        seen.some((e) => e.actorUsername === "partner.targeter" && e.payload.path === `/api/shipments/${hidden}`),
        "the partner's auditor sees the probe",
      );
      const hostAuditor = await loginAs(app, "host.auditor");
      const hostSeen = (await hostAuditor.get("/api/audit-events?action=access.not_found&limit=50")).json()
        .items as Event[];
      assert.equal(
        hostSeen.filter((e) => e.actorUsername === "partner.targeter").length,
        0,
        "another agency's probes are its own business",
      );
    });

    it("writes nothing for an anonymous request or a found one", async () => {
      const before = (await probeEvents(db(), "partner.targeter")).length;
      assert.equal(
        (await app.inject({ method: "GET", url: "/api/shipments/00000000-0000-4000-8000-000000000000" })).statusCode,
        401,
      );
      assert.equal((await partner.get("/api/shipments?limit=1")).statusCode, 200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await probeEvents(db(), "partner.targeter")).length, before);
    });

    it("keeps a prober within a budget a minute and reports what it left out with the next event", async () => {
      const user = await db()
        .selectFrom("app_user")
        .select("id")
        .where("username", "=", "partner.supervisor")
        .executeTakeFirstOrThrow();
      const actor: Actor = await actorForUser(db(), user.id);
      let clock = 1_000_000;
      const mini = Fastify();
      mini.decorateRequest("actor", null);
      mini.addHook("onRequest", async (request) => {
        request.actor = actor;
      });
      installProbeAudit(mini, { db: db(), now: () => clock });
      mini.get("/api/things/:id", async (_request, reply) =>
        reply.code(404).send({ code: "not_found", message: "Not found" }),
      );
      await mini.ready();
      try {
        const extra = 12;
        for (let i = 0; i < PROBE_EVENTS_PER_MINUTE + extra; i++) {
          assert.equal((await mini.inject({ method: "GET", url: `/api/things/${i}` })).statusCode, 404);
        }
        const within = await eventually(() => probeEvents(db(), "partner.supervisor"), PROBE_EVENTS_PER_MINUTE);
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(
          (await probeEvents(db(), "partner.supervisor")).length,
          PROBE_EVENTS_PER_MINUTE,
          "the rest of the minute is only counted",
        );
        assert.equal(
          within.every((e) => e.payload.suppressedBefore === undefined),
          true,
        );
        clock += 60_000;
        await mini.inject({ method: "GET", url: "/api/things/next" });
        const all = await eventually(() => probeEvents(db(), "partner.supervisor"), PROBE_EVENTS_PER_MINUTE + 1);
        assert.equal(all.length, PROBE_EVENTS_PER_MINUTE + 1);
        assert.equal(all.at(-1)?.payload.suppressedBefore, extra);
        assert.equal(all.at(-1)?.payload.path, "/api/things/next");
      } finally {
        await mini.close();
      }
    });
  },
);
