import type { Kysely } from "kysely";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import type { Actor } from "../actor.ts";
import { loadRequest } from "./load.ts";
import type { InspectionRequestView } from "../../contract/inspection-requests.ts";

/** Reads one request the actor is party to; the read is audited for both agencies. */
export async function getInspectionRequest(db: Kysely<DB>, actor: Actor, id: string): Promise<InspectionRequestView> {
  return withAgency(db, actor.agencyId, (tx) => loadRequest(tx, actor, id, { isAudited: true }));
}
