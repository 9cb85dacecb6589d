import assert from "node:assert/strict";
import { before, it } from "node:test";
import { sql } from "kysely";
import type { Actor } from "../../src/domain/actor.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { dryRunIngest, dryRunStream, ingestStream } from "../../src/domain/ingest/pipeline.ts";
import { syntheticShipments } from "../../src/domain/ingest/synthetic.ts";
import { serviceActor } from "../../src/domain/service-accounts.ts";
import { writeManifestCsv } from "../../src/trade/csv/write-manifest-csv.ts";
import { writeCuscar } from "../../src/trade/edifact/write-cuscar.ts";
import type { ManifestShipment } from "../../src/trade/records.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR } from "../helpers/world.ts";

const COUNT = 3000;
const BAD = 1500;

/** The synthetic series with one container number broken (wrong check digit) in the middle. */
function shipmentsWithOneBad(prefix: string): { records: ManifestShipment[]; badBill: string } {
  const records = [...syntheticShipments(COUNT, { seed: 11, prefix })];
  const bad = records[BAD] as ManifestShipment;
  const box = bad.containers[0] as ManifestShipment["containers"][number];
  const broken = `${box.number.slice(0, 10)}${(Number(box.number.slice(10)) + 1) % 10}`;
  bad.containers[0] = { ...box, number: broken };
  bad.goods = bad.goods.map((g) => ({
    ...g,
    containerNumbers: g.containerNumbers.map((n) => (n === box.number ? broken : n)),
  }));
  return { records, badBill: bad.billOfLading as string };
}

/** Bytes in pieces of `size`, so segments, rows and UTF-8 characters straddle chunk borders. */
function* pieces(text: string, size: number): Generator<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  for (let i = 0; i < bytes.length; i += size) {
    yield bytes.subarray(i, i + size);
  }
}

const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 3_600_000));

describeOnEngines(
  "streaming ingest",
  (database) => seedTestWorld(database.db, 20),
  (ctx) => {
    let actor: Actor;
    const edi = shipmentsWithOneBad("STR");
    const ediText = writeCuscar(edi.records, {
      sender: "ONEY",
      recipient: "USCBP",
      interchangeRef: "4711",
      preparedAt: TEST_ANCHOR,
      shipmentsPerMessage: 50,
    });
    const count = async (prefix: string): Promise<number> => {
      const row = await sql<{
        n: string;
      }>`select count(*) as n from shipment where bill_of_lading like ${`${prefix}%`}`.execute(ctx().database.db);
      return Number(row.rows[0]?.n);
    };

    before(async () => {
      actor = await serviceActor(ctx().database.db, "USCBP", "feed.stream-test");
    });

    it("stores every good shipment of an EDIFACT stream read in small chunks and quarantines the bad one", async () => {
      const report = await ingestStream(ctx().database.db, clock, actor, {
        fileName: "stream.edi",
        chunks: pieces(ediText, 997),
        format: "cuscar",
      });
      assert.equal(report.format, "cuscar");
      assert.equal(report.messages, COUNT / 50);
      assert.equal(report.inserted, COUNT - 1);
      assert.equal(report.shipments, COUNT - 1);
      assert.equal(report.quarantined, 1);
      assert.ok(
        report.errors.some((e) => e.code === "ingest.bad_container"),
        JSON.stringify(report.errors),
      );
      assert.equal(await count("STR"), COUNT - 1);
      const held = await sql<{
        raw_text: string;
        location: string;
      }>`select raw_text, location from quarantine_record where raw_text like ${`%${edi.badBill}%`}`.execute(
        ctx().database.db,
      );
      assert.equal(held.rows.length, 1);
      assert.match(held.rows[0]?.raw_text ?? "", /^UNH\+/);
      assert.match(held.rows[0]?.raw_text ?? "", /UNT\+\d+\+M\d{4}'\n$/);
      const batch = await sql<{
        size_bytes: string;
        status: string;
      }>`select size_bytes, status from ingest_batch where id = ${report.batchId}`.execute(ctx().database.db);
      assert.equal(Number(batch.rows[0]?.size_bytes), Buffer.byteLength(ediText));
      assert.equal(batch.rows[0]?.status, "completed");
    });

    it("changes nothing when the same stream arrives again", async () => {
      const again = await ingestStream(ctx().database.db, clock, actor, {
        fileName: "stream.edi",
        chunks: pieces(ediText, 4096),
      });
      assert.equal(again.inserted, 0);
      assert.equal(again.duplicates, COUNT - 1);
      assert.equal(again.quarantined, 1);
      assert.equal(await count("STR"), COUNT - 1);
      const held = await sql<{
        n: string;
      }>`select count(*) as n from quarantine_record where raw_text like ${`%${edi.badBill}%`}`.execute(
        ctx().database.db,
      );
      assert.equal(Number(held.rows[0]?.n), 1, "the record already waiting in quarantine is not queued twice");
    });

    it("reports the same as the whole-text path", async () => {
      const streamed = await dryRunStream({ fileName: "stream.edi", chunks: pieces(ediText, 512) });
      const whole = dryRunIngest({ fileName: "stream.edi", text: ediText });
      for (const key of [
        "format",
        "messages",
        "shipments",
        "containers",
        "quarantined",
        "errorCount",
        "warningCount",
      ] as const) {
        assert.equal(streamed[key], whole[key], key);
      }
    });

    it("streams CSV bill by bill and keeps the bad bill's rows for the quarantine", async () => {
      const csv = shipmentsWithOneBad("CSV");
      const text = writeManifestCsv(csv.records);
      const report = await ingestStream(ctx().database.db, clock, actor, {
        fileName: "stream.csv",
        chunks: pieces(text, 333),
      });
      assert.equal(report.format, "csv");
      assert.equal(report.inserted, COUNT - 1);
      assert.equal(report.quarantined, 1);
      assert.equal(await count("CSV"), COUNT - 1);
      const held = await sql<{
        raw_text: string;
      }>`select raw_text from quarantine_record where raw_text like ${`%${csv.badBill}%`}`.execute(ctx().database.db);
      const lines = (held.rows[0]?.raw_text ?? "").trim().split("\n");
      assert.match(lines[0] ?? "", /^bill_of_lading,/);
      assert.equal(lines.length, 1 + (csv.records[BAD]?.goods.length ?? 0), "the header and every row of the bill");
      const goods = await sql<{
        n: string;
      }>`select count(*) as n from shipment_goods g join shipment s on s.id = g.shipment_id where s.bill_of_lading like 'CSV%'`.execute(
        ctx().database.db,
      );
      assert.equal(
        Number(goods.rows[0]?.n),
        csv.records.filter((_, i) => i !== BAD).reduce((n, r) => n + r.goods.length, 0),
      );
    });
  },
);
