import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import type { Actor } from "./actor.ts";

// Every request resolves its session cookie to an actor. A process remembers what it resolved for a
// moment, so that a user paging through the work list does not cost a database round trip per page
// for it.

/**
 * How long this process answers a session from memory before asking the database again (ms).
 * Logging out, disabling an account or changing what the actor carries (language) through this
 * process forgets the user's sessions at once (forgetSessions). On PostgreSQL the other server
 * processes of the deployment (`serve --workers N`) hear of it as it commits (migration 0036,
 * src/server/session-feed.ts) and forget it too, within milliseconds; only while a process's
 * LISTEN connection is down may a closed session be accepted there for at most this long.
 */
export const SESSION_REUSE_MS = 2000;
/** Sessions remembered per database; beyond this the oldest is dropped. */
const MAX_REMEMBERED = 10_000;

interface RememberedSession {
  actor: Actor;
  /** performance.now() after which the database is asked again. */
  freshUntil: number;
  /** The session's own end (clock time, ms). */
  expiresAt: number;
}

interface SessionMemory {
  sessions: Map<string, RememberedSession>;
  /** Counts forgetSessions calls: a lookup that a forget overtook is not remembered. */
  epoch: number;
}

// Keyed by database, so that two nodes in one process (tests, the federation demo) keep apart.
const memories = new WeakMap<Kysely<DB>, SessionMemory>();

function memoryOf(db: Kysely<DB>): SessionMemory {
  let memory = memories.get(db);
  if (!memory) {
    memory = { sessions: new Map(), epoch: 0 };
    memories.set(db, memory);
  }
  return memory;
}

/** The remembered actor of a session (by token hash) while fresh and unexpired at `now`. */
export function recallSession(db: Kysely<DB>, tokenHash: string, now: Date): Actor | undefined {
  const memory = memoryOf(db);
  const remembered = memory.sessions.get(tokenHash);
  if (!remembered) {
    return undefined;
  }
  if (remembered.freshUntil > performance.now() && remembered.expiresAt > now.getTime()) {
    return remembered.actor;
  }
  memory.sessions.delete(tokenHash);
  return undefined;
}

/** A marker taken before reading a session from the database; remember with it afterwards. */
export function sessionEpoch(db: Kysely<DB>): number {
  return memoryOf(db).epoch;
}

/**
 * Keeps a session read from the database, unless a forget came between the read's start (`epoch`)
 * and now: the read may then predate the change. The actor is frozen, as requests share it.
 */
export function rememberSession(db: Kysely<DB>, epoch: number, tokenHash: string, actor: Actor, expiresAt: Date): void {
  const memory = memoryOf(db);
  if (memory.epoch !== epoch) {
    return;
  }
  if (memory.sessions.size >= MAX_REMEMBERED) {
    const oldest = memory.sessions.keys().next().value;
    if (oldest !== undefined) {
      memory.sessions.delete(oldest);
    }
  }
  Object.freeze(actor.roles);
  memory.sessions.set(tokenHash, {
    actor: Object.freeze(actor),
    freshUntil: performance.now() + SESSION_REUSE_MS,
    expiresAt: expiresAt.getTime(),
  });
}

/**
 * Forgets remembered sessions after a change committed: one session (logout), every session of a
 * user (account disabled, language changed), or all of them. Call it after the commit: a lookup
 * still running from before is then not remembered either.
 */
export function forgetSessions(db: Kysely<DB>, which: { tokenHash: string } | { userId: string } | "all"): void {
  const memory = memoryOf(db);
  memory.epoch++;
  if (which === "all") {
    memory.sessions.clear();
  } else if ("tokenHash" in which) {
    memory.sessions.delete(which.tokenHash);
  } else {
    for (const [hash, remembered] of memory.sessions) {
      if (remembered.actor.userId === which.userId) {
        memory.sessions.delete(hash);
      }
    }
  }
}
