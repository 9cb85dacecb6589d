import assert from "node:assert/strict";
import http from "node:http";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { fixedClock } from "../../src/domain/clock.ts";
import { buildApp } from "../../src/server/app.ts";
import { MAX_STREAMS_PER_USER } from "../../src/server/routes/events.ts";
import { loginAs } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR, TEST_PASSWORD } from "../helpers/world.ts";

/** Opens the event stream with a session cookie and collects events until `count` arrive. */
function collect(
  port: number,
  cookie: string,
  count: number,
  headers: Record<string, string> = {},
): { events: Promise<{ id: string; data: { action: string; entityId: string } }[]>; close: () => void } {
  let req: http.ClientRequest | undefined;
  const events = new Promise<{ id: string; data: { action: string; entityId: string } }[]>((resolve, reject) => {
    const found: { id: string; data: { action: string; entityId: string } }[] = [];
    req = http.get({ port, path: "/api/events", headers: { cookie, ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`status ${res.statusCode}`));
        return;
      }
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (id && data) {
            found.push({ id, data: JSON.parse(data) as { action: string; entityId: string } });
            if (found.length >= count) {
              resolve(found);
            }
          }
          end = buffer.indexOf("\n\n");
        }
      });
    });
    req.on("error", reject);
  });
  return { events, close: () => req?.destroy() };
}

describeOnEngines(
  "live updates",
  (database) => seedTestWorld(database.db, 60),
  (ctx) => {
    let app: FastifyInstance;
    let port: number;
    before(async () => {
      app = await buildApp({
        db: ctx().database.db,
        clock: fixedClock(new Date(TEST_ANCHOR.getTime() + 8 * 3_600_000)),
        webDir: "/nonexistent",
        eventPollMs: 50,
      });
      await app.listen({ port: 0, host: "127.0.0.1" });
      const address = app.server.address();
      port = typeof address === "object" && address ? address.port : 0;
    });
    after(async () => {
      await app.close();
    });

    it("rejects the stream without a session", async () => {
      assert.equal((await app.inject({ method: "GET", url: "/api/events" })).statusCode, 401);
    });

    it("pushes the partner's request to the host supervisor, and the decision back, and resumes after Last-Event-ID", async () => {
      const login = async (username: string) => {
        const res = await app.inject({
          method: "POST",
          url: "/api/session",
          payload: { username, password: TEST_PASSWORD },
        });
        return `reciprocity_session=${res.cookies.find((c) => c.name === "reciprocity_session")?.value ?? ""}`;
      };
      const partner = await loginAs(app, "partner.targeter");
      const supervisor = await loginAs(app, "host.supervisor");
      const hostStream = collect(port, await login("host.supervisor"), 1);
      const partnerStream = collect(port, await login("partner.targeter"), 2);
      const koreaStream = collect(port, await login("kr.targeter"), 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { japanBound } = ctx().fixture;
      const created = (
        await partner.post("/api/inspection-requests", {
          shipmentId: japanBound.id,
          containerNo: japanBound.containerNo,
          reason: "live",
        })
      ).json();
      const [toHost] = await hostStream.events;
      assert.equal(toHost?.data.action, "inspection_request.created");
      assert.equal(toHost?.data.entityId, created.id);
      await supervisor.post(`/api/inspection-requests/${created.id}/decision`, { decision: "accept" });
      const toPartner = await partnerStream.events;
      assert.deepEqual(
        toPartner.map((e) => e.data.action),
        ["inspection_request.created", "inspection_request.accepted"],
      );
      const resumed = collect(port, await login("partner.targeter"), 1, { "last-event-id": toPartner[0]?.id ?? "0" });
      assert.equal((await resumed.events)[0]?.data.action, "inspection_request.accepted");
      const korea = await Promise.race([
        koreaStream.events.then(() => "event"),
        new Promise((resolve) => setTimeout(() => resolve("quiet"), 400)),
      ]);
      assert.equal(korea, "quiet", "an agency outside the agreement hears nothing");
      for (const s of [hostStream, partnerStream, koreaStream, resumed]) {
        s.close();
      }
    });

    it("caps the open streams per user, frees a place when one closes, and refuses an ingest token", async () => {
      const res = await app.inject({
        method: "POST",
        url: "/api/session",
        payload: { username: "host.targeter", password: TEST_PASSWORD },
      });
      const cookie = `reciprocity_session=${res.cookies.find((c) => c.name === "reciprocity_session")?.value ?? ""}`;
      const statusOf = (headers: Record<string, string>) =>
        new Promise<{ status: number; req: http.ClientRequest }>((resolve, reject) => {
          const req = http.get({ port, path: "/api/events", headers }, (r) =>
            resolve({ status: r.statusCode ?? 0, req }),
          );
          req.on("error", reject);
        });
      const open = [];
      for (let i = 0; i < MAX_STREAMS_PER_USER; i++) {
        open.push(await statusOf({ cookie }));
      }
      assert.deepEqual(
        open.map((o) => o.status),
        Array<number>(MAX_STREAMS_PER_USER).fill(200),
      );
      const refused = await statusOf({ cookie });
      assert.equal(refused.status, 429);
      refused.req.destroy();
      open[0]?.req.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const again = await statusOf({ cookie });
      assert.equal(again.status, 200, "a closed stream frees its place");
      for (const o of [...open, again]) {
        o.req.destroy();
      }
      const admin = await loginAs(app, "host.admin");
      const token = (await admin.post("/api/api-tokens", { name: "sse-feed" })).json().token as string;
      assert.equal(
        (await app.inject({ method: "GET", url: "/api/events", headers: { authorization: `Bearer ${token}` } }))
          .statusCode,
        403,
      );
      assert.equal(
        (await app.inject({ method: "GET", url: "/api/shipments", headers: { authorization: `Bearer ${token}` } }))
          .statusCode,
        403,
      );
    });
  },
);
