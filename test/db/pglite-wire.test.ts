import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PGlite, protocol } from "@electric-sql/pglite";
import { ARRAY_TYPES_SQL, engineParsers, readReplies, WireError, type ArrayType } from "../../src/db/pglite-wire.ts";

// The embedded engine's replies are read from the bytes it writes (src/db/pglite-wire.ts) instead
// of through PGlite's own reader. PGlite's query() is the oracle here: the same statements, sent
// both ways to a real engine, must give the same rows and the same errors.

const { serialize } = protocol;

describe("reading the embedded engine's replies from its bytes", () => {
  let pglite: PGlite;
  before(async () => {
    pglite = new PGlite({ parsers: { 20: (value: string) => value } });
    await pglite.exec(`
      create table party (id int8 primary key, name text not null, note text, tags text[], seen timestamptz,
                          born date, weight numeric, score float8, ok boolean, doc jsonb, raw bytea);
      insert into party values
        (1, 'Ōsaka Shōji 大阪商事', null, '{a,"b c",NULL}', '2026-12-04 03:00:00.123+00', '1970-01-01', 12.50, 0.1, true,
         '{"k": [1, "two"]}', '\\x00ff10'),
        (9007199254740993, 'tab	and ''quote'' and "dq" and \\ backslash', '', '{}', '-infinity', null, -0.000001, -1e300, false,
         'null', '\\x');`);
  });
  after(() => pglite.close());

  /** Sends messages to the engine as one and reads its replies. */
  async function exchange(parts: Uint8Array[]) {
    const chunks: Buffer[] = [];
    await pglite.execProtocolRawStream(Buffer.concat(parts), {
      syncToFs: false,
      onRawData: (bytes) => chunks.push(Buffer.from(bytes)),
    });
    return readReplies(Buffer.concat(chunks), pglite.parsers);
  }

  /** A statement through the extended protocol, unnamed, with text parameters. */
  const extended = (text: string, values: (string | null)[] = []) => [
    serialize.parse({ text, types: [] }),
    serialize.bind({ values }),
    serialize.describe({ type: "P" }),
    serialize.execute({}),
    serialize.sync(),
  ];

  it("gives the rows PGlite's own reader gives, value for value and type for type", async () => {
    const text = `select *, name as "__proto__", 1 as dup, 2 as dup from party order by id`;
    const expected = (await pglite.query(text)).rows;
    const replies = await exchange(extended(text));
    assert.equal(replies.error, undefined);
    const rows = replies.segments[0]?.results.at(-1)?.rows;
    assert.equal(rows?.length, 2);
    assert.deepEqual(rows, expected);
    // A column named __proto__ is an own property, not the row's prototype.
    assert.equal(Object.getPrototypeOf(rows?.[0]), Object.prototype);
    assert.equal(Object.hasOwn(rows?.[0] ?? {}, "__proto__"), true);
    assert.equal(rows?.[1]?.id, "9007199254740993", "int8 stays a string, as the application's parsers say");
  });

  it("keeps each simple query and each Sync apart, with its own rows and counts", async () => {
    const replies = await exchange([
      serialize.query("begin; insert into party (id, name) values (2, 'x'), (3, 'y'); select 1 as one"),
      ...extended("update party set note = $1 where id >= $2", ["n", "2"]),
      ...extended("select name from party where id = $1", ["3"]),
      serialize.query("rollback"),
    ]);
    assert.equal(replies.error, undefined);
    assert.equal(replies.segments.length, 4);
    assert.deepEqual(replies.segments[0]?.results.at(-1)?.rows, [{ one: 1 }]);
    assert.equal(replies.segments[0]?.affectedRows, 2);
    assert.equal(replies.segments[1]?.affectedRows, 3);
    assert.deepEqual(replies.segments[2]?.results.at(-1)?.rows, [{ name: "y" }]);
    assert.equal(replies.segments[3]?.results.at(-1)?.command, "ROLLBACK");
    assert.deepEqual((await pglite.query("select count(*)::int as n from party")).rows, [{ n: 2 }]);
  });

  it("reports the first error with PostgreSQL's fields, as PGlite's reader does, and the engine goes on", async () => {
    const failing = "insert into party (id, name) values (1, 'again')";
    const oracle = await pglite.query(failing).then(
      () => assert.fail("the oracle should fail"),
      (err: unknown) => err as Record<string, unknown>,
    );
    const replies = await exchange([
      serialize.query("begin"),
      ...extended(failing),
      ...extended("select 1"),
      serialize.query("commit"),
    ]);
    assert.ok(replies.error instanceof WireError);
    for (const field of ["message", "code", "constraint", "table", "schema", "severity", "detail"] as const) {
      assert.equal(replies.error[field], oracle[field], field);
    }
    assert.equal(replies.error.code, "23505");
    // The Sync after the failed statement, the one after the skipped one, and COMMIT (a ROLLBACK).
    assert.equal(replies.segments.length, 4);
    assert.equal(replies.segments[3]?.results.at(-1)?.command, "ROLLBACK");
    assert.equal(pglite.isInTransaction(), false);
    assert.deepEqual((await pglite.query("select count(*)::int as n from party")).rows, [{ n: 2 }]);
  });

  it("describes a statement's parameters", async () => {
    const replies = await exchange([
      serialize.parse({ name: "described", text: "select $1::int8 + $2::int4 as n, $3::text as t", types: [] }),
      serialize.describe({ type: "S", name: "described" }),
      serialize.sync(),
      serialize.close({ type: "S", name: "described" }),
      serialize.sync(),
    ]);
    assert.equal(replies.error, undefined);
    assert.deepEqual(replies.segments[0]?.paramTypes, [20, 23, 25]);
  });

  it("reads rows on another thread as the engine's own parsers do, from the array types its catalogue lists", async () => {
    // Every type the application reads, and arrays of them (int8, numeric, date, jsonb, uuid, bool).
    const text = `select *, array[id, id + 1] as ids, array[weight] as weights, array[born, null] as days,
      array[doc] as docs, array['7412d3bb-f411-4b19-83b9-e780f3136f75'::uuid] as uuids, array[ok] as oks,
      array[seen] as seens from party order by id`;
    const arrayTypes = (await pglite.query<ArrayType>(ARRAY_TYPES_SQL)).rows;
    assert.ok(arrayTypes.length > 50, "the catalogue lists the array types");
    const parsers = engineParsers(arrayTypes);
    const chunks: Buffer[] = [];
    await pglite.execProtocolRawStream(Buffer.concat(extended(text)), {
      syncToFs: false,
      onRawData: (bytes) => chunks.push(Buffer.from(bytes)),
    });
    const bytes = Buffer.concat(chunks);
    const here = readReplies(bytes, parsers).segments[0]?.results.at(-1)?.rows;
    assert.deepEqual(here, (await pglite.query(text)).rows);
    assert.deepEqual(here?.[1]?.ids, ["9007199254740993", "9007199254740994"], "int8 stays text inside arrays");
    // Checked for errors only, the rows are left for the reader that decodes them.
    const checked = readReplies(bytes, pglite.parsers, { rows: false });
    assert.equal(checked.error, undefined);
    assert.deepEqual(checked.segments[0]?.results.at(-1)?.rows, []);
    assert.equal(checked.segments[0]?.results.at(-1)?.command, "SELECT");
  });

  it("refuses bytes that end inside a message instead of reading past them", async () => {
    const chunks: Buffer[] = [];
    await pglite.execProtocolRawStream(Buffer.concat(extended("select name from party")), {
      syncToFs: false,
      onRawData: (bytes) => chunks.push(Buffer.from(bytes)),
    });
    const whole = Buffer.concat(chunks);
    assert.equal(readReplies(whole, pglite.parsers).segments.length, 1);
    for (const cut of [3, 20, whole.length - 1]) {
      assert.throws(() => readReplies(whole.subarray(0, cut), pglite.parsers), /ends inside a message/);
    }
  });
});
