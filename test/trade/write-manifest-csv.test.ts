import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseManifestCsv } from "../../src/trade/csv/manifest-csv.ts";
import { parseCsv } from "../../src/trade/csv/rfc4180.ts";
import { quoteCsv, writeManifestCsv } from "../../src/trade/csv/write-manifest-csv.ts";
import { parseMessageText } from "../../src/trade/detect.ts";
import { makeContainerNumber } from "../../src/trade/iso6346.ts";
import type { ManifestShipment } from "../../src/trade/records.ts";
import { fixture } from "./fixtures/edi-helpers.ts";

const BOX_A = makeContainerNumber("MSCU", 100);
const BOX_B = makeContainerNumber("MSCU", 200);
const BOX_C = makeContainerNumber("MSCU", 300);

function comparable(shipments: readonly ManifestShipment[]): unknown[] {
  return shipments.map(({ source: _source, ...rest }) => rest);
}

function shipment(overrides: Partial<ManifestShipment> = {}): ManifestShipment {
  return {
    source: { format: "csv" },
    messageRef: "MSG-7",
    function: "replace",
    billOfLading: "MEDU1234567",
    bookingNumber: "BK1",
    carrierScac: "MSCU",
    vessel: { imo: "9356127", name: "MSC ANNA" },
    voyage: "FL123",
    portOfLoading: "CNSHA",
    portOfDischarge: "NLRTM",
    etd: "2024-07-01T23:30:15",
    parties: {
      shipper: { name: 'SHANGHAI "BEST", LTD.', address: ["NO. 1 PUDONG RD", "FLOOR 2"], country: "CN" },
      consignee: { name: "ROTTERDAM IMPORTS BV", address: [] },
    },
    goods: [
      {
        lineNumber: 1,
        hsCode: "847130",
        description: "LAPTOPS,\nBOXED",
        packages: 120,
        packageType: "CT",
        grossWeightKg: 1500.25,
        containerNumbers: [BOX_C],
      },
      { lineNumber: 2, description: "CABLES", containerNumbers: [BOX_A] },
    ],
    containers: [
      { number: BOX_A, isValid: true, equipmentType: "CN", sizeType: "22G1", seals: ["S1", "S2"], fullEmpty: "full" },
      { number: BOX_B, isValid: true, equipmentType: "CN", seals: [], fullEmpty: "empty" },
      { number: BOX_C, isValid: true, equipmentType: "CN", sizeType: "45R1", seals: ["S3"] },
    ],
    ...overrides,
  };
}

describe("writeManifestCsv", () => {
  it("round-trips the default-layout fixture through parseManifestCsv", () => {
    const original = parseManifestCsv(fixture("manifest-default-layout.csv"));
    const result = parseManifestCsv(writeManifestCsv(original.shipments));
    assert.deepEqual(comparable(result.shipments), comparable(original.shipments));
  });

  it("keeps goods order and container order, with containers not carrying goods as rows of their own", () => {
    const input = [shipment(), shipment({ billOfLading: "EMPTY1", goods: [], containers: [] })];
    const text = writeManifestCsv(input);
    const result = parseMessageText(text);
    assert.equal(result.format, "csv");
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(comparable(result.shipments), comparable(input));
    assert.equal(parseCsv(text).records.length, 1 + 4 + 1, "header, A, B, C+goods1, A+goods2, empty shipment");
  });

  it("quotes per RFC 4180 and ends rows with CRLF", () => {
    assert.equal(quoteCsv("plain"), "plain");
    assert.equal(quoteCsv('say "hi", then\nleave'), '"say ""hi"", then\nleave"');
    const text = writeManifestCsv([shipment()]);
    assert.ok(text.startsWith("bill_of_lading,message_ref,function,"));
    assert.ok(text.includes('"SHANGHAI ""BEST"", LTD."'));
    assert.ok(text.includes("NO. 1 PUDONG RD|FLOOR 2"));
    assert.ok(text.endsWith("\r\n"));
  });
});
