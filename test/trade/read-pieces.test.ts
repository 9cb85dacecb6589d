import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { edifactStreamParts } from "../../src/domain/ingest/source-parts.ts";
import { syntheticShipments } from "../../src/domain/ingest/synthetic.ts";
import { streamManifestCsv } from "../../src/trade/csv/manifest-csv-stream.ts";
import { parseManifestCsv } from "../../src/trade/csv/manifest-csv.ts";
import { writeManifestCsv } from "../../src/trade/csv/write-manifest-csv.ts";
import { parseMessageText } from "../../src/trade/detect.ts";
import { writeCuscar } from "../../src/trade/edifact/write-cuscar.ts";
import { piecesOf, READ_PIECE } from "../../src/trade/text.ts";

describe("streamed text read a piece at a time", () => {
  it("cuts a text into pieces that join back to it, never between the halves of a surrogate pair", () => {
    // "𠮷" (U+20BB7) is two code units; placed so that a cut of 4 falls between them.
    const text = "abc𠮷defg𠮷h".repeat(5);
    const pieces = [...piecesOf(text, 4)];
    assert.equal(pieces.join(""), text);
    for (const piece of pieces) {
      assert.ok(piece.length === 4 || piece.length === 5 || piece === pieces.at(-1), `piece ${JSON.stringify(piece)}`);
      const last = piece.charCodeAt(piece.length - 1);
      assert.ok(!(last >= 0xd800 && last <= 0xdbff), `piece ${JSON.stringify(piece)} ends inside a pair`);
    }
    assert.deepEqual([...piecesOf("", 4)], []);
  });

  it("reads an EDIFACT file handed over as one chunk longer than a piece as the whole-text parser does", async () => {
    const records = [...syntheticShipments(120, { seed: 5, prefix: "RP" })];
    const text = writeCuscar(records, {
      sender: "CARRIER",
      recipient: "USCBP",
      interchangeRef: "1",
      preparedAt: new Date("2026-11-27T00:00:00Z"),
      shipmentsPerMessage: 7,
    });
    assert.ok(text.length > 3 * READ_PIECE, "the file spans several pieces");
    const whole = parseMessageText(text, { file: "m.edi" }).shipments;
    const streamed = [];
    for await (const part of edifactStreamParts([text], "m.edi")) {
      streamed.push(...part.shipments);
    }
    assert.equal(streamed.length, 120);
    assert.deepEqual(streamed, whole);
  });

  it("reads a CSV file handed over as one chunk longer than a piece as the whole-text parser does", async () => {
    const text = writeManifestCsv([...syntheticShipments(150, { seed: 6, prefix: "RQ" })]);
    assert.ok(text.length > 3 * READ_PIECE, "the file spans several pieces");
    const whole = parseManifestCsv(text, { file: "m.csv" }).shipments;
    const streamed = [];
    for await (const item of streamManifestCsv([text], { file: "m.csv" })) {
      if (item.shipment) {
        streamed.push(item.shipment);
      }
    }
    assert.equal(streamed.length, 150);
    assert.deepEqual(streamed, whole);
  });
});
