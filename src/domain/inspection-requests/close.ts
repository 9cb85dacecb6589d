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

/** Closes a request; a container still on hold must have its hold lifted first. */
export async function closeInspectionRequest(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    const locked = await lockRequest(tx, actor, id);
    if (locked.hold_active) {
      throw conflict("inspection_request.hold_active", "Lift the hold before closing the request");
    }
    await transition(tx, clock, actor, id, "close", { locked, patch: { closed_at: clock.now() } });
    return loadRequest(tx, actor, id);
  });
}
