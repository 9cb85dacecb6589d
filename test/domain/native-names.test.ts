import assert from "node:assert/strict";
import { before, it } from "node:test";
import { sql } from "kysely";
import type { Actor } from "../../src/domain/actor.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { ingestFile } from "../../src/domain/ingest/pipeline.ts";
import { serviceActor } from "../../src/domain/service-accounts.ts";
import { shipmentSearchText } from "../../src/domain/shipment-text.ts";
import { getShipment, listShipments } from "../../src/domain/shipments.ts";
import { writeCuscar } from "../../src/trade/index.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { actorOf, seedTestWorld, TEST_ANCHOR } from "../helpers/world.ts";

// A party's name in its own script travels from the manifest to its column, the search text and
// the API, and the list finds the shipment by its kanji, its kana and its romanisation.

const HEADER =
  "bill_of_lading,message_ref,port_of_loading,port_of_discharge,etd,shipper_name,consignee_name,consignee_name_native,notify_name,notify_name_native,container_number,size_type,hs_code,description";
const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 3_600_000));
const ETD = "2026-11-29T10:00";

describeOnEngines(
  "parties' native names",
  (database) => seedTestWorld(database.db, 60),
  (ctx) => {
    let feed: Actor;
    let partner: Actor;
    let stranger: Actor;
    before(async () => {
      const db = ctx().database.db;
      feed = await serviceActor(db, "USCBP", "feed.native-test");
      partner = await actorOf(db, "partner.targeter");
      stranger = await actorOf(db, "kr.targeter");
    });

    it("stores a consignee's and a notify party's native names from CSV and searches by either script", async () => {
      const db = ctx().database.db;
      const text = [
        HEADER,
        `NAT0001,N-1,USLAX,JPTYO,${ETD},PACIFIC FARMS LLC,"KITAGAWA SHOJI CO., LTD.",北川商事株式会社,"KITAGAWA SHOJI CO., LTD.",北川商事株式会社,CSQU3054383,22G1,080212,ALMONDS`,
        // A control character (BEL) in the native name is not text: the record is refused with the field named, nothing stored.
        `NAT0002,N-2,USLAX,JPTYO,${ETD},PACIFIC FARMS LLC,ASAHI K.K.,朝日\u0007株式会社,,,MWCU6059784,45G1,310420,POTASH`,
      ].join("\n");
      const report = await ingestFile(db, clock, feed, { fileName: "native.csv", text });
      assert.equal(report.inserted, 1, JSON.stringify(report.errors));
      assert.deepEqual(
        report.errors.flatMap((e) => e.code),
        ["ingest.control_character"],
      );
      assert.match(report.errors[0]?.message ?? "", /consignee\/nativeName/);
      const row = await sql<{
        consignee_name: string;
        consignee_name_native: string | null;
        notify_name_native: string | null;
        shipper_name_native: string | null;
        search_text: string;
      }>`
      select consignee_name, consignee_name_native, notify_name_native, shipper_name_native, search_text from shipment where bill_of_lading = 'NAT0001'`.execute(
        db,
      );
      const stored = row.rows[0];
      assert.ok(stored);
      assert.equal(stored.consignee_name, "KITAGAWA SHOJI CO., LTD.");
      assert.equal(stored.consignee_name_native, "北川商事株式会社");
      assert.equal(stored.notify_name_native, "北川商事株式会社");
      assert.equal(stored.shipper_name_native, null);
      assert.equal(
        stored.search_text,
        shipmentSearchText({
          billOfLading: "NAT0001",
          shipperName: "PACIFIC FARMS LLC",
          consigneeName: "KITAGAWA SHOJI CO., LTD.",
          consigneeNameNative: "北川商事株式会社",
          containerNos: ["CSQU3054383"],
          goods: [{ hsCode: "080212", description: "ALMONDS" }],
        }),
      );
      assert.equal((await sql`select 1 from shipment where bill_of_lading = 'NAT0002'`.execute(db)).rows.length, 0);

      // The partner (Japan Customs, under the agreement) finds it by kanji, katakana (half-width too) and romaji.
      for (const q of ["北川商事", "キタガワ", "ｷﾀｶﾞﾜ", "kitagawa shoji"]) {
        const page = await listShipments(db, partner, { limit: 50, sort: "etd", order: "asc", q });
        const hit = page.items.find((s) => s.billOfLading === "NAT0001");
        assert.ok(hit, `${q} finds NAT0001`);
        assert.equal(hit.consigneeNameNative, "北川商事株式会社");
      }
      // The trigram-index path (a tiny scan window forces it) finds the same.
      const viaIndex = await listShipments(
        db,
        partner,
        { limit: 50, sort: "etd", order: "asc", q: "北川商事" },
        { window: 1, scanLimit: 1 },
      );
      assert.ok(
        viaIndex.items.some((s) => s.billOfLading === "NAT0001"),
        "found through the text index",
      );
      // An agency without an agreement finds nothing, in either script.
      for (const q of ["北川商事", "kitagawa shoji"]) {
        const page = await listShipments(db, stranger, { limit: 50, sort: "etd", order: "asc", q });
        assert.deepEqual(page.items, []);
      }
      const id = (
        await db.selectFrom("shipment").select("id").where("bill_of_lading", "=", "NAT0001").executeTakeFirstOrThrow()
      ).id;
      const detail = await getShipment(db, partner, id);
      assert.equal(detail.consigneeNameNative, "北川商事株式会社");
      assert.equal(detail.notifyNameNative, "北川商事株式会社");
      assert.equal(detail.shipperNameNative, null);
    });

    it("an amendment without the native name clears it from the row and the search, and its diff says so", async () => {
      const db = ctx().database.db;
      const text = [
        HEADER,
        `NAT0001,N-3,USLAX,JPTYO,${ETD},PACIFIC FARMS LLC,"KITAGAWA SHOJI CO., LTD.",,,,CSQU3054383,22G1,080212,ALMONDS`,
      ].join("\n");
      const report = await ingestFile(db, clock, feed, { fileName: "native-2.csv", text });
      assert.equal(report.replaced, 1, JSON.stringify(report.errors));
      const row = await sql<{
        version: number;
        consignee_name_native: string | null;
        notify_name_native: string | null;
        search_text: string;
        diff: { field: string }[];
      }>`
      select s.version, s.consignee_name_native, s.notify_name_native, s.search_text,
             (select v.diff from shipment_version v where v.shipment_id = s.id and v.version = 2) as diff
      from shipment s where s.bill_of_lading = 'NAT0001'`.execute(db);
      const stored = row.rows[0];
      assert.ok(stored);
      assert.equal(stored.version, 2);
      assert.equal(stored.consignee_name_native, null);
      assert.equal(stored.notify_name_native, null);
      assert.doesNotMatch(stored.search_text, /北川/);
      assert.deepEqual(stored.diff.map((d) => d.field).sort(), ["consignee", "notifyName", "notifyNameNative"]);
      const page = await listShipments(db, partner, { limit: 50, sort: "etd", order: "asc", q: "北川商事" });
      assert.ok(!page.items.some((s) => s.billOfLading === "NAT0001"));
    });

    it("stores the native name a UNOW CUSCAR carries in its NAD", async () => {
      const db = ctx().database.db;
      const text = writeCuscar(
        [
          {
            source: { format: "cuscar" },
            messageRef: "x",
            function: "original",
            billOfLading: "NAT0003",
            carrierScac: "ONEY",
            vessel: { imo: "9356127", name: "RECIPROCITY STAR" },
            voyage: "042W",
            portOfLoading: "USLAX",
            portOfDischarge: "JPUKB",
            etd: ETD,
            parties: {
              shipper: { name: "SIERRA FOODS INC", address: [], country: "US" },
              consignee: {
                name: "YAMATO BUSSAN CO., LTD.",
                nativeName: "ヤマト物産株式会社",
                address: ["1-1 MINATOJIMA"],
                country: "JP",
              },
            },
            goods: [{ lineNumber: 1, hsCode: "080212", description: "ALMONDS", containerNumbers: ["TGHU1643396"] }],
            containers: [
              {
                number: "TGHU1643396",
                isValid: true,
                equipmentType: "CN",
                sizeType: "45G1",
                seals: [],
                fullEmpty: "full",
              },
            ],
          },
        ],
        { sender: "ONEY", recipient: "USCBP", interchangeRef: "NAT3", preparedAt: TEST_ANCHOR },
      );
      assert.match(text, /UNB\+UNOW:4/);
      const report = await ingestFile(db, clock, feed, { fileName: "native.edi", text });
      assert.equal(report.inserted, 1, JSON.stringify(report.errors));
      const page = await listShipments(db, partner, { limit: 50, sort: "etd", order: "asc", q: "ヤマト物産" });
      assert.deepEqual(
        page.items.map((s) => [s.billOfLading, s.consigneeName, s.consigneeNameNative]),
        [["NAT0003", "YAMATO BUSSAN CO., LTD.", "ヤマト物産株式会社"]],
      );
    });
  },
);
