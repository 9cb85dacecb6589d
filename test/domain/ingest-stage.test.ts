import assert from "node:assert/strict";
import { before, it } from "node:test";
import { sql } from "kysely";
import type { Actor } from "../../src/domain/actor.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { withAgency } from "../../src/db/database.ts";
import { PendingChunk, takePart } from "../../src/domain/ingest/parts.ts";
import { analyseFile, ingestFile } from "../../src/domain/ingest/pipeline.ts";
import { emptyReport } from "../../src/domain/ingest/report.ts";
import { storeShipments } from "../../src/domain/ingest/store.ts";
import { serviceActor } from "../../src/domain/service-accounts.ts";
import { shipmentSearchText } from "../../src/domain/shipment-text.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR } from "../helpers/world.ts";

// Shipments reach their tables through COPY into the staging table and one INSERT … SELECT per
// table: what lands must be exactly what the file said, derived columns included.

const HEADER = "bill_of_lading,message_ref,port_of_loading,port_of_discharge,shipper_name,consignee_name,container_number,size_type,hs_code,description";
const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 3_600_000));

/** A CSV field quoted as RFC 4180 wants it. */
const quoted = (text: string): string => `"${text.replace(/"/g, '""')}"`;

describeOnEngines("staged ingest", (database) => seedTestWorld(database.db, 5), (ctx) => {
  let actor: Actor;
  before(async () => {
    actor = await serviceActor(ctx().database.db, "USCBP", "feed.stage-test");
  });

  it("keeps backslashes, tabs, line breaks and quotes in values exactly, and derives the search text", async () => {
    const description = 'ROLLED "STEEL" C:\\COILS\tGRADE\\N 2\r\nSECOND LINE \\\\ END';
    const shipper = "MÜLLER\\EXPORT GMBH";
    const text = `${HEADER}\nSTG0001,M-1,USLAX,JPTYO,${quoted(shipper)},ASAHI KK,CSQU3054383,22G1,720839,${quoted(description)}\nSTG0001,M-1,USLAX,JPTYO,${quoted(shipper)},ASAHI KK,MWCU6059784,45G1,310420,POTASH\n`;
    const report = await ingestFile(ctx().database.db, clock, actor, { fileName: "escapes.csv", text });
    assert.equal(report.inserted, 1, JSON.stringify(report.errors));
    const row = await sql<{ id: string; shipper_name: string; search_text: string; descriptions: string[]; containers: string[]; hs_codes: string[] }>`
      select s.id, s.shipper_name, s.search_text,
             array(select g.description from shipment_goods g where g.shipment_id = s.id order by g.line_no) as descriptions,
             array(select c.container_no from shipment_container c where c.shipment_id = s.id order by c.container_no) as containers,
             (select l.hs_codes from shipment_listing l where l.shipment_id = s.id and l.is_own) as hs_codes
      from shipment s where s.bill_of_lading = 'STG0001'`.execute(ctx().database.db);
    const shipment = row.rows[0];
    assert.ok(shipment);
    assert.equal(shipment.shipper_name, shipper);
    assert.deepEqual(shipment.descriptions, [description, "POTASH"]);
    assert.deepEqual(shipment.containers, ["CSQU3054383", "MWCU6059784"]);
    assert.deepEqual(shipment.hs_codes, ["720839", "310420"], "the work list carries the goods, refreshed once after they landed");
    const expected = shipmentSearchText({
      billOfLading: "STG0001",
      shipperName: shipper,
      consigneeName: "ASAHI KK",
      containerNos: ["CSQU3054383", "MWCU6059784"],
      goods: [
        { hsCode: "720839", description },
        { hsCode: "310420", description: "POTASH" },
      ],
    });
    assert.equal(shipment.search_text, expected);
  });

  it("writes an amendment as the next version with its diff, replacing goods and containers, and leaves nothing staged", async () => {
    const db = ctx().database.db;
    const first = `${HEADER}\nSTG0002,A-1,USLAX,JPTYO,PACIFIC FARMS,ASAHI KK,CSQU3054383,22G1,080212,ALMONDS\n`;
    const second = `${HEADER}\nSTG0002,A-2,USLAX,JPYOK,PACIFIC FARMS,ASAHI KK,MWCU6059784,45G1,310420,POTASH\nSTG0002,A-2,USLAX,JPYOK,PACIFIC FARMS,ASAHI KK,MWCU6059784,45G1,690721,TILES\n`;
    await ingestFile(db, clock, actor, { fileName: "a1.csv", text: first });
    const report = await ingestFile(db, clock, actor, { fileName: "a2.csv", text: second });
    assert.equal(report.replaced, 1);
    const again = await ingestFile(db, clock, actor, { fileName: "a2.csv", text: second });
    assert.equal(again.duplicates, 1, "the same message again changes nothing");
    const row = await sql<{ version: number; port_of_discharge: string; last_message_ref: string; search_text: string; goods: string[]; containers: string[]; diff: { field: string }[]; listed: number }>`
      select s.version, s.port_of_discharge, s.last_message_ref, s.search_text,
             array(select g.hs_code from shipment_goods g where g.shipment_id = s.id order by g.line_no) as goods,
             array(select c.container_no from shipment_container c where c.shipment_id = s.id) as containers,
             (select v.diff from shipment_version v where v.shipment_id = s.id and v.version = 2) as diff,
             (select l.container_count from shipment_listing l where l.shipment_id = s.id and l.is_own) as listed
      from shipment s where s.bill_of_lading = 'STG0002'`.execute(db);
    const shipment = row.rows[0];
    assert.ok(shipment);
    assert.equal(shipment.version, 2);
    assert.equal(shipment.port_of_discharge, "JPYOK");
    assert.equal(shipment.last_message_ref, "A-2");
    assert.deepEqual(shipment.goods, ["310420", "690721"]);
    assert.deepEqual(shipment.containers, ["MWCU6059784"]);
    assert.equal(shipment.listed, 1);
    assert.match(shipment.search_text, /mwcu6059784 310420 potash 690721 tiles$/);
    assert.deepEqual(shipment.diff.map((d) => d.field).sort(), ["containers", "goods", "portOfDischarge"]);
    const staged = await sql<{ n: number }>`select count(*)::int as n from ingest_stage`.execute(db);
    assert.equal(staged.rows[0]?.n, 0);
  });

  it("writes the final rows under row-level security: a chunk staged for another agency is refused", async () => {
    const db = ctx().database.db;
    const other = await serviceActor(db, "JPCUS", "feed.stage-test-jp");
    const analysis = analyseFile({ fileName: "jp.csv", text: `${HEADER}\nSTG0003,J-1,USLAX,JPTYO,PACIFIC FARMS,ASAHI KK,CSQU3054383,22G1,080212,ALMONDS\n` });
    const chunk = new PendingChunk();
    for (const part of analysis.parts) {
      takePart(emptyReport("jp.csv", analysis.format), chunk, part);
    }
    assert.equal(chunk.accepted.length, 1);
    const batch = await db.insertInto("ingest_batch").values({ agency_id: other.agencyId, file_name: "jp.csv", format: "csv", content_sha256: "0".repeat(64), size_bytes: 0, received_at: clock.now() }).returning("id").executeTakeFirstOrThrow();
    // The transaction acts for U.S. CBP while the rows say Japan Customs owns them.
    await assert.rejects(
      withAgency(db, actor.agencyId, (tx) => storeShipments(tx, { agencyId: other.agencyId, batchId: batch.id, now: clock.now() }, chunk.accepted)),
      /row-level security/,
    );
    const stored = await sql<{ n: number }>`select count(*)::int as n from shipment where bill_of_lading = 'STG0003'`.execute(db);
    assert.equal(stored.rows[0]?.n, 0);
  });
});
