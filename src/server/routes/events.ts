import type { FastifyPluginAsync } from "fastify";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { actorForSession } from "../../domain/auth.ts";
import type { Clock } from "../../domain/clock.ts";
import { changesSince, latestEventSeq } from "../../domain/events.ts";
import { requireActor } from "../auth.ts";

/** How often the stream looks for new changes, and sends a keep-alive comment. */
const POLL_MS = 1000;
const HEARTBEAT_MS = 15_000;

/** Server-sent events: new requests, decisions and results reach the browser without reloading. */
export const eventRoutes: FastifyPluginAsync<{ db: Kysely<DB>; clock: Clock; pollMs?: number }> = async (app, { db, clock, pollMs = POLL_MS }) => {
  app.get("/events", { schema: { tags: ["events"], description: "text/event-stream of changes; resumes after Last-Event-ID" } }, async (request, reply) => {
    const actor = requireActor(request);
    const resumeFrom = request.headers["last-event-id"];
    let last = typeof resumeFrom === "string" && /^\d{1,18}$/.test(resumeFrom) ? resumeFrom : await latestEventSeq(db, actor);
    reply.hijack();
    reply.raw.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
    reply.raw.write(`retry: 3000\n: connected at ${last}\n\n`);
    let isOpen = true;
    let sinceBeat = 0;
    const tick = async () => {
      if (!isOpen) {
        return;
      }
      const changes = await changesSince(db, actor, last);
      for (const change of changes) {
        reply.raw.write(`id: ${change.seq}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`);
        last = change.seq;
      }
      sinceBeat += pollMs;
      if (sinceBeat >= HEARTBEAT_MS) {
        sinceBeat = 0;
        // A stream lives no longer than its session: logout, expiry or a disabled account end it.
        if (request.sessionToken && !(await actorForSession(db, clock, request.sessionToken).catch(() => null))) {
          isOpen = false;
          reply.raw.end();
          return;
        }
        reply.raw.write(": keep-alive\n\n");
      }
    };
    const loop = async () => {
      while (isOpen) {
        try {
          await tick();
        } catch (err) {
          request.log.warn({ err }, "event stream poll failed");
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    };
    request.raw.on("close", () => {
      isOpen = false;
    });
    void loop();
  });
};
