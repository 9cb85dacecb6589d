import { sql, type Kysely, type RawBuilder } from "kysely";
import type { DB } from "../../src/db/schema.ts";
import { writeCuscar } from "../../src/trade/edifact/write-cuscar.ts";
import type { ManifestShipment } from "../../src/trade/records.ts";
import { TEST_ANCHOR } from "./world.ts";

// What the crash-recovery tests share: the CUSCAR they send and the counts they check.

export function cuscar(records: readonly ManifestShipment[], ref: string): string {
  return writeCuscar(records, {
    sender: "ONEY",
    recipient: "USCBP",
    interchangeRef: ref,
    preparedAt: TEST_ANCHOR,
    shipmentsPerMessage: 50,
  });
}

export async function count(db: Kysely<DB>, query: RawBuilder<{ n: string }>): Promise<number> {
  return Number((await query.execute(db)).rows[0]?.n);
}

export const versionsOf = (db: Kysely<DB>, batchId: string) =>
  count(db, sql<{ n: string }>`select count(*) as n from shipment_version where batch_id = ${batchId}`);
export const auditsOf = (db: Kysely<DB>, batchId: string, action: string) =>
  count(
    db,
    sql<{ n: string }>`select count(*) as n from audit_event where entity_id = ${batchId} and action = ${action}`,
  );
