// The embedded engine's replies, read straight from the bytes it writes (PostgreSQL's frontend/
// backend protocol, version 3). PGlite's own reader copies every field into a buffer of its own
// before decoding it and builds a message object per row: on a work-list page (51 rows of 22
// columns) that cost more of the engine thread's time than PostgreSQL's execution of the
// statement. Here a row's fields are decoded in place and the row is built once, on the thread
// that uses them (pglite-thread.ts): the engine's thread only checks the reply for errors.

import { types } from "@electric-sql/pglite";

/** A value parser by type OID, as PGlite keeps them (`PGlite.parsers`). */
export type TypeParsers = Record<number | string, ((text: string, typeId: number) => unknown) | undefined>;

/** One statement's result: its rows and its command tag. */
export interface WireResult {
  rows: Record<string, unknown>[];
  command: string;
}

/**
 * What came back up to one ReadyForQuery: the end of a simple query message, or of an extended
 * query's Sync. `affectedRows` adds up INSERT, UPDATE, DELETE, COPY and MERGE, as PGlite does.
 */
export interface WireSegment {
  results: WireResult[];
  affectedRows: number;
  /** The parameter types of a described statement (ParameterDescription). */
  paramTypes?: number[];
}

/** An ErrorResponse, with the fields PostgreSQL sent under the names node-postgres gives them. */
export class WireError extends Error {
  severity?: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
  internalPosition?: string;
  internalQuery?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
  file?: string;
  line?: string;
  routine?: string;
}

/** Every reply in `bytes`, by ReadyForQuery; and the first error among them (later ones follow from it). */
export interface WireReplies {
  segments: WireSegment[];
  error?: WireError;
}

const ERROR_FIELD_NAMES: Record<string, keyof WireError> = {
  V: "severity",
  C: "code",
  D: "detail",
  H: "hint",
  P: "position",
  p: "internalPosition",
  q: "internalQuery",
  W: "where",
  s: "schema",
  t: "table",
  c: "column",
  d: "dataType",
  n: "constraint",
  F: "file",
  L: "line",
  R: "routine",
};

const COUNTED_COMMANDS = new Set(["INSERT", "UPDATE", "DELETE", "COPY", "MERGE"]);

interface Column {
  name: string;
  parse: ((text: string, typeId: number) => unknown) | undefined;
  typeId: number;
}

/**
 * Reads the backend messages in `bytes` (whole messages only; a cut-off tail is an error). Without
 * `rows` the data rows are stepped over, not decoded: what came back is checked for errors and
 * counted, and its rows are left for whoever decodes the same bytes later (the server's thread).
 */
export function readReplies(bytes: Buffer, parsers: TypeParsers, options: { rows?: boolean } = {}): WireReplies {
  const isReadingRows = options.rows ?? true;
  const replies: WireReplies = { segments: [] };
  let segment: WireSegment = { results: [], affectedRows: 0 };
  let columns: Column[] = [];
  let rows: Record<string, unknown>[] = [];
  let offset = 0;
  const cstring = (from: number, end: number): [string, number] => {
    const nul = bytes.indexOf(0, from);
    if (nul < 0 || nul >= end) {
      throw new Error("the engine's reply holds a string without its end");
    }
    return [bytes.toString("utf8", from, nul), nul + 1];
  };
  while (offset < bytes.length) {
    if (offset + 5 > bytes.length) {
      throw new Error("the engine's reply ends inside a message header");
    }
    const code = bytes[offset] as number;
    const length = bytes.readInt32BE(offset + 1);
    const body = offset + 5;
    const end = offset + 1 + length;
    if (length < 4 || end > bytes.length) {
      throw new Error("the engine's reply ends inside a message");
    }
    switch (code) {
      case 0x54: {
        // T: RowDescription
        const count = bytes.readInt16BE(body);
        columns = new Array<Column>(count);
        let at = body + 2;
        for (let i = 0; i < count; i++) {
          const [name, next] = cstring(at, end);
          const typeId = bytes.readInt32BE(next + 6);
          columns[i] = { name, typeId, parse: parsers[typeId] };
          at = next + 18;
        }
        rows = [];
        break;
      }
      case 0x44: {
        // D: DataRow
        if (!isReadingRows) {
          break;
        }
        const count = bytes.readInt16BE(body);
        const row: Record<string, unknown> = {};
        let at = body + 2;
        for (let i = 0; i < count; i++) {
          const size = bytes.readInt32BE(at);
          at += 4;
          const column = columns[i];
          let value: unknown = null;
          if (size >= 0) {
            const text = bytes.toString("utf8", at, at + size);
            at += size;
            value = column?.parse ? column.parse(text, column.typeId) : text;
          }
          const name = column?.name ?? String(i);
          if (name === "__proto__") {
            Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
          } else {
            row[name] = value;
          }
        }
        rows.push(row);
        break;
      }
      case 0x43: {
        // C: CommandComplete
        const [tag] = cstring(body, end);
        const parts = tag.split(" ");
        const command = parts[0] ?? "";
        if (COUNTED_COMMANDS.has(command)) {
          segment.affectedRows += Number.parseInt(parts.at(-1) ?? "0", 10) || 0;
        }
        segment.results.push({ rows, command });
        rows = [];
        columns = [];
        break;
      }
      case 0x74: {
        // t: ParameterDescription
        const count = bytes.readInt16BE(body);
        segment.paramTypes = Array.from({ length: count }, (_, i) => bytes.readInt32BE(body + 2 + 4 * i));
        break;
      }
      case 0x45: {
        // E: ErrorResponse
        if (!replies.error) {
          replies.error = readError(bytes, body, end, cstring);
        }
        break;
      }
      case 0x5a:
        // Z: ReadyForQuery
        replies.segments.push(segment);
        segment = { results: [], affectedRows: 0 };
        columns = [];
        rows = [];
        break;
      default:
        // ParseComplete, BindComplete, CloseComplete, NoData, EmptyQuery, PortalSuspended, notices,
        // notifications and parameter statuses carry nothing a caller here reads.
        break;
    }
    offset = end;
  }
  if (segment.results.length > 0 || segment.paramTypes) {
    replies.segments.push(segment);
  }
  return replies;
}

function readError(
  bytes: Buffer,
  body: number,
  end: number,
  cstring: (from: number, end: number) => [string, number],
): WireError {
  const fields: Record<string, string> = {};
  let at = body;
  while (at < end && bytes[at] !== 0) {
    const type = String.fromCharCode(bytes[at] as number);
    const [value, next] = cstring(at + 1, end);
    fields[type] = value;
    at = next;
  }
  const error = new WireError(fields.M ?? "the database reported an error without a message");
  for (const [type, value] of Object.entries(fields)) {
    const name = ERROR_FIELD_NAMES[type];
    if (name) {
      (error as unknown as Record<string, string>)[name] = value;
    }
  }
  error.severity ??= fields.S;
  return error;
}

/** One array type: its OID and its element type's. */
export interface ArrayType {
  array: number;
  element: number;
}

/**
 * The engine's value parsers, outside its thread: PGlite's parsers by type (`types.parsers`), with
 * int8 left as text (the application's setting, pglite-host.ts), and one for each array type the
 * engine's catalogue knew when it opened, built as PGlite builds its own from the same catalogue.
 */
export function engineParsers(arrayTypes: readonly ArrayType[]): TypeParsers {
  const parsers: TypeParsers = { ...types.parsers, 20: (value: string) => value };
  for (const { array, element } of arrayTypes) {
    // The element's parser is looked up when a value is read and passed even where there is none
    // (the elements then stay text), as PGlite does.
    parsers[array] = (text: string) => types.arrayParser(text, parsers[element] as types.Parser, array);
  }
  return parsers;
}

/** The catalogue query the engine's array types are read with (the set PGlite reads at start). */
export const ARRAY_TYPES_SQL = `select b.oid::int as element, b.typarray::int as array
  from pg_catalog.pg_type a join pg_catalog.pg_type b on b.oid = a.typelem
  where a.typcategory = 'A' group by b.oid, b.typarray order by b.oid`;
