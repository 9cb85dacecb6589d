import { sql } from "kysely";
import type { Tx } from "../../db/database.ts";

/** One column of a bulk insert: its name, its PostgreSQL type, and how to read it from a row. */
export type BulkColumn<R> = readonly [name: string, type: string, get: (row: R) => unknown];

/**
 * Inserts rows with one `insert … select * from unnest($1::t1[], $2::t2[], …)` statement: one
 * round trip and one parameter per column whatever the row count, on PostgreSQL and PGlite alike.
 * `onConflict` is appended as written (a constant clause such as `on conflict do nothing`).
 */
export async function insertUnnest<R>(
  tx: Tx,
  table: string,
  columns: readonly BulkColumn<R>[],
  rows: readonly R[],
  onConflict = "",
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const names = sql.join(columns.map(([name]) => sql.ref(name)));
  const arrays = sql.join(
    columns.map(([, type, get]) => sql`${rows.map((row) => get(row) ?? null)}::${sql.raw(type)}[]`),
  );
  await sql`insert into ${sql.table(table)} (${names}) select * from unnest(${arrays}) ${sql.raw(onConflict)}`.execute(
    tx,
  );
}
