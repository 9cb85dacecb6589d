import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import { recordAudit } from "./audit.ts";

/** Demo accounts work only while the server runs in demo mode; this switches them on or off. */
export async function setDemoAccountsActive(db: Kysely<DB>, isActive: boolean): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const changed = await tx
      .updateTable("app_user")
      .set({ is_active: isActive })
      .where("is_demo", "=", true)
      .where("is_active", "=", !isActive)
      .returning(["id", "agency_id"])
      .execute();
    if (changed.length > 0) {
      await recordAudit(tx, null, {
        action: isActive ? "demo.accounts_enabled" : "demo.accounts_disabled",
        entityType: "system",
        otherAgencyIds: [...new Set(changed.map((u) => u.agency_id))],
        payload: { accounts: changed.length },
      });
    }
    return changed.length;
  });
}
