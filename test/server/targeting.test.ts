import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

describeOnEngines(
  "targeting: scores, explanations, rules and backtests",
  (database) => seedTestWorld(database.db, 300),
  (ctx) => {
    let app: FastifyInstance;
    let partner: Client;
    let partnerSupervisor: Client;
    let host: Client;
    let admin: Client;

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      partner = await loginAs(app, "partner.targeter");
      partnerSupervisor = await loginAs(app, "partner.supervisor");
      host = await loginAs(app, "host.targeter");
      admin = await loginAs(app, "host.admin");
    });
    after(async () => {
      await app.close();
    });

    it("rejects anonymous callers on the rules endpoints", async () => {
      for (const url of ["/api/rule-sets", "/api/watchlist"]) {
        assert.equal((await app.inject({ method: "GET", url })).statusCode, 401);
      }
    });

    it("scores every shipment for each agency that sees it, and ranks the work list by score", async () => {
      const page = (await partner.get("/api/shipments?sort=score&order=desc&limit=500")).json().items as {
        score: number | null;
        level: string;
        hitCount: number;
      }[];
      assert.equal(page.length, ctx().fixture.counts.japanBound);
      assert.ok(
        page.every((s) => s.score !== null),
        "every shared shipment has the partner's score",
      );
      for (let i = 1; i < page.length; i++) {
        assert.ok((page[i - 1]?.score ?? 0) >= (page[i]?.score ?? 0));
      }
      const hostPage = (await host.get("/api/shipments?sort=score&order=desc&limit=500")).json().items as {
        score: number | null;
      }[];
      assert.equal(hostPage.length, ctx().fixture.counts.total);
      assert.ok(hostPage.every((s) => s.score !== null));
    });

    it("explains every point of a score on the shipment", async () => {
      const potash = (await partner.get("/api/shipments?ruleId=norm.potash&limit=5")).json().items as {
        id: string;
        score: number;
      }[];
      assert.ok(potash.length > 0, "the demo ships potash to Japan");
      // The partner's staff read Japanese by default; the same hit reads in English once asked for.
      assert.equal((await partner.get("/api/me")).json().language, "ja");
      const inJapanese = (await partner.get(`/api/shipments/${potash[0]?.id}`)).json();
      const hitJa = inJapanese.hits.find((h: { ruleId: string }) => h.ruleId === "norm.potash");
      assert.ok(hitJa, JSON.stringify(inJapanese.hits));
      assert.match(hitJa.explanation, /カリ肥料/);
      assert.match(hitJa.explanation, /3104/);
      assert.equal((await partner.put("/api/me/language", { language: "en" })).statusCode, 200);
      const detail = (await partner.get(`/api/shipments/${potash[0]?.id}`)).json();
      const hit = detail.hits.find((h: { ruleId: string }) => h.ruleId === "norm.potash");
      assert.ok(hit, JSON.stringify(detail.hits));
      assert.match(hit.explanation, /potash/);
      assert.match(hit.explanation, /3104/);
      assert.equal(hit.weight, hitJa.weight);
      assert.equal(
        detail.hits.reduce((n: number, h: { weight: number }) => n + h.weight, 0),
        detail.score,
      );
      const high = (await partner.get("/api/shipments?level=high&limit=500")).json().items as { level: string }[];
      assert.ok(high.every((s) => s.level === "high"));
    });

    it("rejects a rule set that does not compile, with every problem", async () => {
      const res = await partner.post("/api/rule-sets", {
        name: "broken",
        definition: { id: "x", version: "1", thresholds: { medium: 10, high: 5 }, rules: [{ id: "a", weight: 5 }] },
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, "rule_set.invalid");
      assert.ok(Array.isArray(res.json().details.issues) && res.json().details.issues.length >= 1);
    });

    it("backtests a draft against the active rules and the random baseline, then activates it and re-scores", async () => {
      const sets = (await partner.get("/api/rule-sets")).json<
        { id: string; status: string; definition: { rules: { id: string; weight: number }[] } }[]
      >();
      const active = sets.find((s) => s.status === "active");
      assert.ok(active);
      const definition = structuredClone(active.definition);
      for (const rule of definition.rules) {
        if (rule.id === "norm.potash") {
          rule.weight = 100;
        }
      }
      const draft = await partner.post("/api/rule-sets", { name: "Potash weighted up", definition });
      assert.equal(draft.statusCode, 201, draft.body);
      const backtest = (await partner.post(`/api/rule-sets/${draft.json().id}/backtest`, { days: 60 })).json();
      assert.equal(backtest.shipments, ctx().fixture.counts.japanBound);
      assert.ok(backtest.draft.flagged > backtest.active.flagged, JSON.stringify(backtest));
      assert.ok(
        backtest.byRule.some((r: { ruleId: string; hits: number }) => r.ruleId === "norm.potash" && r.hits > 0),
      );
      assert.ok(backtest.random.rate > 0);
      assert.equal(
        (await partner.post(`/api/rule-sets/${draft.json().id}/activation`)).statusCode,
        403,
        "a targeter drafts, a supervisor activates",
      );
      const activated = await partnerSupervisor.post(`/api/rule-sets/${draft.json().id}/activation`);
      assert.equal(activated.statusCode, 200, activated.body);
      const potash = (await partner.get("/api/shipments?ruleId=norm.potash&limit=5")).json().items as {
        level: string;
      }[];
      assert.ok(
        potash.every((s) => s.level === "high"),
        "re-scored under the new rules",
      );
      const hostPotash = (await host.get("/api/shipments?ruleId=norm.potash&limit=50")).json().items as {
        level: string;
      }[];
      assert.ok(
        hostPotash.some((s) => s.level !== "high"),
        "the host's scores follow the host's own rules",
      );
    });

    it("flags a shipment whose consignee goes on the agency's watchlist", async () => {
      const target = (await partner.get("/api/shipments?sort=bill_of_lading&order=asc&limit=1")).json().items[0];
      const res = await partner.post("/api/watchlist", {
        kind: "party",
        value: target.consigneeName,
        reason: "Liaison report 26-114",
      });
      assert.equal(res.statusCode, 201, res.body);
      const detail = (await partner.get(`/api/shipments/${target.id}`)).json();
      assert.ok(
        detail.hits.some(
          (h: { ruleId: string; explanation: string }) =>
            h.ruleId === "party.watchlist" && h.explanation.includes("Liaison report 26-114"),
        ),
        JSON.stringify(detail.hits),
      );
      assert.equal((await host.get("/api/watchlist")).json().length, 0, "watchlists are per agency");
      assert.equal(
        (await admin.post("/api/watchlist", { kind: "party", value: "X CO", reason: "test" })).statusCode,
        403,
      );
    });
  },
);
