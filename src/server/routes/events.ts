import type { FastifyPluginAsync } from "fastify";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { actorForSession } from "../../domain/auth.ts";
import type { Clock } from "../../domain/clock.ts";
import { changesSince, latestEventSeq } from "../../domain/events.ts";
import { AppError } from "../../errors.ts";
import { requireActor } from "../auth.ts";

/** How often the stream looks for new changes, and sends a keep-alive comment. */
const POLL_MS = 1000;
const HEARTBEAT_MS = 15_000;

/** Open streams one user may hold in this process (several tabs and pages); more are refused with 429. */
export const MAX_STREAMS_PER_USER = 20;

/** Roles that read the agency's business; an ingest feed's token does not. */
const READERS = ["targeter", "supervisor", "scan_officer", "admin", "auditor"] as const;

/** Server-sent events: new requests, decisions and results reach the browser without reloading. */
export const eventRoutes: FastifyPluginAsync<{ db: Kysely<DB>; clock: Clock; pollMs?: number }> = async (app, { db, clock, pollMs = POLL_MS }) => {
  const openByUser = new Map<string, number>();
  app.get("/events", { config: { roles: READERS }, schema: { tags: ["events"], description: `text/event-stream of changes; resumes after Last-Event-ID; at most ${MAX_STREAMS_PER_USER} open streams per user` } }, async (request, reply) => {
    const actor = requireActor(request);
    const open = openByUser.get(actor.userId) ?? 0;
    if (open >= MAX_STREAMS_PER_USER) {
      throw new AppError(429, "events.too_many_streams", `At most ${MAX_STREAMS_PER_USER} live-update streams per user; close another tab`);
    }
    openByUser.set(actor.userId, open + 1);
    let isCounted = true;
    const release = () => {
      if (isCounted) {
        isCounted = false;
        const left = (openByUser.get(actor.userId) ?? 1) - 1;
        if (left <= 0) {
          openByUser.delete(actor.userId);
        } else {
          openByUser.set(actor.userId, left);
        }
      }
    };
    request.raw.on("close", release);
    reply.raw.on("close", release);
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
      release();
    });
    void loop();
  });
};
