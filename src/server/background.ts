import type { FastifyBaseLogger } from "fastify";
import type { Kysely } from "kysely";
import { exclusiveRunner, type RunExclusive, type Turn } from "../db/advisory-lock.ts";
import type { Database, DatabaseTarget } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { anchorFileFor, startAnchoring } from "../domain/audit-anchor.ts";
import { deliveryOptionsFrom, startFederationDelivery } from "../domain/federation/delivery.ts";
import type { Clock } from "../domain/clock.ts";
import { sweepDeadlines } from "../domain/deadlines.ts";
import { requestStaleSweeps, scoreAllAgencies } from "../domain/targeting/scoring.ts";

// Every server process runs the same timers; on PostgreSQL the advisory locks of
// src/db/advisory-lock.ts let one process at a time take each turn, so N processes do not sweep,
// score or anchor N times over each other. (Turns of different processes may still follow one
// another within an interval; each turn finds the work the previous one left, which is little.)

/** How often the request clock runs. */
export const SWEEP_MS = 30_000;
/**
 * How often every agency's list is checked for missing and stale scores. Scoring follows the
 * changes that make a score stale (migration 0017); the check catches what no change announces,
 * such as an agreement coming into force on its start date.
 */
export const STALE_CHECK_MS = 6 * 3_600_000;
/** How often the audit chain's head is anchored. */
export const ANCHOR_MS = 60_000;

/**
 * One turn of the request clock: escalate requests near their cut-off, record misses, then score
 * what is pending. Skipped (isRun false) while another turn, here or in another process, runs.
 */
export function runSweep(db: Kysely<DB>, clock: Clock, exclusive: RunExclusive): Promise<Turn<number>> {
  return exclusive("deadlineSweep", async () => {
    await sweepDeadlines(db, clock);
    return scoreAllAgencies(db, clock);
  });
}

/** Starts the request clock and the audit anchoring; returns the function that stops both. */
export function startBackground(
  database: Database,
  target: DatabaseTarget,
  clock: Clock,
  log: FastifyBaseLogger,
): () => Promise<void> {
  const exclusive = exclusiveRunner(database.db, database.engine);
  const sweeper = setInterval(() => {
    runSweep(database.db, clock, exclusive).catch((err: unknown) => log.error({ err }, "background sweep failed"));
  }, SWEEP_MS);
  sweeper.unref();
  const staleCheck = setInterval(() => {
    requestStaleSweeps(database.db).catch((err: unknown) => log.error({ err }, "stale score check failed"));
  }, STALE_CHECK_MS);
  staleCheck.unref();
  // The audit chain's head is written outside the database, so that a cut tail is noticed.
  const anchorFile = anchorFileFor(target);
  const stopAnchoring = anchorFile
    ? startAnchoring(
        database.db,
        anchorFile,
        ANCHOR_MS,
        (err) => log.error({ err }, "audit anchoring failed"),
        (work) => exclusive("auditAnchor", work),
      )
    : null;
  // Signed messages to peer nodes leave from the outbox (src/domain/federation/delivery.ts).
  const stopDelivery = startFederationDelivery(
    database.db,
    clock,
    (err) => log.error({ err }, "federation delivery failed"),
    deliveryOptionsFrom(process.env),
  );
  return async () => {
    await stopDelivery();
    clearInterval(sweeper);
    clearInterval(staleCheck);
    await stopAnchoring?.();
  };
}
