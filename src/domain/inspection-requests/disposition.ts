import type { Kysely } from "kysely";
import { withAgency, type Tx } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { isSharedWithRequester } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { notifyRole } from "../notifications.ts";
import { checkClearance, clearanceFindings } from "./clearance-guard.ts";
import { listScans, loadRequest } from "./load.ts";
import { lockRequest } from "./repository.ts";
import { checkAction, transition } from "./state-machine.ts";
import type { ClearanceOverride, InspectionRequestView } from "../../contract/inspection-requests.ts";
import type { Disposition } from "./vocabulary.ts";

/**
 * Sets the disposition inside the caller's transaction; hold and do-not-load hold the container.
 * Clearing against the scans' findings (SNM, an industrial source, an unexplained alarm, a result
 * that contradicts the declaration, reach-back advice) takes a host supervisor's `override`, which
 * is kept with the disposition step and in its audit event.
 */
export async function applyDisposition(
  tx: Tx,
  clock: Clock,
  actor: Actor,
  id: string,
  disposition: Disposition,
  note?: string,
  override?: ClearanceOverride,
): Promise<void> {
  const locked = await lockRequest(tx, actor, id);
  // Who may disposition, and from which state, is settled before the findings are weighed.
  checkAction(actor, locked, "disposition");
  const scans = (await listScans(tx, actor, [id])).get(id) ?? [];
  const overridden = checkClearance(actor, disposition, clearanceFindings(scans), override);
  const now = clock.now();
  const reason = override?.reason.trim() ?? "";
  const step = await transition(tx, clock, actor, id, "disposition", {
    locked,
    note: note ?? null,
    patch: {
      disposition,
      dispositioned_by: actor.userId,
      dispositioned_at: now,
      hold_active: disposition === "hold" || disposition === "do_not_load",
    },
    payload: {
      disposition,
      ...(overridden.length > 0
        ? {
            override: {
              reason,
              findings: overridden.map((f) => ({ scanId: f.scanId, reasons: f.reasons, summary: f.summary })),
            },
          }
        : {}),
    },
  });
  if (overridden.length === 0) {
    return;
  }
  await tx
    .insertInto("disposition_override")
    .values({
      request_id: id,
      transition_id: step.transitionId,
      disposition,
      reason,
      findings: JSON.stringify(overridden),
      overridden_by: actor.userId,
      overridden_at: now,
    })
    .execute();
  // A clearance against findings is news to every supervisor concerned and to the targeter who asked.
  const partner = (await isSharedWithRequester(tx, id)) ? [locked.requesting_agency_id] : [];
  const message = `${locked.reference} (${locked.container_no}): ${disposition.replaceAll("_", " ")} against the scans' findings by a supervisor's override — ${reason}`;
  const params = { reference: locked.reference, containerNo: locked.container_no, disposition, reason };
  await notifyRole(tx, {
    agencyIds: [locked.host_agency_id, ...partner],
    role: "supervisor",
    kind: "override",
    requestId: id,
    message,
    params,
    at: now,
  });
  await notifyRole(tx, {
    agencyIds: partner,
    role: "targeter",
    kind: "override",
    requestId: id,
    message,
    params,
    at: now,
  });
}

/** Dispositions a request whose results are in; `override` clears against the scans' findings. */
export async function dispositionInspectionRequest(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
  disposition: Disposition,
  note?: string,
  override?: ClearanceOverride,
): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    await applyDisposition(tx, clock, actor, id, disposition, note, override);
    return loadRequest(tx, actor, id);
  });
}
