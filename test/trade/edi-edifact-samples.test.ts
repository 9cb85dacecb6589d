import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { parseEdifact } from "../../src/trade/edifact/parse.ts";
import { codes, sample, tradedata, withCode } from "./fixtures/edi-helpers.ts";

describe("EDIFACT real samples", () => {
  it("parses every sample in tradedata/edifact without throwing and with positioned diagnostics", () => {
    const files = readdirSync(path.join(tradedata, "edifact")).filter((f) => f.endsWith(".edi"));
    assert.equal(files.length, 8);
    for (const file of files) {
      const result = parseEdifact(sample("edifact", file), { file });
      assert.equal(result.messages, 1, file);
      assert.notEqual(result.format, "unknown", file);
      for (const d of result.diagnostics) {
        assert.equal(d.file, file);
        assert.ok(d.segment !== undefined || d.line !== undefined, `${file}: ${d.code} has no position`);
      }
    }
  });

  it("CBP ACE CUSCAR D03B: UNT count 38 matches; one bill with truck equipment, parties and goods", () => {
    const result = parseEdifact(sample("edifact", "cuscar-d03b-cbp-ace-example-edifabric.edi"));
    assert.equal(result.format, "cuscar");
    assert.deepEqual(withCode(result.diagnostics, "edifact.unt_count_mismatch"), []);
    assert.deepEqual(withCode(result.diagnostics, "edifact.une_count_mismatch"), []);
    assert.equal(result.shipments.length, 1);
    const [shipment] = result.shipments;
    assert.equal(shipment?.billOfLading, "LOCKKH041122106");
    assert.equal(shipment?.carrierScac, "LOCK");
    assert.equal(shipment?.function, "original");
    assert.equal(shipment?.parties.consignee?.name, "KATHY SMITH");
    assert.equal(shipment?.parties.consignee?.city, "BELTSVILLE");
    assert.equal(shipment?.parties.shipper?.id, "27190");
    assert.deepEqual(shipment?.goods[0], {
      lineNumber: 1,
      packages: 158,
      packageType: "COL",
      description: "IRON COIL SHEET METAL",
      grossWeightKg: 750,
      containerNumbers: ["10000325"],
    });
    assert.deepEqual(shipment?.containers, [
      { number: "10000325", isValid: false, equipmentType: "BI", seals: ["SEALEQUNO001"] },
    ]);
    assert.deepEqual(shipment?.vessel, {}, "a truck conveyance is not a vessel");
    assert.ok(codes(result.diagnostics).includes("edifact.equipment_not_container"));
  });

  it("LOT10 CUSCAR D95B template: UNT 313 vs 30 is a warning; consignment mapped", () => {
    const result = parseEdifact(sample("edifact", "cuscar-d95b-lot10-template-chrishumphreys.edi"));
    const [mismatch] = withCode(result.diagnostics, "edifact.unt_count_mismatch");
    assert.equal(mismatch?.severity, "warning");
    const [shipment] = result.shipments;
    assert.equal(shipment?.billOfLading, "DOCV373MOB909999");
    assert.equal(shipment?.portOfLoading, "CRMOB");
    assert.equal(shipment?.portOfDischarge, "GBPME");
    assert.equal(shipment?.vessel.name, "TEST SHIP");
    assert.equal(shipment?.voyage, "TRANS1234");
    assert.equal(shipment?.goods[0]?.packages, 2880);
    assert.equal(shipment?.goods[0]?.grossWeightKg, 55814);
    assert.equal(shipment?.parties.shipper?.id, "MOB00996");
  });

  it("SMDG 3.1 BAPLIE: declares 21, has 22 (warning); SUDU1234569 in 0200688; lost cell kept with error", () => {
    const result = parseEdifact(sample("edifact", "baplie-d13b-smdg31-example-edifabric.edi"), { file: "smdg31.edi" });
    const [mismatch] = withCode(result.diagnostics, "edifact.unt_count_mismatch");
    assert.equal(mismatch?.severity, "warning");
    assert.match(mismatch?.message ?? "", /declares 21 .* has 22/);
    assert.equal(result.stowage.length, 2);
    const [first, lost] = result.stowage;
    assert.equal(first?.container, "SUDU1234569");
    assert.equal(first?.containerValid, true);
    assert.equal(first?.cell, "0200688");
    assert.deepEqual([first?.bay, first?.row, first?.tier], ["020", "06", "88"]);
    assert.equal(first?.sizeType, "42U0");
    assert.equal(first?.weightKg, 22600);
    assert.equal(first?.operator, "HSD");
    assert.equal(first?.fullEmpty, "full");
    assert.deepEqual(first?.vessel, { name: "ANINA", imo: "9354351" });
    assert.equal(lost?.container, "SUDU123459");
    assert.equal(lost?.containerValid, false);
    const [invalid] = withCode(result.diagnostics, "container.invalid");
    assert.equal(invalid?.segmentTag, "RFF");
    assert.equal(invalid?.segment, 21);
  });

  it("apimeister BAPLIE D04B placeholders: container kept, every placeholder an error", () => {
    const result = parseEdifact(sample("edifact", "baplie-d04b-placeholder-apimeister.edi"));
    assert.equal(result.stowage.length, 1);
    assert.equal(result.stowage[0]?.container, "CONTAINER");
    assert.equal(result.stowage[0]?.containerValid, false);
    assert.equal(result.stowage[0]?.cell, "0050302");
    assert.equal(result.stowage[0]?.sizeType, "2210");
    const [placeholder] = withCode(result.diagnostics, "container.placeholder");
    assert.deepEqual(
      [placeholder?.severity, placeholder?.segment, placeholder?.segmentTag, placeholder?.element],
      ["error", 18, "EQD", 2],
    );
    assert.equal(withCode(result.diagnostics, "location.placeholder").length, 4);
    assert.equal(withCode(result.diagnostics, "vessel.placeholder").length, 1);
  });

  it("apimeister COPRAR: UNT 56 vs 29 warning; check-digit failures reported and containers kept", () => {
    const result = parseEdifact(sample("edifact", "coprar-d95b-anonymized-apimeister.edi"));
    assert.match(withCode(result.diagnostics, "edifact.unt_count_mismatch")[0]?.message ?? "", /56 .* 29/);
    const failures = withCode(result.diagnostics, "container.check_digit");
    assert.equal(failures.length, 2);
    assert.deepEqual(
      failures.map((d) => [d.segment, d.element]),
      [
        [10, 2],
        [19, 2],
      ],
    );
    assert.equal(result.containerEvents.length, 2);
    const [event] = result.containerEvents;
    assert.equal(event?.container, "MSTI6415664");
    assert.equal(event?.containerValid, false);
    assert.equal(event?.eventType, "loaded");
    assert.equal(event?.isPlanned, true);
    assert.equal(event?.place, "AEJEA");
    assert.equal(event?.portOfDischarge, "INNSA");
    assert.equal(event?.bookingNumber, "2GO2005174");
    assert.deepEqual(event?.vessel, { name: "HELLO WORLD", callSign: "D5EP4" });
    assert.equal(event?.time, "2012-11-25");
  });

  it("apimeister IFTSTA D00B: rail departure event for TRHU4561222 (check digit error), UNZ ref warning", () => {
    const result = parseEdifact(sample("edifact", "iftsta-d00b-apimeister.edi"));
    assert.equal(result.containerEvents.length, 1);
    const [event] = result.containerEvents;
    assert.equal(event?.container, "TRHU4561222");
    assert.equal(event?.eventType, "departed");
    assert.equal(event?.time, "2022-11-19T07:10");
    assert.equal(event?.place, "USSYR");
    assert.equal(event?.portOfLoading, "COCTG");
    assert.equal(event?.portOfDischarge, "USNYC");
    assert.equal(event?.billOfLading, "ABCD224O4023815X");
    assert.deepEqual(event?.vessel, {}, "a rail carrier is not a vessel");
    assert.ok(withCode(result.diagnostics, "container.check_digit").length >= 1);
    assert.equal(withCode(result.diagnostics, "edifact.unz_ref_mismatch").length, 1);
  });

  it("EANCOM IFTSTA: consignment statuses without equipment are reported, not invented", () => {
    const result = parseEdifact(sample("edifact", "iftsta-d96a-ean004-example-edifabric.edi"));
    assert.equal(result.containerEvents.length, 0);
    assert.equal(withCode(result.diagnostics, "iftsta.status_without_equipment").length, 6);
    assert.equal(withCode(result.diagnostics, "edifact.invalid_date").length, 3, "20020148 is not a date");
  });

  it("EANCOM IFTMIN: one instruction shipment with GLN parties", () => {
    const result = parseEdifact(sample("edifact", "iftmin-d96a-ean004-example-edifabric.edi"));
    assert.equal(result.shipments.length, 1);
    const [shipment] = result.shipments;
    assert.equal(shipment?.parties.shipper?.id, "5412345123453");
    assert.equal(shipment?.parties.consignee?.id, "5411234444402");
    assert.equal(shipment?.etd, "2002-03-05T11:00");
    assert.equal(shipment?.goods.length, 1);
    assert.ok(codes(result.diagnostics).includes("shipment.no_bill_of_lading"));
  });
});
