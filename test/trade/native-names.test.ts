import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { parseManifestCsv } from "../../src/trade/csv/manifest-csv.ts";
import { writeManifestCsv } from "../../src/trade/csv/write-manifest-csv.ts";
import { parseMessageText } from "../../src/trade/detect.ts";
import { writeCuscar } from "../../src/trade/edifact/write-cuscar.ts";
import { makeContainerNumber } from "../../src/trade/iso6346.ts";
import type { ManifestShipment } from "../../src/trade/records.ts";
import { hasJapaneseScript, splitNameScripts } from "../../src/trade/text.ts";

const TRADEDATA = "/work/shared/tradedata";
const real = (...parts: string[]): string =>
  readFileSync(path.join(TRADEDATA, ...parts), "utf8").replace(/^\uFEFF/, "");

describe("parties' names in their own script", () => {
  it("tells Japanese script from Latin, and splits name parts by script", () => {
    assert.equal(hasJapaneseScript("株式会社ヤマト"), true);
    assert.equal(hasJapaneseScript("ｶﾌﾞｼｷｶﾞｲｼｬ"), true, "half-width katakana");
    assert.equal(hasJapaneseScript("ひらがな"), true);
    assert.equal(hasJapaneseScript("MÜLLER EXPORT GMBH"), false);
    assert.equal(hasJapaneseScript("ー・"), false, "marks common to both kana are not a name on their own");
    assert.deepEqual(splitNameScripts(["YAMATO SHOJI", "CO., LTD.", "ヤマト商事株式会社"]), {
      name: "YAMATO SHOJI CO., LTD.",
      nativeName: "ヤマト商事株式会社",
    });
    assert.deepEqual(
      splitNameScripts(["株式会社", "ヤマト"]),
      { name: "株式会社ヤマト" },
      "a name only in Japanese stays the name",
    );
    assert.deepEqual(splitNameScripts([" ", undefined, ""]), {});
  });

  it("reads the native name from the NAD name components of a UNOW CUSCAR (the real LOT10 template, its consignee given in both scripts)", () => {
    const template = real("edifact", "cuscar-d95b-lot10-template-chrishumphreys.edi");
    const consignee = "NAD+CN+MOB00995+ANOTHER PERSON, A COMPANY, SOMEWHERE'";
    assert.ok(template.includes(consignee), "the template's consignee line");
    const text = template
      .replace("UNB+UNOB:2+", "UNB+UNOW:4+")
      .replace(
        consignee,
        "NAD+CN+MOB00995++KITAGAWA SHOJI CO.?, LTD.:北川商事株式会社+2-1 MARUNOUCHI+TOKYO++100-0005+JP'",
      )
      .replace(
        "NAD+CZ+MOB00996+ANOTHER DIFFERENT PERSON, ANOTHER COMPANY, SOMEWHERE ELSE'",
        "NAD+CZ+MOB00996++ｻｸﾗ ﾄﾚｰﾃﾞｨﾝｸﾞ'",
      );
    const result = parseMessageText(text, { file: "lot10-unow.edi" });
    const [shipment] = result.shipments;
    assert.equal(shipment?.billOfLading, "DOCV373MOB909999");
    assert.deepEqual(shipment?.parties.consignee, {
      address: ["2-1 MARUNOUCHI"],
      name: "KITAGAWA SHOJI CO., LTD.",
      nativeName: "北川商事株式会社",
      id: "MOB00995",
      city: "TOKYO",
      postalCode: "100-0005",
      country: "JP",
    });
    // A shipper named only in (half-width) katakana keeps it as its name: nothing is invented.
    assert.equal(shipment?.parties.shipper?.name, "ｻｸﾗ ﾄﾚｰﾃﾞｨﾝｸﾞ");
    assert.equal(shipment?.parties.shipper?.nativeName, undefined);
  });

  it("writes a native name into the NAD under UNOW and reads it back; without one the interchange stays UNOC", () => {
    const base: ManifestShipment = {
      source: { format: "cuscar" },
      messageRef: "x",
      function: "original",
      billOfLading: "ONEYLAX00001",
      carrierScac: "ONEY",
      vessel: { imo: "9356127", name: "RECIPROCITY STAR" },
      voyage: "042W",
      portOfLoading: "USLAX",
      portOfDischarge: "JPTYO",
      etd: "2024-06-15T06:00",
      parties: {
        shipper: { name: "PACIFIC FARMS LLC", address: ["1 HARBOR BLVD"], country: "US" },
        consignee: {
          name: "YAMATO SHOJI CO., LTD. TOKYO BRANCH OFFICE IMPORT DEPARTMENT",
          nativeName: "ヤマト商事株式会社 東京支店",
          address: ["2-1 MARUNOUCHI"],
          country: "JP",
        },
        notify: { name: "ASAHI K.K.", nativeName: "朝日株式会社", address: [], country: "JP" },
      },
      goods: [
        {
          lineNumber: 1,
          hsCode: "080212",
          description: "ALMONDS",
          packages: 10,
          packageType: "CT",
          containerNumbers: [makeContainerNumber("ONEU", 123456)],
        },
      ],
      containers: [
        {
          number: makeContainerNumber("ONEU", 123456),
          isValid: true,
          equipmentType: "CN",
          sizeType: "22G1",
          seals: ["S1"],
          fullEmpty: "full",
        },
      ],
    };
    const options = {
      sender: "ONEY",
      recipient: "JPCUS",
      interchangeRef: "IC1",
      preparedAt: new Date("2024-06-14T10:30:00Z"),
    };
    const text = writeCuscar([base], options);
    assert.match(text, /^UNA.*\nUNB\+UNOW:4\+/);
    assert.match(
      text,
      /\nNAD\+CN\+\+\+YAMATO SHOJI CO\., LTD\. TOKYO BRANCH:OFFICE IMPORT DEPARTMENT:ヤマト商事株式会社 東京支店\+2-1 MARUNOUCHI\+/,
    );
    const [back] = parseMessageText(text).shipments;
    assert.equal(back?.parties.consignee?.name, base.parties.consignee?.name);
    assert.equal(back?.parties.consignee?.nativeName, "ヤマト商事株式会社 東京支店");
    assert.equal(back?.parties.notify?.nativeName, "朝日株式会社");
    assert.equal(back?.parties.shipper?.nativeName, undefined);
    const latinOnly = writeCuscar(
      [
        {
          ...base,
          parties: { shipper: base.parties.shipper, consignee: { name: "YAMATO SHOJI", address: [], country: "JP" } },
        },
      ],
      options,
    );
    assert.match(latinOnly, /\nUNB\+UNOC:3\+/);
    // Japanese anywhere else is still refused: only a native name may leave ISO 8859-1.
    assert.throws(
      () => writeCuscar([{ ...base, goods: [{ description: "アーモンド", containerNumbers: [] }] }], options),
      RangeError,
    );
  });

  it("reads `*_name_native` CSV columns, and writes them only for files that have native names", () => {
    const csv = [
      "bill_of_lading,port_of_loading,port_of_discharge,shipper_name,consignee_name,consignee_name_native,notify_name,notify_name_native,container_number",
      'CSV001,USLAX,JPTYO,PACIFIC FARMS,"HOSHINO TRADING K.K.",星野トレーディング株式会社,,ホシノ,MSKU1234565',
      "CSV002,USLAX,JPTYO,PACIFIC FARMS,,森本物産株式会社,,,MSKU1234565",
      "CSV003,USLAX,JPTYO,PACIFIC FARMS,ASAHI KK,ASAHI KK,,,MSKU1234565",
    ].join("\n");
    const result = parseManifestCsv(csv, { file: "native.csv" });
    const [a, b, c] = result.shipments;
    assert.deepEqual(a?.parties.consignee, {
      address: [],
      name: "HOSHINO TRADING K.K.",
      nativeName: "星野トレーディング株式会社",
    });
    assert.deepEqual(a?.parties.notify, { address: [], name: "ホシノ" }, "a native name alone stands as the name");
    assert.deepEqual(b?.parties.consignee, { address: [], name: "森本物産株式会社" });
    assert.deepEqual(c?.parties.consignee, { address: [], name: "ASAHI KK" }, "the same text twice is kept once");
    assert.ok(!result.diagnostics.some((d) => d.code === "csv.unknown_columns"), "the native columns are known");
    const written = writeManifestCsv(result.shipments);
    assert.match(written.split("\r\n")[0] ?? "", /,shipper_name_native,consignee_name_native,notify_name_native$/);
    assert.equal(parseManifestCsv(written).shipments[0]?.parties.consignee?.nativeName, "星野トレーディング株式会社");
    const plain = writeManifestCsv([c]);
    assert.doesNotMatch(plain, /_native/);
  });

  it("reads an X12 N2 line in Japanese script as the native name (the real 310, its consignee given both ways)", () => {
    const text = real("x12", "x12-004010-310-apimeister.edi").replace(
      "N1*CN*ARAUCO NORTH AMERICA INC*25*100992847~",
      "N1*CN*ARAUCO NORTH AMERICA INC*25*100992847~N2*アラウコ株式会社~",
    );
    const [shipment] = parseMessageText(text).shipments;
    assert.equal(shipment?.parties.consignee?.name, "ARAUCO NORTH AMERICA INC");
    assert.equal(shipment?.parties.consignee?.nativeName, "アラウコ株式会社");
    assert.equal(shipment?.parties.shipper?.name, "MADERAS ARAUCO S.A.");
    assert.equal(shipment?.parties.shipper?.nativeName, undefined);
  });
});
