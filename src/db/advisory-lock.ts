import { sql, type Kysely } from "kysely";
import type { DB } from "./schema.ts";

// Background work (the deadline sweep and scoring, audit anchoring, start-up batch recovery) runs
// in every server process on a timer. On PostgreSQL several processes share one database, so each
// job takes a transaction-scoped advisory lock first: when two processes tick at once, one does the
// work and the other skips its turn. The lock ends with its transaction, so a process that dies
// mid-job cannot leave it held (a session lock would stay on a pooled connection).

/** Jobs that run in one process at a time, with their advisory-lock keys (int8, unique to this app). */
export const JOB_LOCKS = {
  deadlineSweep: 7212448101,
  auditAnchor: 7212448102,
  batchRecovery: 7212448103,
} as const;

/** A background job's name. */
export type Job = keyof typeof JOB_LOCKS;

/** What a turn at a job came to: the work's result, or skipped because another turn held the job. */
export type Turn<T> = { isRun: true; value: T } | { isRun: false };

/** Runs a job's turn unless another turn of the same job is under way (in this process or, on PostgreSQL, in any). */
export type RunExclusive = <T>(job: Job, work: () => Promise<T>) => Promise<Turn<T>>;

/**
 * Returns the runner for a database. On PostgreSQL a turn holds `pg_try_advisory_xact_lock` in a
 * transaction of its own while `work` runs on other pooled connections (the work commits as it
 * goes, as it would without the lock). Embedded PGlite belongs to one process and has a single
 * connection that the lock's transaction would hold against the work, so there only the
 * in-process guard applies.
 */
export function exclusiveRunner(db: Kysely<DB>, engine: "postgres" | "pglite"): RunExclusive {
  const running = new Set<Job>();
  return async <T>(job: Job, work: () => Promise<T>): Promise<Turn<T>> => {
    // A slow turn must not overlap the next tick of the same process either.
    if (running.has(job)) {
      return { isRun: false };
    }
    running.add(job);
    try {
      if (engine === "pglite") {
        return { isRun: true, value: await work() };
      }
      return await db.transaction().execute(async (tx): Promise<Turn<T>> => {
        const { rows } = await sql<{
          isLocked: boolean;
        }>`select pg_try_advisory_xact_lock(${JOB_LOCKS[job]}::bigint) as "isLocked"`.execute(tx);
        if (rows[0]?.isLocked !== true) {
          return { isRun: false };
        }
        return { isRun: true, value: await work() };
      });
    } finally {
      running.delete(job);
    }
  };
}
