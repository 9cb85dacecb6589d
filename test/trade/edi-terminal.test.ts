import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseMessageText } from "../../src/trade/detect.ts";
import { parseEdifact } from "../../src/trade/edifact/parse.ts";
import { fixture, withCode } from "./fixtures/edi-helpers.ts";

describe("CODECO (our fixture)", () => {
  it("turns BGM+34 equipment groups into gate-in events at LOC+165 with DTM+7", () => {
    const result = parseEdifact(fixture("codeco-d95b-gate-in-own.edi"));
    assert.equal(result.format, "codeco");
    assert.deepEqual(
      result.containerEvents.map((e) => [e.container, e.containerValid, e.eventType, e.time, e.place, e.fullEmpty]),
      [
        ["CSQU3054383", true, "gate-in", "2024-06-12T08:04", "USLGB", "full"],
        ["GMCU6094137", false, "gate-in", "2024-06-12T08:11", "USLGB", "empty"],
      ],
    );
    assert.equal(result.containerEvents[0]?.placeName, "PIER T");
    assert.equal(result.containerEvents[0]?.bookingNumber, "LGB0445123");
    assert.deepEqual(result.containerEvents[0]?.vessel, { name: "RECIPROCITY STAR", imo: "9356127" });
    const [bad] = withCode(result.diagnostics, "container.check_digit");
    assert.deepEqual([bad?.segment, bad?.line, bad?.element], [13, 14, 2]);
    assert.equal(withCode(result.diagnostics, "edifact.unt_count_mismatch").length, 0);
  });

  it("types an unknown CODECO document code as other, with a warning", () => {
    const result = parseEdifact("UNH+1+CODECO:D:95B:UN'BGM+99'EQD+CN+CSQU3054383'UNT+4+1'");
    assert.equal(result.containerEvents[0]?.eventType, "other");
    assert.equal(withCode(result.diagnostics, "codeco.unknown_report_type").length, 1);
  });
});

describe("COARRI (our fixture)", () => {
  it("turns a loading report into loaded events with cells and execution times", () => {
    const result = parseEdifact(fixture("coarri-d95b-loading-own.edi"));
    assert.equal(result.format, "coarri");
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      result.containerEvents.map((e) => [e.container, e.eventType, e.time, e.cell, e.portOfDischarge, e.billOfLading]),
      [
        ["CSQU3054383", "loaded", "2024-06-14T19:32", "0220482", "JPTYO", "LAXB12345001"],
        ["MWCU6059784", "loaded", "2024-06-14T19:47", "0210284", "JPUKB", "LAXB12345001"],
      ],
    );
  });

  it("falls back to the EQD movement status when the report type is unknown", () => {
    const result = parseEdifact("UNH+1+COARRI:D:95B:UN'BGM+119'EQD+CN+CSQU3054383+45G1++3+5'UNT+4+1'");
    assert.equal(result.containerEvents[0]?.eventType, "discharged");
  });
});

describe("size/type codes", () => {
  it("keeps a code outside ISO 6346 as sent, with a warning, in every format that carries one", () => {
    const edifact = parseEdifact("UNH+1+COARRI:D:95B:UN'BGM+270'EQD+CN+CSQU3054383+40HC:102:5++2+5'UNT+4+1'");
    assert.equal(edifact.containerEvents[0]?.sizeType, "40HC");
    assert.match(withCode(edifact.diagnostics, "container.size_type_unknown")[0]?.message ?? "", /40HC.*kept as sent/);
    const csv = parseMessageText(
      "bill_of_lading,port_of_loading,port_of_discharge,container_number,size_type\nB1,USLAX,JPTYO,CSQU3054383,ZZ99\n",
      { format: "csv" },
    );
    assert.equal(csv.shipments[0]?.containers[0]?.sizeType, "ZZ99");
    assert.equal(withCode(csv.diagnostics, "container.size_type_unknown").length, 1);
  });

  it("reads no size/type from the list qualifiers of an empty code (the real COARRI's `:102:5`)", () => {
    const result = parseEdifact("UNH+1+COARRI:D:95B:UN'BGM+270'EQD+CN+CSQU3054383+:102:5++2+5'UNT+4+1'");
    assert.equal(result.containerEvents[0]?.sizeType, undefined);
    assert.equal(withCode(result.diagnostics, "container.size_type_unknown").length, 0);
  });
});

describe("BAPLIE cells for the request clock", () => {
  it("carries the port of departure and the plan's time, the interchange's when DTM+137 gives the day only", () => {
    const result = parseEdifact(
      "UNB+UNOA:2+TERM+LINE+250223:0255+1'UNH+1+BAPLIE:D:95B:UN:SMDG22'BGM++1+9'DTM+137:250223:101'TDT+20+092025+++DMO:172:166+++3EGY4:103:ZZZ:DEL MONTE ROSE'LOC+5+CRMOB:139:6'LOC+147+0100406::5'EQD+CN+OTPU6302502+45R1++2+5'UNT+9+1'UNZ+1+1'",
    );
    assert.deepEqual(
      result.stowage.map((s) => [
        s.container,
        s.cell,
        s.placeOfDeparture,
        s.reportedAt,
        s.voyage,
        s.vessel.callSign,
        s.sizeType,
      ]),
      [["OTPU6302502", "0100406", "CRMOB", "2025-02-23T02:55", "092025", "3EGY4", "45R1"]],
    );
  });
});
