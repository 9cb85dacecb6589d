import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildTestApp } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_PASSWORD } from "../helpers/world.ts";

describeOnEngines(
  "request guards",
  (database) => seedTestWorld(database.db),
  (ctx) => {
    let app: FastifyInstance;
    let cookie = "";
    const HOST = "reciprocity.example";

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      const res = await app.inject({
        method: "POST",
        url: "/api/session",
        headers: { host: HOST },
        payload: { username: "host.admin", password: TEST_PASSWORD },
      });
      assert.equal(res.statusCode, 200, res.body);
      cookie = `reciprocity_session=${res.cookies.find((c) => c.name === "reciprocity_session")?.value ?? ""}`;
    });
    after(async () => {
      await app.close();
    });

    const manifest = "bill_of_lading\n";
    const post = (headers: Record<string, string>, payload: string = manifest) =>
      app.inject({
        method: "POST",
        url: "/api/manifests?format=csv&dryRun=true",
        headers: { host: HOST, cookie, ...headers },
        payload,
      });

    it("refuses a cookie write from another site's page, whatever its content type", async () => {
      for (const type of ["text/plain", "text/csv", "application/json"]) {
        const res = await post({ origin: "https://evil.example", "content-type": type });
        assert.equal(res.statusCode, 403, `${type}: ${res.body}`);
        assert.equal(res.json().code, "auth.forbidden");
      }
      const crossSite = await post({ "sec-fetch-site": "cross-site", "content-type": "text/csv" });
      assert.equal(crossSite.statusCode, 403);
    });

    it("refuses the content types a cross-site form can send, even from this site", async () => {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
        const res = await post({ origin: `https://${HOST}`, "content-type": type });
        assert.equal(res.statusCode, 415, `${type}: ${res.body}`);
        assert.equal(res.json().code, "request.content_type");
      }
    });

    it("lets this site's own pages write, and does not hold API tokens to the cookie rules", async () => {
      const own = await post({
        origin: `https://${HOST}`,
        "sec-fetch-site": "same-origin",
        "content-type": "text/csv",
      });
      assert.equal(own.statusCode, 200, own.body);
      const token = (
        await app.inject({
          method: "POST",
          url: "/api/api-tokens",
          headers: { host: HOST, cookie, origin: `https://${HOST}` },
          payload: { name: "guard-feed" },
        })
      ).json().token as string;
      const feed = await app.inject({
        method: "POST",
        url: "/api/manifests?format=csv&dryRun=true",
        headers: {
          host: HOST,
          authorization: `Bearer ${token}`,
          origin: "https://partner-feed.example",
          "content-type": "text/csv",
        },
        payload: manifest,
      });
      assert.equal(feed.statusCode, 200, feed.body);
    });

    it("refuses control characters and lone surrogates in the query and the body, naming where", async () => {
      const query = await app.inject({
        method: "GET",
        url: "/api/shipments?q=pot%00ash",
        headers: { host: HOST, cookie },
      });
      assert.equal(query.statusCode, 400);
      assert.match(query.json().message, /querystring\/q/);
      const body = await app.inject({
        method: "POST",
        url: "/api/watchlist",
        headers: { host: HOST, cookie, "content-type": "application/json" },
        payload: `{"kind":"party","value":"ACME \\ud800 LTD","reason":"x"}`,
      });
      assert.equal(body.statusCode, 400, body.body);
      assert.equal(body.json().code, "request.control_character");
    });

    it("does not believe X-Forwarded-For from a client when no proxy is configured", async () => {
      // Failures claimed to come from 31 different addresses still count against the one real address:
      // the 31st failure from the real address is throttled like any other.
      const attempts = [];
      for (let i = 0; i < 31; i++) {
        attempts.push(
          await app.inject({
            method: "POST",
            url: "/api/session",
            headers: { host: HOST, "x-forwarded-for": `203.0.113.${i}` },
            payload: { username: `nobody-${i}`, password: "wrong-password" },
          }),
        );
      }
      assert.equal(attempts.at(-1)?.statusCode, 429, "the forwarded addresses were believed");
    });
  },
);
