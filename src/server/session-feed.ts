import type { Kysely } from "kysely";
import pg from "pg";
import type { DB } from "../db/schema.ts";
import { forgetSessions } from "../domain/session-memory.ts";

// Each server process answers sessions from memory for a moment (src/domain/session-memory.ts).
// On PostgreSQL with several processes, a logout or a disabled account in one of them must end the
// session in all: migration 0036 notifies channel `reciprocity_session` as such a change commits,
// and this feed, one LISTEN connection per process opened at start, forgets what it names. While
// the connection is down nothing is remembered for long anyway (SESSION_REUSE_MS); once it is back
// the process forgets everything, since notifications sent meanwhile are lost.

/** The channel migration 0036 notifies. */
export const SESSION_CHANNEL = "reciprocity_session";

const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/** A running feed. */
export interface SessionFeed {
  /** Resolves once the first LISTEN is in place (or failed; the feed then keeps trying). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Applies one notification's payload to the process's remembered sessions. */
export function forgetNotified(db: Kysely<DB>, payload: string): void {
  const [kind, value] = [payload.slice(0, payload.indexOf(":")), payload.slice(payload.indexOf(":") + 1)];
  if (kind === "session" && /^[0-9a-f]{64}$/.test(value)) {
    forgetSessions(db, { tokenHash: value });
  } else if (kind === "user" && /^[0-9a-f-]{36}$/.test(value)) {
    forgetSessions(db, { userId: value });
  } else {
    // Something this version does not know: forgetting everything is always safe.
    forgetSessions(db, "all");
  }
}

/** LISTENs for ended sessions on a dedicated connection to `url`, reconnecting when it is lost. */
export function startSessionFeed(options: {
  db: Kysely<DB>;
  url: string;
  onError(err: unknown, what: string): void;
}): SessionFeed {
  let client: pg.Client | null = null;
  const lost = new WeakSet<pg.Client>();
  let retryMs = RECONNECT_FIRST_MS;
  let timer: NodeJS.Timeout | undefined;
  let isClosed = false;

  const drop = (c: pg.Client, err: unknown): void => {
    if (lost.has(c)) {
      return;
    }
    lost.add(c);
    if (client === c) {
      client = null;
    }
    c.end().catch(() => undefined);
    if (isClosed) {
      return;
    }
    options.onError(err, `session LISTEN connection lost; reconnecting in ${retryMs} ms`);
    timer = setTimeout(() => void connect(), retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
  };

  const connect = async (): Promise<void> => {
    const c = new pg.Client({
      connectionString: options.url,
      keepAlive: true,
      application_name: "reciprocity sessions",
    });
    c.on("notification", (message) => {
      if (message.channel === SESSION_CHANNEL && !isClosed) {
        forgetNotified(options.db, message.payload ?? "");
      }
    });
    c.on("error", (err) => drop(c, err));
    c.on("end", () => drop(c, new Error("the session LISTEN connection ended")));
    try {
      await c.connect();
      await c.query(`listen ${SESSION_CHANNEL}`);
      if (isClosed || lost.has(c)) {
        lost.add(c);
        await c.end().catch(() => undefined);
        return;
      }
      client = c;
      retryMs = RECONNECT_FIRST_MS;
      // Whatever ended while nobody listened is unknown: read every session again.
      forgetSessions(options.db, "all");
    } catch (err) {
      drop(c, err);
    }
  };

  const ready = connect();
  return {
    ready,
    close: async () => {
      isClosed = true;
      clearTimeout(timer);
      await ready;
      const c = client;
      client = null;
      if (c) {
        lost.add(c);
        await c.end().catch(() => undefined);
      }
    },
  };
}
