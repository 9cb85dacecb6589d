import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseMessageText } from "../../src/trade/detect.ts";
import { tokenizeEdifact } from "../../src/trade/edifact/tokenize.ts";
import { writeCuscar } from "../../src/trade/edifact/write-cuscar.ts";
import type { CuscarWriteOptions } from "../../src/trade/edifact/write-cuscar.ts";
import { makeContainerNumber } from "../../src/trade/iso6346.ts";
import type { ManifestShipment } from "../../src/trade/records.ts";
import { codes, fixture, withCode } from "./fixtures/edi-helpers.ts";

const OPTIONS: CuscarWriteOptions = {
  sender: "ONEY",
  recipient: "JPCUS",
  interchangeRef: "IC000042",
  preparedAt: new Date("2024-06-14T10:30:00Z"),
};
const BOX_A = makeContainerNumber("ONEU", 123456);
const BOX_B = makeContainerNumber("TCLU", 7);

function shipment(overrides: Partial<ManifestShipment> = {}): ManifestShipment {
  return {
    source: { format: "cuscar" },
    messageRef: "x",
    function: "original",
    billOfLading: "ONEYLAX00001",
    bookingNumber: "BK-77",
    carrierScac: "ONEY",
    vessel: { imo: "9356127", name: "RECIPROCITY STAR" },
    voyage: "042W",
    portOfLoading: "USLAX",
    portOfDischarge: "JPTYO",
    finalDestination: "JPUKB",
    placeOfReceipt: "USONT",
    etd: "2024-06-15T06:00",
    parties: {
      shipper: {
        name: "PACIFIC TILE EXPORTS, INC. O'NEILL + SONS: WEST COAST DIVISION",
        id: "US123",
        idAgency: "ZZZ",
        address: ["100 HARBOR BLVD", "SUITE 5?"],
        city: "LONG BEACH",
        region: "CA",
        postalCode: "90802",
        country: "US",
      },
      consignee: { name: "KERAMIK TRADING KK", address: ["1-2-3 SHIBA"], country: "JP" },
      notify: { name: "SAME AS CONSIGNEE", address: [] },
    },
    goods: [
      {
        lineNumber: 1,
        hsCode: "690721",
        description: "CERAMIC FLOOR TILES: GLAZED 60+ CRATES 'PREMIUM'",
        marks: "PTE/TYO 1-60",
        packages: 60,
        packageType: "CR",
        grossWeightKg: 27350.5,
        containerNumbers: [BOX_A],
      },
      {
        lineNumber: 2,
        hsCode: "3926909990",
        description: "PLASTIC ARTICLES",
        packages: 3,
        containerNumbers: [BOX_A, BOX_B],
      },
    ],
    containers: [
      {
        number: BOX_A,
        isValid: true,
        equipmentType: "CN",
        sizeType: "45G1",
        seals: ["SL4471002", "CU:991"],
        fullEmpty: "full",
        grossWeightKg: 31200,
      },
      { number: BOX_B, isValid: true, equipmentType: "CN", sizeType: "22G1", seals: [], fullEmpty: "empty" },
    ],
    ...overrides,
  };
}

/** The fields a CUSCAR carries: everything but provenance. */
function comparable(shipments: readonly ManifestShipment[]): unknown[] {
  return shipments.map(({ source: _source, messageRef: _ref, ...rest }) => rest);
}

describe("writeCuscar", () => {
  it("round-trips shipments through parseMessageText with no error diagnostics", () => {
    const input = [
      shipment(),
      shipment({ billOfLading: "ONEYLAX00002", function: "original", portOfDischarge: "JPNGO", etd: "2024-06-15" }),
    ];
    const result = parseMessageText(writeCuscar(input, OPTIONS));
    assert.equal(result.format, "cuscar");
    assert.deepEqual(
      result.diagnostics.filter((d) => d.severity === "error"),
      [],
    );
    assert.deepEqual(comparable(result.shipments), comparable(input));
    assert.equal(result.shipments[0]?.source.interchangeRef, "IC000042");
  });

  it("escapes the service characters with the release character", () => {
    const text = writeCuscar([shipment()], OPTIONS);
    assert.match(text, /^UNA:\+\.\? '\nUNB\+UNOC:3\+ONEY\+JPCUS\+240614:1030\+IC000042'\n/);
    assert.ok(text.includes("FTX+AAA+++CERAMIC FLOOR TILES?: GLAZED 60?+ CRATES ?'PREMIUM?''"));
    assert.ok(text.includes("SEL+CU?:991'"));
    assert.ok(text.includes("SUITE 5??"));
    assert.ok(text.includes("NAD+CZ+US123::ZZZ+"), "party id with agency");
    assert.ok(text.includes("TDT+20+042W+1++ONEY:172:182+++9356127:146:11:RECIPROCITY STAR'"));
    assert.ok(text.includes(`EQD+CN+${BOX_A}+45G1:102:5+++5'`));
    assert.ok(text.includes("MEA+AAE+G+KGM:27350.5'"));
  });

  it("wraps long party names into 35-character C080 components that read back joined", () => {
    const text = writeCuscar([shipment()], OPTIONS);
    const nad = tokenizeEdifact(text).segments.find((s) => s.tag === "NAD");
    const nameParts = nad?.elements[3] ?? [];
    assert.ok(nameParts.length > 1);
    assert.ok(nameParts.every((part) => part.length <= 35));
  });

  it("writes BGM function 9 / 5 / 1 and starts a new message when header data changes", () => {
    const input = [
      shipment(),
      shipment({ function: "replace" }),
      shipment({ function: "cancel" }),
      shipment({ function: "cancel", voyage: "043E" }),
    ];
    const text = writeCuscar(input, OPTIONS);
    const bgm = tokenizeEdifact(text)
      .segments.filter((s) => s.tag === "BGM")
      .map((s) => s.elements[2]?.[0]);
    assert.deepEqual(bgm, ["9", "5", "1", "1"]);
    const result = parseMessageText(text);
    assert.equal(result.messages, 4);
    assert.deepEqual(
      result.shipments.map((s) => [s.function, s.voyage]),
      [
        ["original", "042W"],
        ["replace", "042W"],
        ["cancel", "042W"],
        ["cancel", "043E"],
      ],
    );
  });

  it("splits by shipmentsPerMessage with correct UNT and UNZ counts and prefixed references", () => {
    const input = [1, 2, 3, 4, 5].map((n) => shipment({ billOfLading: `BL${n}` }));
    const text = writeCuscar(input, { ...OPTIONS, messageRefPrefix: "CAR", shipmentsPerMessage: 2 });
    const { segments } = tokenizeEdifact(text);
    const unh = segments.filter((s) => s.tag === "UNH");
    assert.deepEqual(
      unh.map((s) => s.elements[0]?.[0]),
      ["CAR0001", "CAR0002", "CAR0003"],
    );
    for (const header of unh) {
      const trailer = segments.find((s) => s.tag === "UNT" && s.index > header.index);
      assert.equal(Number(trailer?.elements[0]?.[0]), (trailer?.index ?? 0) - header.index + 1);
    }
    assert.deepEqual(segments.at(-1)?.elements, [["3"], ["IC000042"]]);
    const result = parseMessageText(text);
    assert.deepEqual(
      codes(result.diagnostics).filter((c) => c.includes("count")),
      [],
    );
    assert.deepEqual(
      result.shipments.map((s) => s.billOfLading),
      ["BL1", "BL2", "BL3", "BL4", "BL5"],
    );
  });

  it("states places and ETD shared by every consignment once, in the header", () => {
    const input = [shipment(), shipment({ billOfLading: "B2", portOfDischarge: "JPNGO" })];
    const { segments } = tokenizeEdifact(writeCuscar(input, OPTIONS));
    const firstCni = segments.findIndex((s) => s.tag === "CNI");
    const header = segments
      .slice(0, firstCni)
      .filter((s) => s.tag === "LOC" || s.tag === "DTM")
      .map((s) => s.elements[0]?.[0]);
    assert.deepEqual(header, ["137", "9", "7", "88", "133"]);
    const discharge = segments
      .filter((s) => s.tag === "LOC" && s.elements[0]?.[0] === "11")
      .map((s) => s.elements[1]?.[0]);
    assert.deepEqual(discharge, ["JPTYO", "JPNGO"]);
  });

  it("carries the CSV fixture manifest into CUSCAR (line breaks in text become spaces)", () => {
    const csv = parseMessageText(fixture("manifest-default-layout.csv"));
    const result = parseMessageText(writeCuscar(csv.shipments, OPTIONS));
    const expected = comparable(csv.shipments) as Array<ManifestShipment>;
    for (const s of expected) {
      for (const g of s.goods) {
        g.description = g.description?.replace(/\n/g, " ");
      }
    }
    assert.deepEqual(comparable(result.shipments), expected);
    assert.deepEqual(
      codes(withCode(result.diagnostics, "container.check_digit")),
      codes(withCode(csv.diagnostics, "container.check_digit")),
    );
  });

  it("writes a call sign (103) or another id when there is no IMO number", () => {
    const input = [
      shipment({ vessel: { callSign: "9V2345", name: "SEA?STAR" } }),
      shipment({ voyage: "1", vessel: { name: "NO ID" } }),
    ];
    const result = parseMessageText(writeCuscar(input, OPTIONS));
    assert.deepEqual(
      result.shipments.map((s) => s.vessel),
      [{ callSign: "9V2345", name: "SEA?STAR" }, { name: "NO ID" }],
    );
  });

  it("rejects text UNOC cannot carry and a bad shipmentsPerMessage", () => {
    const kanji = shipment({ parties: { shipper: { name: "東京", address: [] } } });
    assert.throws(() => writeCuscar([kanji], OPTIONS), RangeError);
    assert.throws(() => writeCuscar([shipment()], { ...OPTIONS, shipmentsPerMessage: 0 }), RangeError);
    assert.doesNotThrow(() =>
      writeCuscar([shipment({ parties: { shipper: { name: "MÜLLER & SÖHNE", address: [] } } })], OPTIONS),
    );
  });
});
