import { sql, type Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { conflict, invalid, notFound } from "../../errors.ts";
import { recordAudit } from "../audit.ts";
import { fed, type FederationTables } from "./tables.ts";
import type { AgreementPeerView } from "../../contract/federation.ts";

// A sharing agreement names the peer node it applies to. Only then do the shipments it covers
// leave this node, as messages to that peer (migration 0023); an agreement without a peer shares
// within this database only, as in the single-node mode.

/** Optional groups of a shipment's fields an agreement may share beyond the always-shared core. */
export const SHARED_FIELD_GROUPS = ["parties", "carrier", "route"] as const;
export type SharedFieldGroup = (typeof SHARED_FIELD_GROUPS)[number];

export type { AgreementPeerView } from "../../contract/federation.ts";

/**
 * Binds this node's agreement to the peer node of its recipient agency, with the field groups it
 * shares, and queues the shipments it already covers for that peer. Audited under the node's agency.
 */
export async function bindAgreementToPeer(
  db: Kysely<DB>,
  input: { agreementCode: string; peerAgency: string; sharedFields?: readonly string[] },
): Promise<{ queued: number }> {
  const fields = [...new Set(input.sharedFields ?? SHARED_FIELD_GROUPS)];
  const unknown = fields.filter((f) => !(SHARED_FIELD_GROUPS as readonly string[]).includes(f));
  if (unknown.length > 0) {
    throw invalid(
      "federation.bad_fields",
      `Unknown field groups: ${unknown.join(", ").slice(0, 100)}; use ${SHARED_FIELD_GROUPS.join(", ")}`,
    );
  }
  return db.transaction().execute(async (tx) => {
    const ft = tx.withTables<FederationTables>();
    const node = await ft.selectFrom("federation_node").select("agency_id").executeTakeFirst();
    if (!node) {
      throw conflict("federation.no_node", "This node has no agency yet: run `reciprocity node init` first");
    }
    const agreement = await ft
      .selectFrom("agreement")
      .select(["id", "code", "provider_agency_id", "recipient_agency_id"])
      .where("code", "=", input.agreementCode)
      .executeTakeFirst();
    if (!agreement) {
      throw notFound("agreement");
    }
    const peer = await ft
      .selectFrom("federation_peer")
      .select(["id", "agency_id"])
      .where("agency_code", "=", input.peerAgency)
      .executeTakeFirst();
    if (!peer) {
      throw notFound("federation_peer");
    }
    if (agreement.provider_agency_id !== node.agency_id) {
      throw invalid(
        "federation.not_provider",
        "Only an agreement under which this node's agency shares can name a peer node",
      );
    }
    if (agreement.recipient_agency_id !== peer.agency_id) {
      throw invalid("federation.not_recipient", `The agreement shares with another agency than ${input.peerAgency}`);
    }
    await ft
      .insertInto("federation_agreement_peer")
      .values({ agreement_id: agreement.id, peer_id: peer.id, shared_fields: fields })
      .onConflict((oc) => oc.column("agreement_id").doUpdateSet({ peer_id: peer.id, shared_fields: fields }))
      .execute();
    const shared = await sql<{ n: number }>`select federation_share_existing(${peer.id}::uuid) as n`.execute(tx);
    const queued = Number(shared.rows[0]?.n ?? 0);
    await recordAudit(tx, null, {
      action: "federation.agreement_bound",
      entityType: "agreement",
      entityId: agreement.id,
      otherAgencyIds: [node.agency_id],
      payload: { agreement: agreement.code, peer: input.peerAgency, sharedFields: fields, queued },
    });
    return { queued };
  });
}

/** Which agreements name which peer node. */
export async function listAgreementPeers(db: Kysely<DB>): Promise<AgreementPeerView[]> {
  const rows = await fed(db)
    .selectFrom("federation_agreement_peer as ap")
    .innerJoin("agreement as ag", "ag.id", "ap.agreement_id")
    .innerJoin("federation_peer as p", "p.id", "ap.peer_id")
    .select(["ag.code", "p.agency_code", "ap.shared_fields"])
    .orderBy("ag.code")
    .execute();
  return rows.map((r) => ({ agreement: r.code, peer: r.agency_code, sharedFields: r.shared_fields }));
}
