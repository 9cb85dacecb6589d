import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";

// The federation tables of migrations 0021–0023, added to the schema's types where they are used:
// the rest of the application never reads them.

type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** bigint comes back as a string on both engines. */
type BigIntColumn = ColumnType<string, number | string, number | string>;

export type FederationTables = {
  federation_node: { is_single: Generated<boolean>; agency_id: string; created_at: GeneratedTimestamp };
  federation_node_key: {
    kid: string;
    public_pem: string;
    private_pem: string;
    created_at: GeneratedTimestamp;
    retired_at: NullableTimestamp;
  };
  federation_peer: {
    id: Generated<string>;
    agency_code: string;
    agency_id: string | null;
    url: string;
    is_active: Generated<boolean>;
    created_at: GeneratedTimestamp;
  };
  federation_peer_key: {
    peer_id: string;
    kid: string;
    public_pem: string;
    added_at: GeneratedTimestamp;
    valid_until: NullableTimestamp;
  };
  federation_outbox: {
    id: ColumnType<string, never, never>;
    message_id: Generated<string>;
    peer_id: string;
    kind: string;
    subject: string;
    subject_seq: BigIntColumn;
    body: ColumnType<unknown, string, string>;
    created_at: GeneratedTimestamp;
    state: Generated<"pending" | "delivered" | "dead">;
    attempts: Generated<number>;
    next_attempt_at: GeneratedTimestamp;
    locked_until: NullableTimestamp;
    last_error: string | null;
    delivered_at: NullableTimestamp;
    receipt_status: string | null;
  };
  federation_inbox: {
    message_id: string;
    peer_id: string;
    kind: string;
    subject: string;
    subject_seq: BigIntColumn;
    body: ColumnType<unknown, string, string>;
    created_at: ColumnType<Date, Date | string, Date | string>;
    received_at: GeneratedTimestamp;
    applied_at: NullableTimestamp;
    applied_order: ColumnType<string | null, number | string | null | undefined, number | string | null>;
    envelope: string;
    /** Why the message could not take effect here; null once applied (migration 0023). */
    failure: string | null;
  };
  federation_id_map: {
    peer_id: string;
    kind: "shipment" | "inspection_request";
    peer_entity_id: string;
    local_id: string;
    created_at: GeneratedTimestamp;
  };
  federation_agreement_peer: {
    agreement_id: string;
    peer_id: string;
    shared_fields: ColumnType<string[], string[] | undefined, string[]>;
    created_at: GeneratedTimestamp;
  };
  portal_occupancy: {
    id: Generated<string>;
    agency_id: string;
    reporting_agency_id: string;
    occupancy_ref: string;
    portal: string;
    locode: string;
    container_no: string | null;
    started_at: ColumnType<Date, Date | string, Date | string>;
    ended_at: ColumnType<Date, Date | string, Date | string>;
    gross_gamma: number[];
    gross_neutron: number[];
    alarms: ColumnType<unknown, string, string>;
    analysis: ColumnType<unknown, string | null, string | null>;
    n42_sha256: string | null;
    received_at: ColumnType<Date, Date | string, Date | string>;
  };
  federation_inbox_cursor: {
    peer_id: string;
    subject: string;
    applied_seq: ColumnType<string, number | string | undefined, number | string>;
  };
  federation_rejection: {
    id: ColumnType<string, never, never>;
    at: GeneratedTimestamp;
    sender: string | null;
    message_id: string | null;
    reason: string;
    detail: string | null;
  };
};

export type FedDB = DB & FederationTables;
export type FedTx = Transaction<FedDB>;

/** The database handle with the federation tables in its types. */
export function fed(db: Kysely<DB>): Kysely<FedDB> {
  return db.withTables<FederationTables>();
}
