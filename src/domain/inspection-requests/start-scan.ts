import type { Kysely } from "kysely";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { loadRequest } from "./load.ts";
import { transition } from "./state-machine.ts";
import type { InspectionRequestView } from "../../contract/inspection-requests.ts";

/** The officer starts scanning the container. */
export async function startScanning(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    await transition(tx, clock, actor, id, "start_scan");
    return loadRequest(tx, actor, id);
  });
}
