import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { toHiragana, toKatakana } from "wanakana";
import { defaultLanguage } from "../../src/domain/language.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

describeOnEngines(
  "each user's screen language",
  (database) => seedTestWorld(database.db, 20),
  (ctx) => {
    let app: FastifyInstance;
    let partner: Client;
    let host: Client;

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      partner = await loginAs(app, "partner.supervisor");
      host = await loginAs(app, "host.targeter");
    });
    after(async () => {
      await app.close();
    });

    it("refuses a change without a session", async () => {
      const res = await app.inject({ method: "PUT", url: "/api/me/language", payload: { language: "ja" } });
      assert.equal(res.statusCode, 401);
    });

    it("starts the partner's accounts in Japanese and the host's in English", async () => {
      assert.equal((await partner.get("/api/me")).json().language, "ja");
      assert.equal((await host.get("/api/me")).json().language, "en");
    });

    it("refuses a language the screens do not come in", async () => {
      const res = await partner.put("/api/me/language", { language: "fr" });
      assert.equal(res.statusCode, 400);
      assert.equal((await partner.get("/api/me")).json().language, "ja");
    });

    it("switches the user's own language, keeps it for the next session, and audits the change", async () => {
      const res = await partner.put("/api/me/language", { language: "en" });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { language: "en" });
      const again = await loginAs(app, "partner.supervisor");
      assert.equal((await again.get("/api/me")).json().language, "en");
      assert.equal(
        (await loginAs(app, "partner.targeter").then((c) => c.get("/api/me"))).json().language,
        "ja",
        "another user's language is untouched",
      );
      const events = await ctx()
        .database.db.selectFrom("audit_event as e")
        .innerJoin("app_user as u", "u.id", "e.actor_user_id")
        .select(["e.action", "e.payload"])
        .where("u.username", "=", "partner.supervisor")
        .where("e.action", "=", "user.language_changed")
        .execute();
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]?.payload, { from: "ja", to: "en" });
    });

    it("writes no event when the language does not change", async () => {
      assert.equal((await partner.put("/api/me/language", { language: "en" })).statusCode, 200);
      const count = await ctx()
        .database.db.selectFrom("audit_event")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("action", "=", "user.language_changed")
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 1);
    });

    it("starts a new account in its agency's language", () => {
      assert.equal(defaultLanguage("JP"), "ja");
      assert.equal(defaultLanguage("US"), "en");
    });

    it("finds a consignee typed in katakana or hiragana, as the romanised name it was filed under", async () => {
      const all = (await partner.get("/api/shipments?limit=50")).json<{ items: { consigneeName: string }[] }>();
      const stem = all.items
        .map((i) => i.consigneeName.split(" ")[0] ?? "")
        .find((w) => /^[A-Z]{4,}$/.test(w) && toKatakana(w.toLowerCase()) !== w.toLowerCase());
      assert.ok(stem, "a romanised Japanese consignee name in the world");
      const latin = (await partner.get(`/api/shipments?q=${stem}&limit=200`)).json<{ items: { id: string }[] }>();
      assert.ok(latin.items.length > 0);
      for (const query of [toKatakana(stem.toLowerCase()), toHiragana(stem.toLowerCase())]) {
        const kana = (await partner.get(`/api/shipments?q=${encodeURIComponent(query)}&limit=200`)).json<{
          items: { id: string }[];
        }>();
        assert.deepEqual(
          kana.items.map((i) => i.id).sort(),
          latin.items.map((i) => i.id).sort(),
          `${query} finds what ${stem} finds`,
        );
      }
      const none = (await partner.get(`/api/shipments?q=${encodeURIComponent("ヌヌヌ")}&limit=5`)).json<{
        items: unknown[];
      }>();
      assert.equal(none.items.length, 0);
    });

    it("writes the dashboard CSV's headings in Japanese when asked, the numbers unchanged", async () => {
      const ja = await partner.get("/api/metrics/reciprocity?format=csv&lang=ja");
      const en = await partner.get("/api/metrics/reciprocity?format=csv&lang=en");
      assert.equal(ja.statusCode, 200, ja.body);
      const [jaHeader, ...jaRows] = ja.body.trim().split("\n");
      const [enHeader, ...enRows] = en.body.trim().split("\n");
      assert.ok(jaHeader?.startsWith("協定,検査国,要請国"), jaHeader);
      assert.ok(enHeader?.startsWith("agreement,host,requester"));
      assert.equal(jaHeader?.split(",").length, enHeader?.split(",").length);
      assert.deepEqual(jaRows, enRows);
    });
  },
);
