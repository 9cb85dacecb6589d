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

/** The host answers a request for information. */
export async function answerInformationRequest(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  id: string,
  response: string,
): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, async (tx) => {
    const locked = await lockRequest(tx, actor, id);
    if (locked.request_type !== "information") {
      throw conflict("inspection_request.not_information", "Only a request for information takes a written answer");
    }
    await transition(tx, clock, actor, id, "record_result", {
      locked,
      note: response,
      patch: { information_response: response, first_result_at: locked.first_result_at ?? clock.now() },
    });
    return loadRequest(tx, actor, id);
  });
}
