import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { detectFormat, parseMessageText } from "../../src/trade/detect.ts";
import { codes, fixture, sample } from "./fixtures/edi-helpers.ts";

describe("detectFormat", () => {
  it("recognises every real sample from its first bytes", () => {
    const expected: Array<[string, "edifact" | "x12", string]> = [
      ["baplie-d04b-placeholder-apimeister.edi", "edifact", "baplie"],
      ["baplie-d13b-smdg31-example-edifabric.edi", "edifact", "baplie"],
      ["coprar-d95b-anonymized-apimeister.edi", "edifact", "coprar"],
      ["cuscar-d03b-cbp-ace-example-edifabric.edi", "edifact", "cuscar"],
      ["cuscar-d95b-lot10-template-chrishumphreys.edi", "edifact", "cuscar"],
      ["iftmin-d96a-ean004-example-edifabric.edi", "edifact", "iftmin"],
      ["iftsta-d00b-apimeister.edi", "edifact", "iftsta"],
      ["iftsta-d96a-ean004-example-edifabric.edi", "edifact", "iftsta"],
      ["x12-004010-315-apimeister.edi", "x12", "x12-315"],
      ["x12-004010-310-apimeister.edi", "x12", "x12-310"],
    ];
    for (const [file, folder, format] of expected) {
      assert.equal(detectFormat(sample(folder, file).slice(0, 512)), format, file);
    }
  });

  it("recognises our fixtures, UNA, lowercase, JSON, CSV and junk", () => {
    assert.equal(detectFormat(fixture("x12-004010-309-reciprocity-own.edi")), "x12-309");
    assert.equal(detectFormat(fixture("codeco-d95b-gate-in-own.edi")), "codeco");
    assert.equal(detectFormat(fixture("coarri-d95b-loading-own.edi")), "coarri");
    assert.equal(detectFormat("UNA|*,\\ ~UNH*1*BAPLIE|D|95B|UN~"), "baplie");
    assert.equal(detectFormat("unh+1+cuscar:d:95b:un'"), "cuscar");
    assert.equal(detectFormat("UNH+1+PAXLST:D:05B:UN'"), "unknown");
    assert.equal(detectFormat(' [{"a":1}]'), "json");
    assert.equal(detectFormat(fixture("manifest-default-layout.csv")), "csv");
    assert.equal(detectFormat("hello"), "unknown");
  });
});

describe("parseMessageText", () => {
  it("parses any supported text into records with message counts", () => {
    const baplie = parseMessageText(sample("edifact", "baplie-d13b-smdg31-example-edifabric.edi"), { file: "b.edi" });
    assert.deepEqual([baplie.format, baplie.messages, baplie.stowage.length], ["baplie", 1, 2]);
    const x315 = parseMessageText(sample("x12", "x12-004010-315-apimeister.edi"));
    assert.deepEqual([x315.format, x315.messages, x315.containerEvents.length], ["x12-315", 1, 1]);
    const csv = parseMessageText(fixture("manifest-default-layout.csv"));
    assert.deepEqual([csv.format, csv.shipments.length], ["csv", 2]);
  });

  it("returns an error diagnostic, not an exception, for unsupported input", () => {
    const json = parseMessageText('{"manifest": []}', { file: "x.json" });
    assert.equal(json.format, "json");
    assert.deepEqual(codes(json.diagnostics), ["detect.unsupported_format"]);
    assert.equal(json.diagnostics[0]?.file, "x.json");
    assert.deepEqual(codes(parseMessageText("").diagnostics), ["detect.unsupported_format"]);
  });

  it("honours an explicit format", () => {
    const result = parseMessageText("UNH+1+COPRAR:D:95B:UN'BGM+45'UNT+3+1'", { format: "coprar" });
    assert.equal(result.format, "coprar");
    assert.equal(result.messages, 1);
  });
});
