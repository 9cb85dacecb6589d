import { sql, type ExpressionBuilder, type Expression, type RawBuilder, type SqlBool } from "kysely";
import type { Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { forbidden } from "../errors.ts";
import { hasRole, type Actor, type Role } from "./actor.ts";

// The one place in the application that says who sees what. The sharing rule itself is SQL
// (migrations/0030_sharing_rule.sql: agreements_sharing, agreement_in_force), called both here and
// by PostgreSQL's row-level security policies, so a query that forgets this filter still returns
// only allowed rows, and the two can never disagree.

/**
 * Agreements under which `owner` shares a shipment with `agencyId`: it is the recipient, the
 * agreement is active and in force today, the shipment goes to one of its destination countries
 * and departs (ETD, else the filing time) within its term. A shipment that left before an
 * agreement began is not shared by it, and nothing is shared once it has ended.
 */
function agreementsSharing(
  agencyId: string,
  shipment: {
    owner: Expression<string>;
    discharge: Expression<string>;
    destination: Expression<string>;
    departs: Expression<Date>;
  },
): RawBuilder<{ id: string; code: string; legal_basis: string }> {
  return sql<{
    id: string;
    code: string;
    legal_basis: string;
  }>`agreements_sharing(${agencyId}::uuid, ${shipment.owner}, ${shipment.discharge}, ${shipment.destination}, ${shipment.departs})`;
}

/** Shipments the actor's agency may see: its own, and those another agency shares with it under an agreement that covers them. */
export function shipmentIsVisible(actor: Actor) {
  return (eb: ExpressionBuilder<DB & { s: DB["shipment"] }, "s">): Expression<SqlBool> =>
    eb.or([
      eb("s.owner_agency_id", "=", actor.agencyId),
      sql<SqlBool>`exists (select 1 from ${agreementsSharing(actor.agencyId, {
        owner: sql<string>`s.owner_agency_id`,
        discharge: sql<string>`s.discharge_country`,
        destination: sql<string>`s.destination_country`,
        departs: sql<Date>`coalesce(s.etd, s.filed_at)`,
      })})`,
    ]);
}

/**
 * Work-list rows the actor's agency may read (migrations/0014 keeps one per agency and shipment it
 * may see): its own, and shared ones while an agreement that covers them is in force today. The
 * agreements' terms were checked when the row was written; today's part is computed once.
 */
export function listingIsVisible(actor: Actor) {
  return (eb: ExpressionBuilder<DB & { l: DB["shipment_listing"] }, "l">): Expression<SqlBool> =>
    eb.and([
      eb("l.agency_id", "=", actor.agencyId),
      eb.or([eb("l.is_own", "=", true), sql<SqlBool>`l.via_agreements && (select current_agreement_ids())`]),
    ]);
}

/**
 * Inspection requests the actor's agency may see: the host's always; the requester's while the
 * shipment is still shared with it (an ended agreement takes the results with it).
 */
export function requestIsVisible(actor: Actor) {
  return (eb: ExpressionBuilder<DB & { r: DB["inspection_request"] }, "r">): Expression<SqlBool> =>
    eb.or([
      eb("r.host_agency_id", "=", actor.agencyId),
      eb.and([
        eb("r.requesting_agency_id", "=", actor.agencyId),
        eb.exists(
          eb
            .selectFrom("shipment as s")
            .select(sql`1`.as("one"))
            .whereRef("s.id", "=", "r.shipment_id")
            .where((inner) =>
              shipmentIsVisible(actor)(inner as unknown as ExpressionBuilder<DB & { s: DB["shipment"] }, "s">),
            ),
        ),
      ]),
    ]);
}

/** The agreement under which `owner` shares the shipment with the actor's agency, if any covers it. */
export async function findSharingAgreement(
  tx: Tx,
  actor: Actor,
  shipment: { owner_agency_id: string; discharge_country: string; destination_country: string; departs: Date },
): Promise<{ id: string; code: string; legal_basis: string } | undefined> {
  const sharing = agreementsSharing(actor.agencyId, {
    owner: sql.val(shipment.owner_agency_id),
    discharge: sql.val(shipment.discharge_country),
    destination: sql.val(shipment.destination_country),
    departs: sql.val(shipment.departs),
  });
  return tx
    .selectFrom(sharing.as("ag"))
    .select(["ag.id", "ag.code", "ag.legal_basis"])
    .orderBy("ag.code")
    .executeTakeFirst();
}

/** Agreements whose numbers the actor's agency may read: those it is party to, while they are in force. */
export function agreementIsReadable(actor: Actor) {
  return (eb: ExpressionBuilder<DB & { ag: DB["agreement"] }, "ag">): Expression<SqlBool> =>
    eb.and([
      eb.or([eb("ag.provider_agency_id", "=", actor.agencyId), eb("ag.recipient_agency_id", "=", actor.agencyId)]),
      sql<SqlBool>`agreement_in_force(ag)`,
    ]);
}

/** True while the request's agreement still shares its shipment with the requesting agency. */
export async function isSharedWithRequester(tx: Tx, requestId: string): Promise<boolean> {
  const row = await tx
    .selectFrom("inspection_request as r")
    .innerJoin("shipment as s", "s.id", "r.shipment_id")
    .innerJoin("agreement as ag", "ag.id", "r.agreement_id")
    .select(
      sql<boolean>`agreement_covers(ag, s.discharge_country, s.destination_country, coalesce(s.etd, s.filed_at))`.as(
        "covers",
      ),
    )
    .where("r.id", "=", requestId)
    .executeTakeFirst();
  return row?.covers === true;
}

/** Throws 403 unless the actor holds one of the roles. */
export function requireRole(actor: Actor, roles: Role[], what: string): void {
  if (!hasRole(actor, ...roles)) {
    throw forbidden(`Only ${roles.join(" or ")} may ${what}`);
  }
}
