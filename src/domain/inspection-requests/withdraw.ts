import type { Kysely } from "kysely";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { loadRequest } from "./load.ts";
import { transition } from "./state-machine.ts";
import type { InspectionRequestView } from "../../contract/inspection-requests.ts";

/** The requester takes a request back before it is scanned. */
export async function withdrawInspectionRequest(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
  reason: string,
): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    await transition(tx, clock, actor, id, "withdraw", { note: reason, patch: { hold_active: false } });
    return loadRequest(tx, actor, id);
  });
}
