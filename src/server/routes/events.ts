import type { FastifyPluginAsync } from "fastify";
import { CHANGE_PAGE, type ChangeEvent } from "../../domain/events.ts";
import { AppError } from "../../errors.ts";
import { requireActor } from "../auth.ts";

/**
 * Open streams one user may hold in this process (several tabs and pages); more are refused with
 * 429. The count lives in the process, like the probe budget (probes.ts): a deployment of N server
 * processes lets a user hold up to N × this many, one set per process the proxy sends them to.
 */
export const MAX_STREAMS_PER_USER = 20;

/** A client that reads slower than this many bytes behind is cut off; it resumes with Last-Event-ID. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** Roles that read the agency's business; an ingest feed's token does not. */
const READERS = ["targeter", "supervisor", "scan_officer", "admin", "auditor"] as const;

/**
 * Server-sent events: new requests, decisions and results reach the browser without reloading.
 * The process's change hub (change-hub.ts) feeds every open stream; a stream that resumes after
 * Last-Event-ID first catches up by itself, then joins the hub.
 */
export const eventRoutes: FastifyPluginAsync = async (app) => {
  const { events } = app.services;
  const hub = app.changeHub;
  const openByUser = new Map<string, number>();
  app.get(
    "/events",
    {
      config: { roles: READERS },
      schema: {
        tags: ["events"],
        description: `text/event-stream of changes; resumes after Last-Event-ID; at most ${MAX_STREAMS_PER_USER} open streams per user and server process`,
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const open = openByUser.get(actor.userId) ?? 0;
      if (open >= MAX_STREAMS_PER_USER) {
        throw new AppError(
          429,
          "events.too_many_streams",
          `At most ${MAX_STREAMS_PER_USER} live-update streams per user; close another tab`,
        );
      }
      openByUser.set(actor.userId, open + 1);
      let isOpen = true;
      let leave: (() => void) | null = null;
      const close = () => {
        if (!isOpen) {
          return;
        }
        isOpen = false;
        leave?.();
        const left = (openByUser.get(actor.userId) ?? 1) - 1;
        if (left <= 0) {
          openByUser.delete(actor.userId);
        } else {
          openByUser.set(actor.userId, left);
        }
      };
      request.raw.on("close", close);
      reply.raw.on("close", close);
      const resumeFrom = request.headers["last-event-id"];
      const isResumed = typeof resumeFrom === "string" && /^\d{1,18}$/.test(resumeFrom);
      let last = isResumed
        ? resumeFrom
        : await events.latestSeq(actor).catch((err: unknown) => {
            close();
            throw err;
          });
      reply.hijack();
      reply.raw.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      reply.raw.write(`retry: 3000\n: connected at ${last}\n\n`);
      const end = () => {
        close();
        reply.raw.end();
      };
      const send = (change: ChangeEvent) => {
        if (!isOpen) {
          return;
        }
        const isFlowing = reply.raw.write(`id: ${change.seq}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`);
        last = change.seq;
        if (!isFlowing && reply.raw.writableLength > MAX_BUFFERED_BYTES) {
          request.log.info("event stream cut off: the client reads too slowly");
          end();
        }
      };
      try {
        // Catching up is this stream's own business, at its client's pace; then the hub takes over.
        for (let isBehind = isResumed; isBehind && isOpen;) {
          const changes = await events.since(actor, last);
          for (const change of changes) {
            send(change);
          }
          isBehind = changes.length === CHANGE_PAGE;
          if (isBehind && reply.raw.writableNeedDrain) {
            await new Promise((resolve) => reply.raw.once("drain", resolve).once("close", resolve));
          }
        }
      } catch (err) {
        request.log.warn({ err }, "event stream catch-up failed");
        end();
        return;
      }
      if (!isOpen) {
        return;
      }
      leave = hub.join({
        actor,
        sessionToken: request.sessionToken,
        lastSeq: last,
        send,
        keepAlive: () => {
          if (isOpen) {
            reply.raw.write(": keep-alive\n\n");
          }
        },
        end,
      });
    },
  );
};
