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

const HEADER =
  "bill_of_lading,message_ref,port_of_loading,port_of_discharge,shipper_name,consignee_name,container_number,size_type,hs_code,description";
const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 3_600_000));

/** A CSV field quoted as RFC 4180 wants it. */
const quoted = (text: string): string => `"${text.replace(/"/g, '""')}"`;

describeOnEngines(
  "staged ingest",
  (database) => seedTestWorld(database.db, 5),
  (ctx) => {
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
      const row = await sql<{
        id: string;
        shipper_name: string;
        search_text: string;
        descriptions: string[];
        containers: string[];
        hs_codes: string[];
      }>`
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
      assert.deepEqual(
        shipment.hs_codes,
        ["720839", "310420"],
        "the work list carries the goods, refreshed once after they landed",
      );
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
      const row = await sql<{
        version: number;
        port_of_discharge: string;
        last_message_ref: string;
        search_text: string;
        goods: string[];
        containers: string[];
        diff: { field: string }[];
        listed: number;
      }>`
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

    it("writes the work list's rows as the listing's own refresh would: shared rows, container counts, goods codes, amendments", async () => {
      const db = ctx().database.db;
      type Row = {
        agency_id: string;
        shipment_id: string;
        is_own: boolean;
        via_agreements: string[];
        bill_of_lading: string;
        port_of_discharge: string;
        container_count: number;
        hs_codes: string[];
        score_key: string;
      };
      const bills = ["STG0101", "STG0102", "STG0103"];
      const listed = async (): Promise<Row[]> =>
        (
          await sql<Row>`
          select l.agency_id, l.shipment_id, l.is_own, l.via_agreements, l.bill_of_lading, l.port_of_discharge, l.container_count, l.hs_codes, l.score_key::text
          from shipment_listing l join shipment s on s.id = l.shipment_id
          where s.bill_of_lading = any(${bills}::text[])
          order by l.bill_of_lading, l.agency_id`.execute(db)
        ).rows;
      // What the listing's refresh (migrations/0014) computes from the stored tables, for comparison.
      const refreshed = async (): Promise<Row[]> => {
        await sql`select shipment_listing_refresh(array(select id from shipment where bill_of_lading = any(${bills}::text[])))`.execute(
          db,
        );
        return listed();
      };
      // The container CSQU3054383 is listed twice on STG0101; STG0103 goes to Hamburg, outside the agreement.
      const first = [
        HEADER,
        "STG0101,L-1,USLAX,JPTYO,PACIFIC FARMS,ASAHI KK,CSQU3054383,22G1,080212,ALMONDS",
        "STG0101,L-1,USLAX,JPTYO,PACIFIC FARMS,ASAHI KK,CSQU3054383,22G1,200819,PISTACHIOS",
        "STG0101,L-1,USLAX,JPTYO,PACIFIC FARMS,ASAHI KK,MWCU6059784,45G1,310420,POTASH",
        "STG0102,L-1,USLAX,JPYOK,GULF CHEMICALS,NIPPON TRADING,TGHU1234567,45G1,290220,SOLVENTS",
        "STG0103,L-1,USLAX,DEHAM,PACIFIC FARMS,HANSA GMBH,CSQU3054383,22G1,080212,ALMONDS",
      ].join("\n");
      const report = await ingestFile(db, clock, actor, { fileName: "listing.csv", text: `${first}\n` });
      assert.equal(report.inserted, 3, JSON.stringify(report.errors));
      const written = await listed();
      assert.ok(
        written.some((r) => !r.is_own),
        "a shipment bound for Japan is listed for Japan Customs too",
      );
      assert.equal(
        written.filter((r) => r.bill_of_lading === "STG0103").length,
        1,
        "a shipment outside every agreement is listed for its owner only",
      );
      assert.deepEqual(written.find((r) => r.bill_of_lading === "STG0101" && r.is_own)?.hs_codes, [
        "080212",
        "200819",
        "310420",
      ]);
      assert.equal(
        written.find((r) => r.bill_of_lading === "STG0101" && r.is_own)?.container_count,
        2,
        "a container listed twice counts once",
      );
      assert.deepEqual(written, await refreshed());
      // An amendment moves STG0102 to Hamburg: its shared row goes, its counts follow the new goods.
      const second = [
        HEADER,
        "STG0102,L-2,USLAX,DEHAM,GULF CHEMICALS,NIPPON TRADING,TGHU1234567,45G1,290220,SOLVENTS",
        "STG0102,L-2,USLAX,DEHAM,GULF CHEMICALS,NIPPON TRADING,CSQU3054383,22G1,284440,ISOTOPES",
      ].join("\n");
      const amended = await ingestFile(db, clock, actor, { fileName: "listing-2.csv", text: `${second}\n` });
      assert.equal(amended.replaced, 1, JSON.stringify(amended.errors));
      const after = await listed();
      assert.deepEqual(
        after.filter((r) => r.bill_of_lading === "STG0102").map((r) => [r.is_own, r.container_count, r.hs_codes]),
        [[true, 2, ["290220", "284440"]]],
      );
      assert.deepEqual(after, await refreshed());
    });

    it("writes the final rows under row-level security: a chunk staged for another agency is refused", async () => {
      const db = ctx().database.db;
      const other = await serviceActor(db, "JPCUS", "feed.stage-test-jp");
      const analysis = analyseFile({
        fileName: "jp.csv",
        text: `${HEADER}\nSTG0003,J-1,USLAX,JPTYO,PACIFIC FARMS,ASAHI KK,CSQU3054383,22G1,080212,ALMONDS\n`,
      });
      const chunk = new PendingChunk();
      for (const part of analysis.parts) {
        takePart(emptyReport("jp.csv", analysis.format), chunk, part);
      }
      assert.equal(chunk.accepted.length, 1);
      const batch = await db
        .insertInto("ingest_batch")
        .values({
          agency_id: other.agencyId,
          file_name: "jp.csv",
          format: "csv",
          content_sha256: "0".repeat(64),
          size_bytes: 0,
          received_at: clock.now(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      // The transaction acts for U.S. CBP while the rows say Japan Customs owns them.
      await assert.rejects(
        withAgency(db, actor.agencyId, (tx) =>
          storeShipments(tx, { agencyId: other.agencyId, batchId: batch.id, now: clock.now() }, chunk.accepted),
        ),
        /row-level security/,
      );
      const stored = await sql<{
        n: number;
      }>`select count(*)::int as n from shipment where bill_of_lading = 'STG0003'`.execute(db);
      assert.equal(stored.rows[0]?.n, 0);
    });
  },
);
