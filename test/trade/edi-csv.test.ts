import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCsvMapping } from "../../src/trade/csv/layout.ts";
import { parseManifestCsv } from "../../src/trade/csv/manifest-csv.ts";
import { parseCsv } from "../../src/trade/csv/rfc4180.ts";
import { codes, fixture, withCode } from "./fixtures/edi-helpers.ts";

describe("RFC 4180 reader", () => {
  it("handles quotes, embedded commas, quotes and line breaks, CRLF and a BOM", () => {
    const { records, diagnostics } = parseCsv('\uFEFFa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n\r\nlast,,\r\n');
    assert.deepEqual(records, [
      { fields: ["a", "b", "c"], line: 1 },
      { fields: ["x, y", 'say "hi"', "two\r\nlines"], line: 2 },
      { fields: ["last", "", ""], line: 5 },
    ]);
    assert.deepEqual(diagnostics, []);
  });

  it("reports an unterminated quote and stray quotes without throwing", () => {
    const { records, diagnostics } = parseCsv('a,b\nab"c,"open\n');
    assert.equal(records.length, 2);
    assert.deepEqual(codes(diagnostics), ["csv.stray_quote", "csv.unterminated_quote"]);
    assert.equal(diagnostics[1]?.line, 2);
  });
});

describe("CSV manifest, default layout", () => {
  it("groups rows by bill of lading and validates every field", () => {
    const result = parseManifestCsv(fixture("manifest-default-layout.csv"), { file: "m.csv" });
    assert.equal(result.format, "csv");
    assert.equal(result.shipments.length, 2);
    const [tiles, potash] = result.shipments;
    assert.equal(tiles?.billOfLading, "LAXB12345001");
    assert.equal(tiles?.messageRef, "MSG-0001");
    assert.equal(tiles?.parties.shipper?.name, "PACIFIC TILE EXPORTS, INC.");
    assert.deepEqual(tiles?.vessel, { imo: "9356127", name: "RECIPROCITY STAR" });
    assert.equal(tiles?.etd, "2024-06-15T06:00");
    assert.deepEqual(
      tiles?.containers.map((c) => c.number),
      ["CSQU3054383", "MWCU6059784"],
    );
    assert.deepEqual(
      tiles?.goods.map((g) => [g.hsCode, g.containerNumbers[0]]),
      [
        ["690721", "CSQU3054383"],
        ["690722", "MWCU6059784"],
      ],
    );
    assert.equal(tiles?.goods[0]?.description, "CERAMIC FLOOR TILES, GLAZED\n60 CRATES");
    assert.equal(tiles?.goods[1]?.description, 'WALL TILES "PREMIUM"');
    assert.equal(potash?.containers[0]?.isValid, false);
    assert.equal(potash?.goods[0]?.grossWeightKg, undefined);
  });

  it("reports bad rows with row number and column", () => {
    const result = parseManifestCsv(fixture("manifest-default-layout.csv"));
    const [digit] = withCode(result.diagnostics, "container.check_digit");
    assert.deepEqual([digit?.row, digit?.column, digit?.line], [3, "container_number", 5]);
    const [number] = withCode(result.diagnostics, "csv.invalid_number");
    assert.deepEqual([number?.row, number?.column], [3, "gross_weight_kg"]);
    const [missing] = withCode(result.diagnostics, "csv.missing_value");
    assert.deepEqual([missing?.severity, missing?.row, missing?.column], ["error", 4, "bill_of_lading"]);
  });

  it("errors on a missing bill_of_lading column", () => {
    const result = parseManifestCsv("container_number\nCSQU3054383\n");
    assert.ok(codes(result.diagnostics).includes("csv.missing_column"));
    assert.ok(codes(result.diagnostics).includes("csv.missing_value"));
    assert.equal(result.shipments.length, 0);
  });
});

describe("CSV manifest, mapping file", () => {
  it("reads another system's layout through a JSON mapping", () => {
    const { layout, diagnostics } = parseCsvMapping(fixture("manifest-other-layout.mapping.json"));
    assert.deepEqual(diagnostics, []);
    assert.equal(layout.delimiter, ";");
    const result = parseManifestCsv(fixture("manifest-other-layout.csv"), { layout });
    const [shipment] = result.shipments;
    assert.equal(shipment?.billOfLading, "MSKU7351770-BL");
    assert.equal(shipment?.portOfDischarge, "JPYOK");
    assert.deepEqual(shipment?.containers[0], {
      number: "MSKU7351770",
      isValid: true,
      equipmentType: "CN",
      seals: ["ML-1"],
      sizeType: "45G1",
    });
    assert.equal(shipment?.goods[0]?.hsCode, "441114");
    assert.deepEqual(codes(result.diagnostics), ["csv.unknown_columns"]);
  });

  it("rejects unknown fields and bad JSON in a mapping", () => {
    assert.deepEqual(codes(parseCsvMapping('{"bl": "BL No"}').diagnostics), ["csv.mapping_unknown_field"]);
    assert.deepEqual(codes(parseCsvMapping("{nope").diagnostics), ["csv.mapping_invalid_json"]);
    assert.deepEqual(codes(parseCsvMapping({ voyage: 7 }).diagnostics), ["csv.mapping_invalid_header"]);
  });
});
