// The actor a measuring script reads the work list as: a targeter of the agency with this code,
// not a stored user, so running a script leaves no account behind.
import type { Kysely } from "kysely";
import type { DB } from "../src/db/schema.ts";
import type { Actor } from "../src/domain/actor.ts";

export async function readerActor(db: Kysely<DB>, agencyCode: string, purpose: string): Promise<Actor> {
  const agency = await db.selectFrom("agency").selectAll().where("code", "=", agencyCode).executeTakeFirstOrThrow();
  return {
    userId: "00000000-0000-0000-0000-000000000000",
    username: `${agencyCode.toLowerCase()}.${purpose.split(" ")[0]}`,
    displayName: purpose,
    agencyId: agency.id,
    agencyCode: agency.code,
    agencyName: agency.name,
    agencyCountry: agency.country,
    roles: ["targeter"],
    siteId: null,
  };
}
