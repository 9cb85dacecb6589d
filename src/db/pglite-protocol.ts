/** A statement for the embedded database's thread. */
export type HostRequest =
  /**
   * `before`: statements without parameters run first, in the same message: a transaction's BEGIN
   * and its agency settings, travelling with its first real statement.
   */
  | { id: number; op: "exec"; sql: string; before?: string }
  /**
   * `after`: statements without parameters run once the statement has run, in the same message: the
   * COMMIT of a transaction whose last statement this is. Should the statement fail, the transaction
   * is rolled back instead; either way it has ended when the answer comes.
   */
  | { id: number; op: "query"; sql: string; params: unknown[]; before?: string; after?: string }
  /** `COPY table (…) FROM '/dev/blob'` with `data` as the file's content (text format). */
  | { id: number; op: "copy"; sql: string; table: string; data: string }
  | { id: number; op: "close" };

/**
 * Its answer; id 0 says the database is open (its rows are its array types, ArrayType in
 * pglite-wire.ts), or why it is not. A statement with parameters is answered with the engine's
 * reply as it wrote it (`wire`, moved, not copied, to the receiving thread), checked for errors;
 * its rows are those of the `segment`th Sync, decoded where they are used.
 */
export type HostReply =
  | { id: number; ok: true; rows: unknown[]; affectedRows?: number }
  | { id: number; ok: true; wire: ArrayBuffer; segment: number }
  | { id: number; ok: false; error: { message: string; fields: Record<string, string> } };
