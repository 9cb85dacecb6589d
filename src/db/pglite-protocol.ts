/** A statement for the embedded database's thread. */
export type HostRequest =
  /** `begin`: open a transaction first (a BEGIN that travelled with its transaction's first statement). */
  | { id: number; op: "exec"; sql: string; begin?: boolean }
  | { id: number; op: "query"; sql: string; params: unknown[]; begin?: boolean }
  /** `COPY table (…) FROM '/dev/blob'` with `data` as the file's content (text format). */
  | { id: number; op: "copy"; sql: string; table: string; data: string }
  | { id: number; op: "close" };

/** Its answer; id 0 says the database is open (or why it is not). */
export type HostReply =
  | { id: number; ok: true; rows: unknown[]; affectedRows?: number }
  | { id: number; ok: false; error: { message: string; fields: Record<string, string> } };
