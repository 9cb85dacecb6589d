import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tokenizeX12 } from "../../src/trade/x12/tokenize.ts";
import { parseX12 } from "../../src/trade/x12/parse.ts";
import { codes, fixture, sample, withCode } from "./fixtures/edi-helpers.ts";

describe("X12 tokenizer", () => {
  it("takes separators from the ISA (element at 4, component ISA16, terminator after it)", () => {
    const { delimiters, segments, diagnostics } = tokenizeX12(sample("x12", "x12-004010-315-apimeister.edi"));
    assert.deepEqual(delimiters, { element: "*", component: ">", segment: "~" });
    assert.deepEqual(
      segments.map((s) => s.tag),
      ["ISA", "GS", "ST", "B4", "N9", "N9", "N9", "Q2", "R4", "R4", "SE", "GE", "IEA"],
    );
    assert.deepEqual(diagnostics, []);
  });

  it("works with other separators and no line breaks", () => {
    const isa =
      "ISA|00|          |00|          |ZZ|A              |ZZ|B              |240101|1200|U|00401|000000001|0|P|^!";
    assert.equal(isa.length, 106);
    const text = `${isa}GS|QO|A|B|20240101|1200|1|X|004010!ST|315|0001!B4|||AE|20240101|1200||CSQU|305438|L||USLAX|UN|3!SE|3|0001!GE|1|1!IEA|1|000000001!`;
    const result = parseX12(text);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.containerEvents[0]?.container, "CSQU3054383");
    assert.equal(result.containerEvents[0]?.containerValid, true);
    assert.equal(result.containerEvents[0]?.eventType, "loaded");
    assert.equal(result.containerEvents[0]?.place, "USLAX");
  });

  it("reports a truncated interchange with positions", () => {
    const text = sample("x12", "x12-004010-315-apimeister.edi");
    const result = parseX12(text.slice(0, text.indexOf("Q2*") + 12));
    assert.ok(codes(result.diagnostics).includes("x12.truncated"));
    assert.ok(codes(result.diagnostics).includes("x12.missing_se"));
    assert.ok(codes(result.diagnostics).includes("x12.missing_iea"));
    const [truncated] = withCode(result.diagnostics, "x12.truncated");
    assert.equal(truncated?.segmentTag, "Q2");
    assert.equal(truncated?.line, 8);
    assert.equal(result.containerEvents.length, 1, "the status is still mapped");
  });

  it("rejects text without an ISA with an error, not an exception", () => {
    const result = parseX12("GS*QO*A*B~");
    assert.deepEqual(codes(result.diagnostics), ["x12.missing_isa"]);
  });
});

describe("X12 315 (real sample)", () => {
  it("keeps GMCU6094137 with a check-digit error on B408 and maps the status", () => {
    const result = parseX12(sample("x12", "x12-004010-315-apimeister.edi"), { file: "315.edi" });
    assert.equal(result.format, "x12-315");
    assert.equal(result.messages, 1);
    const [error] = withCode(result.diagnostics, "container.check_digit");
    assert.deepEqual(
      [error?.severity, error?.segment, error?.segmentTag, error?.element, error?.line],
      ["error", 4, "B4", 8, 4],
    );
    const [event] = result.containerEvents;
    assert.equal(event?.container, "GMCU6094137");
    assert.equal(event?.containerValid, false);
    assert.equal(event?.eventType, "arrived");
    assert.equal(event?.statusCode, "VA");
    assert.equal(event?.time, "2022-09-01T08:07");
    assert.equal(event?.placeName, "LOCKBOURNE");
    assert.equal(event?.fullEmpty, "empty");
    assert.equal(event?.billOfLading, "21001ASK5V9U");
    assert.equal(event?.bookingNumber, "1NAN910141");
    assert.equal(event?.voyage, "202N");
    assert.deepEqual(event?.vessel, { name: "MARIM", otherId: "9330141" });
    assert.equal(event?.portOfLoading, "USMEM");
    assert.equal(event?.finalDestination, "USDAL");
    assert.equal(withCode(result.diagnostics, "vessel.imo_invalid").length, 1);
    assert.equal(withCode(result.diagnostics, "x12.se_count_mismatch").length, 0, "SE 9 matches");
  });
});

describe("X12 310 (real sample)", () => {
  it("maps the freight receipt into one shipment and warns on envelope mismatches", () => {
    const result = parseX12(sample("x12", "x12-004010-310-apimeister.edi"));
    assert.equal(result.format, "x12-310");
    const [shipment] = result.shipments;
    assert.equal(shipment?.billOfLading, "IDENTIFIER123");
    assert.equal(shipment?.bookingNumber, "1XXX011114");
    assert.equal(shipment?.carrierScac, "WHT");
    assert.deepEqual(shipment?.vessel, { imo: "9786774", name: "POLAR ECUADOR", flag: "SG" });
    assert.equal(shipment?.voyage, "234N");
    assert.equal(shipment?.portOfLoading, "CLSVE");
    assert.equal(shipment?.portOfDischarge, "USBAL");
    assert.equal(shipment?.etd, "2022-08-30T00:30:00");
    assert.equal(shipment?.parties.shipper?.name, "MADERAS ARAUCO S.A.");
    assert.equal(shipment?.parties.consignee?.city, "ATLANTA");
    assert.equal(shipment?.parties.notify?.name, "GEODIS USA INC");
    assert.deepEqual(shipment?.containers, [
      { number: "TCNU6849731", isValid: true, equipmentType: "CN", seals: ["MLCL0008628"], sizeType: "45G1" },
    ]);
    const [goods] = shipment?.goods ?? [];
    assert.equal(goods?.packages, 36);
    assert.equal(goods?.grossWeightKg, 17007);
    assert.match(goods?.description ?? "", /MEDIUM DENSITY FIBERBOARD \( MECHANICALLY WORKED/);
    assert.deepEqual(codes(result.diagnostics).sort(), [
      "x12.ge_control_mismatch",
      "x12.iea_control_mismatch",
      "x12.se_control_mismatch",
      "x12.se_count_mismatch",
    ]);
    assert.ok(result.diagnostics.every((d) => d.severity === "warning"));
  });
});

describe("X12 309 (our own fixture)", () => {
  it("maps two bills with VID containers and N10 goods; the bad container is kept with an error", () => {
    const result = parseX12(fixture("x12-004010-309-reciprocity-own.edi"));
    assert.equal(result.format, "x12-309");
    assert.equal(result.shipments.length, 2);
    const [tiles, potash] = result.shipments;
    assert.equal(tiles?.billOfLading, "TYOB12345001");
    assert.equal(tiles?.carrierScac, "ONEY");
    assert.deepEqual(tiles?.vessel, { imo: "9356127", name: "RECIPROCITY STAR", flag: "JP" });
    assert.equal(tiles?.voyage, "042E");
    assert.equal(tiles?.portOfDischarge, "2704");
    assert.equal(tiles?.bookingNumber, "TYO0445123");
    assert.equal(tiles?.parties.notify?.name, "SAME AS CONSIGNEE");
    assert.deepEqual(
      tiles?.containers.map((c) => [c.number, c.isValid, c.sizeType, c.seals[0]]),
      [
        ["CSQU3054383", true, "45G1", "SL4471002"],
        ["MWCU6059784", true, "22G1", "SL4471003"],
      ],
    );
    assert.deepEqual(
      tiles?.goods.map((g) => [g.hsCode, g.packages, g.grossWeightKg, g.containerNumbers[0]]),
      [
        ["690721", 60, 9100, "CSQU3054383"],
        ["690722", 60, 9150, "MWCU6059784"],
      ],
    );
    assert.equal(potash?.containers[0]?.number, "MSCU6639871");
    assert.equal(potash?.containers[0]?.isValid, false);
    const [error] = withCode(result.diagnostics, "container.check_digit");
    assert.deepEqual([error?.segmentTag, error?.element], ["VID", 3]);
    assert.equal(withCode(result.diagnostics, "x12.se_count_mismatch").length, 0);
  });
});
