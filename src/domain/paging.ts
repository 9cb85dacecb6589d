import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { sql, type RawBuilder } from "kysely";
import { invalid } from "../errors.ts";

// Cursors are signed so that a client cannot steer a query with values of its own. Processes that
// serve one deployment together share RECIPROCITY_CURSOR_KEY; otherwise each process has its own
// key and a cursor outlives neither a restart nor a hop to another process.
const CURSOR_KEY = process.env.RECIPROCITY_CURSOR_KEY
  ? Buffer.from(process.env.RECIPROCITY_CURSOR_KEY)
  : randomBytes(32);

// The signature covers the list (and sort) the cursor was issued for, so a cursor taken from one
// list cannot steer another's query with values of the wrong type.
function sign(scope: string, body: string): Buffer {
  return createHmac("sha256", CURSOR_KEY).update(scope).update("\n").update(body).digest().subarray(0, 16);
}

export { DEFAULT_LIMIT, MAX_LIMIT } from "./vocabulary.ts";

/** A keyset position: the sort value and id of the last row of the previous page. */
export interface Cursor {
  value: string | number | null;
  id: string;
}

/** Encodes a keyset position as an opaque URL-safe token. */
export function encodeCursor(cursor: Cursor, scope: string): string {
  const body = Buffer.from(JSON.stringify([cursor.value, cursor.id])).toString("base64url");
  return `${body}.${sign(scope, body).toString("base64url")}`;
}

/** Decodes a token from `encodeCursor`; a tampered token is a 400, not a 500. */
export function decodeCursor(token: string, scope: string): Cursor {
  const parts = token.split(".");
  const [body = "", mac = ""] =
    parts.length === 2 && /^[\w-]+$/.test(parts[0] ?? "") && /^[\w-]+$/.test(parts[1] ?? "") ? parts : [];
  const expected = sign(scope, body);
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalid("paging.bad_cursor", "The cursor is not one this server issued");
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[1] === "string" &&
      (parsed[0] === null || typeof parsed[0] === "string" || typeof parsed[0] === "number")
    ) {
      return { value: parsed[0] as Cursor["value"], id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw invalid("paging.bad_cursor", "The cursor is not one this server issued");
}

/** A page of results and the cursor for the next one (null at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cuts one extra fetched row off and turns it into the next cursor. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor, scope: string): Page<T> {
  if (rows.length <= limit) {
    return { items: rows, nextCursor: null };
  }
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(cursorOf(items[items.length - 1] as T), scope) };
}

/** How a list is ordered for keyset paging: a sort key, then the id to break ties. */
export interface Keyset {
  /** The sort key: a column reference ("r.requested_at") or an expression. */
  value: string | RawBuilder<unknown>;
  /** The tie-breaking id column ("r.id"). */
  id: string;
  order: "asc" | "desc";
  /** The SQL type the cursor's value is read as. */
  valueType: "timestamptz" | "text" | "numeric" | "float8";
  /** The SQL type of the id column. */
  idType: "uuid" | "bigint";
}

/** The rows after the cursor in the keyset's order: `(value, id)` past the last row of the page. */
export function afterCursor(after: Cursor, keyset: Keyset): RawBuilder<boolean> {
  const value = typeof keyset.value === "string" ? sql.ref(keyset.value) : keyset.value;
  const past = sql.raw(keyset.order === "asc" ? ">" : "<");
  const cursorValue = sql`cast(${String(after.value)} as ${sql.raw(keyset.valueType)})`;
  return sql<boolean>`(${value}, ${sql.ref(keyset.id)}) ${past} (${cursorValue}, cast(${after.id} as ${sql.raw(keyset.idType)}))`;
}
