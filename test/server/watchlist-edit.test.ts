import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_PASSWORD } from "../helpers/world.ts";

interface Hit {
  ruleId: string;
  explanation: string;
}

describeOnEngines(
  "watchlist entries are changed and removed, audited, and scores follow",
  (database) => seedTestWorld(database.db, 150),
  (ctx) => {
    let app: FastifyInstance;
    let partner: Client;
    let partnerAuditor: Client;
    let hostTargeter: Client;
    const cookies = new Map<string, string>();

    async function cookieOf(username: string): Promise<string> {
      const res = await app.inject({
        method: "POST",
        url: "/api/session",
        payload: { username, password: TEST_PASSWORD },
      });
      const cookie = res.cookies.find((c) => c.name === "reciprocity_session");
      assert.ok(cookie);
      return `reciprocity_session=${cookie.value}`;
    }
    const patch = (who: string, id: string, body: unknown) =>
      app.inject({
        method: "PATCH",
        url: `/api/watchlist/${id}`,
        headers: { cookie: cookies.get(who) ?? "" },
        payload: body as object,
      });

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      partner = await loginAs(app, "partner.targeter");
      partnerAuditor = await loginAs(app, "partner.auditor");
      hostTargeter = await loginAs(app, "host.targeter");
      for (const who of ["partner.targeter", "partner.auditor", "host.targeter"]) {
        cookies.set(who, await cookieOf(who));
      }
    });
    after(async () => {
      await app.close();
    });

    it("changes the reason the explanation gives, takes the entry off, and the hit goes with it", async () => {
      const target = (await partner.get("/api/shipments?sort=bill_of_lading&order=asc&limit=1")).json<{
        items: { id: string; consigneeName: string }[];
      }>().items[0];
      assert.ok(target);
      const hitsOf = async () =>
        (await partner.get(`/api/shipments/${target.id}`))
          .json<{ hits: Hit[] }>()
          .hits.filter((h) => h.ruleId === "party.watchlist");
      const added = await partner.post("/api/watchlist", {
        kind: "party",
        value: target.consigneeName,
        reason: "Liaison report 26-114",
      });
      assert.equal(added.statusCode, 201, added.body);
      const entry = added.json<{ id: string }>();
      assert.match((await hitsOf())[0]?.explanation ?? "", /Liaison report 26-114/);

      const changed = await patch("partner.targeter", entry.id, { reason: "Liaison report 26-131 (revised)" });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal(changed.json<{ reason: string }>().reason, "Liaison report 26-131 (revised)");
      const hits = await hitsOf();
      assert.equal(hits.length, 1);
      assert.match(hits[0]?.explanation ?? "", /26-131 \(revised\)/, "the score is re-computed with the new reason");

      for (const bad of [{}, { value: "x" }, { reason: "  " }, { country: "JPN" }]) {
        assert.equal((await patch("partner.targeter", entry.id, bad)).statusCode, 400, JSON.stringify(bad));
      }
      assert.equal(
        (await patch("host.targeter", entry.id, { reason: "Taken over" })).statusCode,
        404,
        "another agency's entry looks missing",
      );
      assert.equal((await patch("partner.auditor", entry.id, { reason: "Taken over" })).statusCode, 403);
      assert.equal(
        (await hostTargeter.post(`/api/watchlist/${entry.id}/removal`, { reason: "Not ours" })).statusCode,
        404,
      );
      assert.equal(
        (await partner.post(`/api/watchlist/${entry.id}/removal`, { reason: "" })).statusCode,
        400,
        "a removal needs its reason",
      );

      assert.equal(
        (await partner.post(`/api/watchlist/${entry.id}/removal`, { reason: "Cleared by liaison 26-140" })).statusCode,
        204,
      );
      assert.equal((await hitsOf()).length, 0, "the hit is gone once the entry is off the list");
      assert.ok(!(await partner.get("/api/watchlist")).json<{ id: string }[]>().some((e) => e.id === entry.id));
      assert.equal(
        (await partner.post(`/api/watchlist/${entry.id}/removal`, { reason: "Again" })).statusCode,
        404,
        "removed once",
      );
      assert.equal(
        (await patch("partner.targeter", entry.id, { reason: "Back?" })).statusCode,
        404,
        "a removed entry is not changed",
      );

      const log = (await partnerAuditor.get(`/api/audit-events?entityType=watchlist_entry&entityId=${entry.id}`)).json<{
        items: { action: string; payload: Record<string, unknown> }[];
      }>();
      assert.deepEqual(log.items.map((e) => e.action).sort(), [
        "watchlist.added",
        "watchlist.changed",
        "watchlist.removed",
      ]);
    });
  },
);
