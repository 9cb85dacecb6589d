import type { Kysely } from "kysely";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { loadRequest } from "./load.ts";
import { conflict } from "../../errors.ts";
import { lockRequest } from "./repository.ts";
import { transition } from "./state-machine.ts";
import type { InspectionRequestView } from "../../contract/inspection-requests.ts";

/** Lifts a hold explicitly; the container may then be loaded. */
export async function liftHold(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
  reason: string,
): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    const locked = await lockRequest(tx, actor, id);
    if (!locked.hold_active) {
      throw conflict("inspection_request.no_hold", "The container is not on hold");
    }
    await transition(tx, clock, actor, id, "lift_hold", {
      locked,
      note: reason,
      patch: { hold_active: false, hold_lifted_at: clock.now() },
    });
    return loadRequest(tx, actor, id);
  });
}
