import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cookie from "@fastify/cookie";
import Fastify from "fastify";
import type { Actor } from "../../src/domain/actor.ts";
import type { Services } from "../../src/domain/services.ts";
import { unauthorized } from "../../src/errors.ts";
import { installErrorHandler } from "../../src/server/errors.ts";
import { authPlugin, SESSION_COOKIE } from "../../src/server/auth.ts";

// The sign-in check runs on the session services alone: given them, and no database, it finds the
// caller by cookie or by bearer token, refuses the unknown, and checks a route's roles.

const officer: Actor = {
  userId: "00000000-0000-4000-8000-000000000001",
  username: "scan.officer",
  displayName: "Scan Officer",
  agencyId: "00000000-0000-4000-8000-000000000002",
  agencyCode: "USCBP",
  agencyName: "U.S. CBP",
  agencyCountry: "US",
  roles: ["scan_officer"],
  siteId: null,
};
const feed: Actor = { ...officer, username: "token.uscbp.feed", roles: ["ingest"] };

async function appWith(session: Pick<Services["session"], "actorForToken" | "actorForApiToken">) {
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  await app.register(cookie);
  await app.register(authPlugin, { services: { session: session as Services["session"] } });
  app.get("/api/who", async (request) => ({ username: request.actor?.username ?? null }));
  app.get("/api/admin-only", { config: { roles: ["admin"] } }, async () => ({ ok: true }));
  app.get("/api/open", { config: { isPublic: true } }, async (request) => ({ actor: request.actor !== null }));
  return app;
}

describe("the sign-in check (authPlugin)", () => {
  const asked: string[] = [];
  const session = {
    actorForToken: async (token: string) => {
      asked.push(`session:${token}`);
      return token === "good-session" ? officer : null;
    },
    actorForApiToken: async (token: string) => {
      asked.push(`bearer:${token}`);
      if (token !== "rcp_good") {
        throw unauthorized("Unknown, expired or revoked API token");
      }
      return feed;
    },
  };

  it("finds the caller of a session cookie through the session services", async () => {
    const app = await appWith(session);
    asked.length = 0;
    const res = await app.inject({ url: "/api/who", cookies: { [SESSION_COOKIE]: "good-session" } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { username: "scan.officer" });
    assert.deepEqual(asked, ["session:good-session"]);
    await app.close();
  });

  it("finds a feed by its bearer token, and refuses an unknown one", async () => {
    const app = await appWith(session);
    asked.length = 0;
    const good = await app.inject({ url: "/api/who", headers: { authorization: "Bearer rcp_good" } });
    assert.deepEqual(good.json(), { username: "token.uscbp.feed" });
    const bad = await app.inject({ url: "/api/who", headers: { authorization: "Bearer rcp_bad" } });
    assert.equal(bad.statusCode, 401);
    assert.deepEqual(asked, ["bearer:rcp_good", "bearer:rcp_bad"]);
    await app.close();
  });

  it("answers 401 without a known session, 403 to a caller without the route's role", async () => {
    const app = await appWith(session);
    assert.equal((await app.inject({ url: "/api/who" })).statusCode, 401);
    assert.equal((await app.inject({ url: "/api/who", cookies: { [SESSION_COOKIE]: "stale" } })).statusCode, 401);
    const forbidden = await app.inject({ url: "/api/admin-only", cookies: { [SESSION_COOKIE]: "good-session" } });
    assert.equal(forbidden.statusCode, 403);
    asked.length = 0;
    const open = await app.inject({ url: "/api/open", headers: { authorization: "Bearer rcp_bad" } });
    assert.equal(open.statusCode, 200);
    assert.deepEqual(open.json(), { actor: false });
    assert.deepEqual(asked, [], "a public route does not look the bearer token up");
    await app.close();
  });
});
