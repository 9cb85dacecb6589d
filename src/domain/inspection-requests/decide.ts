import type { Kysely } from "kysely";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { loadRequest } from "./load.ts";
import { invalid } from "../../errors.ts";
import { lockRequest } from "./repository.ts";
import { transition } from "./state-machine.ts";
import type { InspectionRequestView } from "../../contract/inspection-requests.ts";
import type { DeclineCode } from "./vocabulary.ts";

/** The host supervisor's answer: accept, or decline with a reason code and text. */
export interface Decision {
  decision: "accept" | "decline";
  reasonCode?: DeclineCode;
  reason?: string;
}

/** A host supervisor accepts or declines a request that still awaits a decision. */
export async function decideInspectionRequest(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
  input: Decision,
): Promise<InspectionRequestView> {
  const reason = input.reason?.trim() ?? "";
  if (input.decision === "decline" && (reason.length === 0 || !input.reasonCode)) {
    throw invalid("inspection_request.reason_required", "A decline needs a reason code and a reason");
  }
  return withAgency(db, actor.agencyId, async (tx) => {
    const locked = await lockRequest(tx, actor, id);
    const now = clock.now();
    const isHoldRequest = locked.request_type === "hold";
    await transition(tx, clock, actor, id, input.decision, {
      locked,
      note: reason || null,
      patch: {
        decided_by: actor.userId,
        decided_at: now,
        decision_reason: reason || null,
        decision_code: input.decision === "decline" ? input.reasonCode : null,
        // A do-not-load request holds the container from the moment the host accepts it.
        hold_active: input.decision === "accept" && isHoldRequest,
      },
      payload: { reason: reason || null, reasonCode: input.reasonCode ?? null },
    });
    return loadRequest(tx, actor, id);
  });
}
