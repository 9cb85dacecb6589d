import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { buildApp } from "../../src/server/app.ts";

// Route schemas are the API's contract: the response schema strips what a route must not send,
// documents the answer in /api/openapi.json, and is the type the web app reads. A route without
// one answers whatever its handler returns, so every route must declare one for a success status.
// The only exceptions are the routes whose answer is not JSON but a file or a stream.
const NOT_JSON = [
  // A zip archive streamed as it is built.
  "GET /api/inspection-requests/:id/bundle",
  // NDJSON or CSV, streamed page by page.
  "GET /api/audit-events/export",
  // A stored instrument file or image, as uploaded.
  "GET /api/files/:sha256",
  // Server-sent events.
  "GET /api/events",
];

describe("every API route declares the schema of its answer", () => {
  let database: Database;
  let app: FastifyInstance;
  before(async () => {
    database = await openDatabase({ memory: true });
    app = await buildApp({
      db: database.db,
      clock: fixedClock(new Date("2026-11-27T00:00:00Z")),
      webDir: "/nonexistent",
      logger: false,
    });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await database.close();
  });

  it("each route, hidden ones and files or streams aside, has a response schema for a 2xx status", () => {
    const missing: string[] = [];
    for (const route of app.routeTable) {
      const schema = (route.schema ?? {}) as { hide?: boolean; response?: Record<string, unknown> };
      if (schema.hide === true) {
        continue;
      }
      const statuses = Object.keys(schema.response ?? {});
      if (!statuses.some((status) => /^2(\d\d|xx)$/.test(status))) {
        missing.push(`${route.method} ${route.url}`);
      }
    }
    assert.ok(app.routeTable.length > 50, `${app.routeTable.length} routes seen`);
    assert.deepEqual(missing.sort(), [...NOT_JSON].sort());
  });
});
