import { sql, type Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import type { Tx } from "../db/database.ts";
import { isSharedWithRequester } from "./access.ts";
import { recordAudit } from "./audit.ts";
import type { Clock } from "./clock.ts";
import { AWAITING_RESULT_STATUSES, MISS_REASONS, type MissReason } from "./inspection-requests/vocabulary.ts";

/** Both agencies of a request, the requester only while the agreement still shares the shipment. */
async function partiesOf(
  tx: Tx,
  r: { id: string; host_agency_id: string; requesting_agency_id: string },
): Promise<string[]> {
  return (await isSharedWithRequester(tx, r.id)) ? [r.host_agency_id, r.requesting_agency_id] : [r.host_agency_id];
}

/** How long before the loading cut-off an unanswered request is escalated to the supervisor. */
export const AT_RISK_MS = 6 * 60 * 60 * 1000;

/** What one sweep did. */
export interface SweepResult {
  escalated: number;
  missed: number;
}

/**
 * Runs the clock over open requests: escalates those close to their cut-off, and records as
 * missed those whose container was loaded, reported on board by a bay plan, or departed, or whose
 * cut-off passed, before a result.
 * A system job: it runs as the owner across agencies and claims rows with SKIP LOCKED so several
 * server processes can sweep side by side.
 */
export async function sweepDeadlines(db: Kysely<DB>, clock: Clock): Promise<SweepResult> {
  const now = clock.now();
  const escalated = await db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom("inspection_request")
      .select(["id", "reference", "host_agency_id", "requesting_agency_id", "deadline", "container_no"])
      .where("status", "in", AWAITING_RESULT_STATUSES)
      .where("escalated_at", "is", null)
      .where("missed_at", "is", null)
      .where("deadline", "is not", null)
      .where("deadline", "<=", new Date(now.getTime() + AT_RISK_MS))
      .where("deadline", ">", now)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const r of due) {
      await tx.updateTable("inspection_request").set({ escalated_at: now }).where("id", "=", r.id).execute();
      const hoursLeft = Math.round(((r.deadline as Date).getTime() - now.getTime()) / 360_000) / 10;
      await tx
        .insertInto("notification")
        .values({
          agency_id: r.host_agency_id,
          role: "supervisor",
          kind: "request_at_risk",
          request_id: r.id,
          message: `${r.reference} (${r.container_no}) has ${hoursLeft.toFixed(1)} h left before the loading cut-off and no result yet`,
          params: JSON.stringify({ reference: r.reference, containerNo: r.container_no, hoursLeft }),
          created_at: now,
        })
        .execute();
      await recordAudit(tx, null, {
        action: "inspection_request.escalated",
        entityType: "inspection_request",
        entityId: r.id,
        otherAgencyIds: await partiesOf(tx, r),
        payload: { reference: r.reference, deadline: (r.deadline as Date).toISOString() },
      });
    }
    return due.length;
  });
  const missed = await recordMisses(db, now);
  return { escalated, missed };
}

async function recordMisses(db: Kysely<DB>, now: Date): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const rows = await sql<{
      id: string;
      reference: string;
      host_agency_id: string;
      requesting_agency_id: string;
      loaded_at: Date | null;
      deadline: Date | null;
    }>`
      select r.id, r.reference, r.host_agency_id, r.requesting_agency_id, r.deadline,
             (select min(e.event_time) from container_event e
               where e.container_no = r.container_no and e.agency_id = r.host_agency_id and not e.is_planned
                 and e.event_type in ('loaded', 'on-board', 'departed')
                 and e.event_time >= r.requested_at and e.event_time <= ${now}) as loaded_at
      from inspection_request r
      where r.missed_at is null
        and r.first_result_at is null
        and r.status = any(${AWAITING_RESULT_STATUSES}::text[])
      for update skip locked`.execute(tx);
    let count = 0;
    for (const r of rows.rows) {
      const cutoffPassed = r.deadline !== null && r.deadline.getTime() <= now.getTime();
      if (!r.loaded_at && !cutoffPassed) {
        continue;
      }
      const code: MissReason = r.loaded_at ? "loaded_before_result" : "cutoff_passed";
      const reason = MISS_REASONS[code];
      const at: Date = r.loaded_at ?? r.deadline ?? now;
      await tx
        .updateTable("inspection_request")
        .set({ missed_at: at, miss_reason: reason })
        .where("id", "=", r.id)
        .execute();
      await tx
        .insertInto("notification")
        .values({
          agency_id: r.host_agency_id,
          role: "supervisor",
          kind: "request_missed",
          request_id: r.id,
          message: `${r.reference}: ${reason}`,
          params: JSON.stringify({ reference: r.reference, reason: code }),
          created_at: now,
        })
        .execute();
      await recordAudit(tx, null, {
        action: "inspection_request.missed",
        entityType: "inspection_request",
        entityId: r.id,
        otherAgencyIds: await partiesOf(tx, r),
        payload: { reference: r.reference, reason, at: at.toISOString() },
      });
      count++;
    }
    return count;
  });
}
