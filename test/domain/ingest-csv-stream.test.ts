import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { CsvRecordReader } from "../../src/trade/csv/csv-stream.ts";
import { streamManifestCsv } from "../../src/trade/csv/manifest-csv-stream.ts";
import { parseManifestCsv } from "../../src/trade/csv/manifest-csv.ts";
import { parseCsv, type CsvRecord } from "../../src/trade/csv/rfc4180.ts";
import { writeManifestCsv } from "../../src/trade/csv/write-manifest-csv.ts";
import { DiagnosticCollector } from "../../src/trade/diagnostics.ts";
import { syntheticShipments } from "../../src/domain/ingest/synthetic.ts";

function readInPieces(text: string, cuts: number[]): CsvRecord[] {
  const reader = new CsvRecordReader(",", new DiagnosticCollector());
  const records: CsvRecord[] = [];
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)) {
    records.push(...reader.push(text.slice(from, cut)));
    from = cut;
  }
  records.push(...reader.push(text.slice(from)), ...reader.end());
  return records;
}

describe("streaming CSV", () => {
  it("reads the same records as parseCsv however the text is cut", () => {
    const text = fc.stringMatching(/^\uFEFF?[a,"\r\nx ]{0,60}$/);
    fc.assert(
      fc.property(text, fc.array(fc.nat(80), { maxLength: 8 }), (input, cuts) => {
        assert.deepEqual(readInPieces(input, cuts), parseCsv(input).records);
      }),
      { numRuns: 2000 },
    );
  });

  it("hands out each bill of a manifest with the same content as the whole-text parser", async () => {
    const records = [...syntheticShipments(200, { seed: 3, prefix: "CS" })];
    const text = writeManifestCsv(records);
    const whole = parseManifestCsv(text, { file: "m.csv" }).shipments;
    const streamed = [];
    const pieces = text.match(/[\s\S]{1,101}/g) ?? [];
    for await (const item of streamManifestCsv(pieces, { file: "m.csv" })) {
      if (item.shipment) {
        streamed.push(item.shipment);
      }
    }
    assert.deepEqual(streamed, whole);
  });
});
