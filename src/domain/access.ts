import { sql, type ExpressionBuilder, type Expression, type SqlBool } from "kysely";
import type { Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { forbidden } from "../errors.ts";
import { hasRole, type Actor, type Role } from "./actor.ts";

// The one place that says who sees what. PostgreSQL's row-level security policies in
// migrations/0001_core.sql state the same rules again, so a query that forgets this filter still
// returns only allowed rows.

/**
 * Shipments the actor's agency may see: its own, and those another agency shares with it under an
 * active agreement whose destination countries include the port of discharge or final destination.
 */
export function shipmentIsVisible(actor: Actor) {
  return (eb: ExpressionBuilder<DB & { s: DB["shipment"] }, "s">): Expression<SqlBool> =>
    eb.or([
      eb("s.owner_agency_id", "=", actor.agencyId),
      eb.exists(
        eb
          .selectFrom("agreement as ag")
          .select(sql`1`.as("one"))
          .whereRef("ag.provider_agency_id", "=", "s.owner_agency_id")
          .where("ag.recipient_agency_id", "=", actor.agencyId)
          .where("ag.is_active", "=", true)
          .where("ag.valid_from", "<=", sql<Date>`current_date`)
          .where((inner) => inner.or([inner("ag.valid_until", "is", null), inner("ag.valid_until", ">=", sql<Date>`current_date`)]))
          .where((inner) =>
            inner.or([
              inner("s.discharge_country", "=", inner.fn.any("ag.destination_countries")),
              inner("s.destination_country", "=", inner.fn.any("ag.destination_countries")),
            ]),
          ),
      ),
    ]);
}

/** Inspection requests the actor's agency is party to, as requester or as host. */
export function requestIsVisible(actor: Actor) {
  return (eb: ExpressionBuilder<DB & { r: DB["inspection_request"] }, "r">): Expression<SqlBool> =>
    eb.or([eb("r.requesting_agency_id", "=", actor.agencyId), eb("r.host_agency_id", "=", actor.agencyId)]);
}

/** The active agreement under which `owner` shares the shipment with the actor's agency, if any. */
export async function findSharingAgreement(
  tx: Tx,
  actor: Actor,
  shipment: { owner_agency_id: string; discharge_country: string; destination_country: string },
): Promise<{ id: string; code: string; legal_basis: string } | undefined> {
  return tx
    .selectFrom("agreement")
    .select(["id", "code", "legal_basis"])
    .where("provider_agency_id", "=", shipment.owner_agency_id)
    .where("recipient_agency_id", "=", actor.agencyId)
    .where("is_active", "=", true)
    .where("valid_from", "<=", sql<Date>`current_date`)
    .where((eb) => eb.or([eb("valid_until", "is", null), eb("valid_until", ">=", sql<Date>`current_date`)]))
    .where((eb) =>
      eb.or([
        eb(sql.val(shipment.discharge_country), "=", eb.fn.any("destination_countries")),
        eb(sql.val(shipment.destination_country), "=", eb.fn.any("destination_countries")),
      ]),
    )
    .orderBy("code")
    .executeTakeFirst();
}

/** Throws 403 unless the actor holds one of the roles. */
export function requireRole(actor: Actor, roles: Role[], what: string): void {
  if (!hasRole(actor, ...roles)) {
    throw forbidden(`Only ${roles.join(" or ")} may ${what}`);
  }
}
