import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { afterEach, before, it } from "node:test";
import { sql } from "kysely";
import type { Actor } from "../../src/domain/actor.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { parseThreadSettings } from "../../src/domain/ingest/parse-thread.ts";
import { dryRunStream, ingestFile, ingestStream } from "../../src/domain/ingest/pipeline.ts";
import { syntheticShipments } from "../../src/domain/ingest/synthetic.ts";
import { serviceActor } from "../../src/domain/service-accounts.ts";
import { writeManifestCsv } from "../../src/trade/csv/write-manifest-csv.ts";
import { writeCuscar } from "../../src/trade/edifact/write-cuscar.ts";
import type { ManifestShipment } from "../../src/trade/records.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR } from "../helpers/world.ts";

const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 3_600_000));
const defaults = { ...parseThreadSettings };

/** Parsing on the thread for any file (true) or in place for any file (false). */
function parseOnThread(isOn: boolean): void {
  parseThreadSettings.minBytes = isOn ? 1 : Number.MAX_SAFE_INTEGER;
}

function* pieces(text: string, size: number): Generator<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  for (let i = 0; i < bytes.length; i += size) {
    yield bytes.subarray(i, i + size);
  }
}

/** The synthetic series with the container number of every `every`-th shipment broken (wrong check digit). */
function withBadBoxes(count: number, prefix: string, every: number): { records: ManifestShipment[]; bad: string[] } {
  const records = [...syntheticShipments(count, { seed: 5, prefix })];
  const bad: string[] = [];
  for (let i = every - 1; i < records.length; i += every) {
    const record = records[i] as ManifestShipment;
    const box = record.containers[0] as ManifestShipment["containers"][number];
    const broken = `${box.number.slice(0, 10)}${(Number(box.number.slice(10)) + 1) % 10}`;
    record.containers[0] = { ...box, number: broken };
    record.goods = record.goods.map((g) => ({
      ...g,
      containerNumbers: g.containerNumbers.map((n) => (n === box.number ? broken : n)),
    }));
    bad.push(record.billOfLading as string);
  }
  return { records, bad };
}

function cuscarOf(records: readonly ManifestShipment[], ref: string): string {
  return writeCuscar(records, {
    sender: "ONEY",
    recipient: "USCBP",
    interchangeRef: ref,
    preparedAt: TEST_ANCHOR,
    shipmentsPerMessage: 20,
  });
}

afterEach(() => {
  Object.assign(parseThreadSettings, defaults);
  delete parseThreadSettings.fault;
});

// Files that are not well formed: a broken EDIFACT segment structure (an unterminated message, a
// segment with a bad tag), a CSV with rows missing fields and a bill without a number.
const good = cuscarOf([...syntheticShipments(60, { seed: 9, prefix: "MAL" })], "900");
const brokenEdifact = `${good.slice(0, Math.floor(good.length / 2))}\nZZ!+broken'\nUNH+77+CUSCAR:D:95B:UN'\nBGM+85+X'`;
const csvText = writeManifestCsv([...syntheticShipments(40, { seed: 9, prefix: "MALC" })]);
const csvLines = csvText.split("\n");
const brokenCsv = [
  ...csvLines.slice(0, 10),
  "just,three,fields",
  `,${csvLines[11]?.split(",").slice(1).join(",")}`,
  "\u0000binary\u0000",
  ...csvLines.slice(12),
].join("\n");
const notAFormat = `${"{".repeat(3)}"json": true, "rows": [${"1,".repeat(40_000)}1]}`;

for (const [name, text, format] of [
  ["broken.edi", brokenEdifact, undefined],
  ["broken.csv", brokenCsv, "csv"],
  ["unknown.txt", notAFormat, undefined],
] as const) {
  it(`reports the findings of ${name} the same whether parsed on the thread or in place`, async () => {
    parseOnThread(false);
    const inPlace = await dryRunStream({ fileName: name, chunks: pieces(text, 333), format });
    parseOnThread(true);
    const onThread = await dryRunStream({ fileName: name, chunks: pieces(text, 333), format });
    assert.ok(inPlace.errorCount + inPlace.warningCount + inPlace.records.setAside > 0, JSON.stringify(inPlace));
    assert.deepEqual(onThread, inPlace);
  });
}

describeOnEngines(
  "ingest parsed on a thread",
  (database) => seedTestWorld(database.db, 10),
  (ctx) => {
    let actor: Actor;
    const count = async (prefix: string): Promise<number> => {
      const row = await sql<{
        n: string;
      }>`select count(*) as n from shipment where bill_of_lading like ${`${prefix}%`}`.execute(ctx().database.db);
      return Number(row.rows[0]?.n);
    };

    before(async () => {
      actor = await serviceActor(ctx().database.db, "USCBP", "feed.parse-thread-test");
    });

    it("stores a broken EDIFACT file with the same report as when parsed in place", async () => {
      parseOnThread(true);
      const onThread = await ingestStream(ctx().database.db, clock, actor, {
        fileName: "broken.edi",
        chunks: pieces(brokenEdifact, 4096),
      });
      // The same file again lands nothing new; its report counts the same findings.
      parseOnThread(false);
      const inPlace = await dryRunStream({ fileName: "broken.edi", chunks: pieces(brokenEdifact, 4096) });
      assert.deepEqual(onThread.errors, inPlace.errors);
      assert.equal(onThread.messages, inPlace.messages);
      assert.equal(onThread.records.read, inPlace.records.read);
      assert.ok(onThread.errorCount > 0);
      assert.equal(onThread.inserted, onThread.shipments);
      assert.equal(await count("MAL0"), onThread.shipments);
    });

    it("lands the good records of a mixed EDIFACT file and quarantines the bad ones with where and why", async () => {
      parseOnThread(true);
      const { records, bad } = withBadBoxes(900, "MIXE", 97);
      const text = cuscarOf(records, "901");
      const progress: number[] = [];
      const report = await ingestStream(ctx().database.db, clock, actor, {
        fileName: "mixed.edi",
        chunks: pieces(text, 8192),
        chunkSize: 200,
        onProgress: (r) => progress.push(r.inserted),
      });
      // Progress after each stored chunk, and the digest of the bytes as sent.
      assert.ok(progress.length >= 4, JSON.stringify(progress));
      assert.deepEqual(
        progress,
        [...progress].sort((a, b) => a - b),
      );
      assert.equal(progress.at(-1), report.inserted);
      const batch = await ctx()
        .database.db.selectFrom("ingest_batch")
        .select(["content_sha256", "size_bytes"])
        .where("id", "=", report.batchId as string)
        .executeTakeFirstOrThrow();
      assert.equal(batch.content_sha256, createHash("sha256").update(text).digest("hex"));
      assert.equal(Number(batch.size_bytes), Buffer.byteLength(text));
      assert.equal(report.inserted, 900 - bad.length);
      assert.equal(report.quarantined, bad.length);
      assert.equal(await count("MIXE"), 900 - bad.length);
      const held = await sql<{ location: string; reasons: { code: string }[]; raw_text: string }>`
        select location, reasons, raw_text from quarantine_record where batch_id = ${report.batchId}
        order by location`.execute(ctx().database.db);
      assert.equal(held.rows.length, bad.length);
      for (const row of held.rows) {
        assert.match(row.location, /^mixed\.edi/);
        assert.ok(
          row.reasons.some((r) => r.code === "ingest.bad_container"),
          JSON.stringify(row.reasons),
        );
        assert.ok(row.raw_text.startsWith("UNH+"), row.raw_text.slice(0, 40));
        assert.ok(
          bad.some((bill) => row.raw_text.includes(bill)),
          "the raw text is the message of a bad bill",
        );
      }
    });

    it("lands the good rows of a mixed CSV file and quarantines the bad ones with their rows", async () => {
      parseOnThread(true);
      const { records, bad } = withBadBoxes(400, "MIXC", 50);
      const report = await ingestStream(ctx().database.db, clock, actor, {
        fileName: "mixed.csv",
        chunks: pieces(writeManifestCsv(records), 5000),
        format: "csv",
      });
      assert.equal(report.inserted, 400 - bad.length);
      assert.equal(report.quarantined, bad.length);
      const held = await sql<{ location: string; raw_text: string }>`
        select location, raw_text from quarantine_record where batch_id = ${report.batchId}`.execute(ctx().database.db);
      assert.equal(held.rows.length, bad.length);
      for (const row of held.rows) {
        assert.match(row.location, /^mixed\.csv message \S+ line \d+$/);
        assert.ok(
          bad.some((bill) => row.raw_text.includes(bill)),
          row.raw_text.slice(0, 80),
        );
      }
    });

    it("stores a large text held in memory (parsed on the thread) like a stream of it", async () => {
      parseOnThread(true);
      const { records, bad } = withBadBoxes(300, "TXT", 100);
      const report = await ingestFile(ctx().database.db, clock, actor, {
        fileName: "held.edi",
        text: cuscarOf(records, "902"),
      });
      assert.equal(report.format, "cuscar");
      assert.equal(report.inserted, 300 - bad.length);
      assert.equal(report.quarantined, bad.length);
      const batch = await ctx()
        .database.db.selectFrom("ingest_batch")
        .select(["status", "content_sha256"])
        .where("id", "=", report.batchId as string)
        .executeTakeFirstOrThrow();
      assert.equal(batch.status, "completed");
      assert.notEqual(batch.content_sha256, "0".repeat(64));
    });

    for (const how of ["exit", "throw"] as const) {
      it(`fails the batch with a clear error when the parser's thread dies (${how}) mid-file, keeping whole chunks only`, async () => {
        const prefix = `DIE${how === "exit" ? "X" : "T"}`;
        const text = cuscarOf([...syntheticShipments(1200, { seed: 6, prefix })], `91${how === "exit" ? 1 : 2}`);
        parseOnThread(true);
        parseThreadSettings.batchRecords = 100;
        parseThreadSettings.fault = { after: 5, how };
        const batchesBefore = await ctx().database.db.selectFrom("ingest_batch").select("id").execute();
        await assert.rejects(
          ingestStream(ctx().database.db, clock, actor, {
            fileName: `dies-${how}.edi`,
            chunks: pieces(text, 16_384),
            chunkSize: 100,
          }),
          (err: Error & { code?: string }) => {
            assert.equal(err.code, "ingest.reader_failed");
            assert.match(err.message, /Reading the file failed/);
            return true;
          },
        );
        const known = new Set(batchesBefore.map((b) => b.id));
        const batches = await ctx()
          .database.db.selectFrom("ingest_batch")
          .select(["id", "status", "shipments", "report"])
          .execute();
        const failed = batches.filter((b) => !known.has(b.id));
        assert.equal(failed.length, 1);
        const batch = failed[0] as (typeof failed)[number];
        assert.equal(batch.status, "failed");
        assert.ok(JSON.stringify(batch.report).includes("ingest.reader_failed"), JSON.stringify(batch.report));
        // Whole transactions of 100 shipments only, and fewer than the file holds.
        const stored = await count(prefix);
        assert.equal(stored % 100, 0);
        assert.ok(stored < 1200, `stored ${stored}`);
        assert.equal(batch.shipments, stored);
        // Sent again, the file completes.
        delete parseThreadSettings.fault;
        const again = await ingestStream(ctx().database.db, clock, actor, {
          fileName: `dies-${how}.edi`,
          chunks: pieces(text, 16_384),
          chunkSize: 100,
        });
        assert.equal(again.inserted, 1200 - stored);
        assert.equal(await count(prefix), 1200);
      });
    }
  },
);
