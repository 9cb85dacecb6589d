import type { Kysely } from "kysely";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { loadRequest } from "./load.ts";
import { transition } from "./state-machine.ts";
import type { InspectionRequestView } from "../../contract/inspection-requests.ts";

/** The host plans when the container will be scanned. */
export async function scheduleInspection(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
  when: Date,
): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    await transition(tx, clock, actor, id, "schedule", {
      note: `scheduled for ${when.toISOString()}`,
      patch: { scheduled_for: when },
    });
    return loadRequest(tx, actor, id);
  });
}
