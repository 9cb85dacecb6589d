import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { Kysely } from "kysely";
import type { DB } from "../../src/db/schema.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { buildApp } from "../../src/server/app.ts";
import { TEST_ANCHOR, TEST_PASSWORD } from "./world.ts";

/** A logged-in client: requests carry the user's session cookie. */
export interface Client {
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
  /** Posts a raw text body with the given content type. */
  postRaw(url: string, body: string, contentType: string): Promise<LightMyRequestResponse>;
}

/** Builds the app on a test clock set a few hours after the world's anchor. */
export async function buildTestApp(db: Kysely<DB>) {
  const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 8 * 60 * 60 * 1000));
  const app = await buildApp({
    db,
    clock,
    webDir: "/nonexistent",
    logger: process.env.TEST_LOG ? { level: "error" } : false,
  });
  return { app, clock };
}

/** Logs in through the API and returns a client bound to the session. */
export async function loginAs(app: FastifyInstance, username: string, password = TEST_PASSWORD): Promise<Client> {
  const res = await app.inject({ method: "POST", url: "/api/session", payload: { username, password } });
  if (res.statusCode !== 200) {
    throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  }
  const cookie = res.cookies.find((c) => c.name === "reciprocity_session");
  if (!cookie) {
    throw new Error("no session cookie");
  }
  const headers = { cookie: `reciprocity_session=${cookie.value}` };
  return {
    get: (url) => app.inject({ method: "GET", url, headers }),
    post: (url, body) => app.inject({ method: "POST", url, headers, payload: body as object }),
    put: (url, body) => app.inject({ method: "PUT", url, headers, payload: body as object }),
    delete: (url) => app.inject({ method: "DELETE", url, headers }),
    postRaw: (url, body, contentType) =>
      app.inject({ method: "POST", url, headers: { ...headers, "content-type": contentType }, payload: body }),
  };
}
