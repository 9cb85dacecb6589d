import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import type { Actor } from "../domain/actor.ts";
import { recordAudit } from "../domain/audit.ts";

// A signed-in user who is refused (403) or asks for something that is not there or not theirs
// (404) may be probing: every such answer is written to the user's agency's audit log. A user
// who probes in a loop must not fill the log, so each user has a budget of events a minute;
// what goes over it is counted and reported with the next event that is written.
//
// The budget lives in this process's memory: a deployment of N server processes (serve --workers,
// several hosts) records up to N times as many per user, one budget per process the proxy picks.
// That is a bound on the log's growth, not a limit a user could exploit, so it stays local.

/** Events recorded per user and minute before the rest are only counted. */
export const PROBE_EVENTS_PER_MINUTE = 30;

const ACTIONS: Record<number, string> = { 403: "access.denied", 404: "access.not_found" };

interface Budget {
  windowStart: number;
  recorded: number;
  suppressed: number;
}

/** Writes an audit event for every 403 and 404 answered to a signed-in user, within a budget. */
export function installProbeAudit(
  app: FastifyInstance,
  options: { db: Kysely<DB>; now?: () => number; onError?: (err: unknown) => void },
): void {
  const budgets = new Map<string, Budget>();
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((err: unknown) => app.log.error({ err }, "audit of a refused request failed"));

  function take(userId: string): { isAllowed: boolean; suppressed: number } {
    const at = now();
    let budget = budgets.get(userId);
    if (!budget || at - budget.windowStart >= 60_000) {
      budget = { windowStart: at, recorded: 0, suppressed: budget?.suppressed ?? 0 };
      budgets.set(userId, budget);
    }
    if (budget.recorded >= PROBE_EVENTS_PER_MINUTE) {
      budget.suppressed += 1;
      return { isAllowed: false, suppressed: 0 };
    }
    budget.recorded += 1;
    const suppressed = budget.suppressed;
    budget.suppressed = 0;
    return { isAllowed: true, suppressed };
  }

  // Forget idle users now and then, so the map stays as small as the set of active ones.
  const sweep = setInterval(() => {
    const cutoff = now() - 120_000;
    for (const [userId, budget] of budgets) {
      if (budget.windowStart < cutoff && budget.suppressed === 0) {
        budgets.delete(userId);
      }
    }
  }, 60_000);
  sweep.unref();
  app.addHook("onClose", async () => clearInterval(sweep));

  // Written before the refusal is sent, so that whoever reads the log after the answer finds it.
  app.addHook("onSend", async (request: FastifyRequest, reply, body) => {
    const action = ACTIONS[reply.statusCode];
    const actor: Actor | null = request.actor;
    if (!action || !actor || !request.url.startsWith("/api/")) {
      return body;
    }
    const { isAllowed, suppressed } = take(actor.userId);
    if (!isAllowed) {
      return body;
    }
    const route = request.routeOptions.url ?? null;
    const payload: Record<string, unknown> = {
      method: request.method,
      path: request.url.split("?")[0]?.slice(0, 300),
      status: reply.statusCode,
    };
    if (suppressed > 0) {
      payload.suppressedBefore = suppressed;
    }
    try {
      await options.db
        .transaction()
        .execute((tx) => recordAudit(tx, actor, { action, entityType: "route", entityId: route, payload }));
    } catch (err) {
      onError(err);
    }
    return body;
  });
}
