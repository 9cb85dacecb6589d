import assert from "node:assert/strict";
import { describe, it } from "node:test";
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
