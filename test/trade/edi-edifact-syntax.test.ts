import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EdifactMessageAssembler } from "../../src/trade/edifact/envelope.ts";
import { DiagnosticCollector } from "../../src/trade/diagnostics.ts";
import { streamEdifactSegments, tokenizeEdifact } from "../../src/trade/edifact/tokenize.ts";
import { parseEdifact, streamEdifactMessages } from "../../src/trade/edifact/parse.ts";
import { codes, sample, withCode } from "./fixtures/edi-helpers.ts";

const MINIMAL = "UNB+UNOA:2+A+B+240101:1200+1'UNH+1+COPRAR:D:95B:UN'BGM+45+X+9'UNT+3+1'UNZ+1+1'";

describe("EDIFACT tokenizer", () => {
  it("reads segments, elements and components with default separators and no newlines", () => {
    const { segments, diagnostics } = tokenizeEdifact(MINIMAL);
    assert.deepEqual(
      segments.map((s) => s.tag),
      ["UNB", "UNH", "BGM", "UNT", "UNZ"],
    );
    assert.deepEqual(segments[1]?.elements, [["1"], ["COPRAR", "D", "95B", "UN"]]);
    assert.deepEqual(diagnostics, []);
  });

  it("honours the release character before ' and :", () => {
    const { segments } = tokenizeEdifact("FTX+AAA+++PLASTICS?:ARTICLES'FTX+AAA+++O?'BRIEN??S?+CO'");
    assert.deepEqual(segments[0]?.elements[3], ["PLASTICS:ARTICLES"]);
    assert.deepEqual(segments[1]?.elements[3], ["O'BRIEN?S+CO"]);
  });

  it("uses custom separators from UNA", () => {
    const text = "UNA|*,\\ ~UNH*1*CUSCAR|D|95B|UN~FTX*AAA***A\\~B\\|C|D~UNT*3*1~";
    const { segments, delimiters } = tokenizeEdifact(text);
    assert.equal(delimiters.element, "*");
    assert.equal(delimiters.segment, "~");
    assert.deepEqual(segments[0]?.elements[1], ["CUSCAR", "D", "95B", "UN"]);
    assert.deepEqual(segments[1]?.elements[3], ["A~B|C", "D"]);
  });

  it("tolerates CRLF, LF and whitespace between segments and counts lines", () => {
    const { segments } = tokenizeEdifact("\uFEFFUNH+1+BAPLIE:D:95B:UN'\r\n  BGM+1'\n\nUNT+3+1'");
    assert.deepEqual(
      segments.map((s) => [s.tag, s.index, s.line]),
      [
        ["UNH", 1, 1],
        ["BGM", 2, 2],
        ["UNT", 3, 4],
      ],
    );
  });

  it("uppercases lowercase tags and keeps lowercase data", () => {
    const result = parseEdifact("unh+1+iftsta:d:00b:un'sts+1+P::HS:Rail departed'unt+3+1'");
    assert.equal(result.messages, 1);
    assert.equal(result.format, "iftsta");
    const { segments } = tokenizeEdifact("sts+1+P::HS:Rail departed'");
    assert.equal(segments[0]?.tag, "STS");
    assert.equal(segments[0]?.elements[1]?.[3], "Rail departed");
  });

  it("reports a truncated file with segment number and line", () => {
    const { segments, diagnostics } = tokenizeEdifact("UNH+1+CUSCAR:D:95B:UN'\nBGM+85+X+9'\nEQD+CN+CSQU305");
    assert.equal(segments.at(-1)?.tag, "EQD");
    const [truncated] = withCode(diagnostics, "edifact.truncated");
    assert.equal(truncated?.severity, "error");
    assert.equal(truncated?.segment, 3);
    assert.equal(truncated?.line, 3);
    assert.equal(truncated?.segmentTag, "EQD");
  });

  it("reports a truncated message as missing UNT/UNZ without throwing", () => {
    const result = parseEdifact(sample("edifact", "cuscar-d03b-cbp-ace-example-edifabric.edi").slice(0, 620), {
      file: "cut.edi",
    });
    assert.ok(codes(result.diagnostics).includes("edifact.truncated"));
    assert.ok(codes(result.diagnostics).includes("edifact.missing_unt"));
    assert.ok(codes(result.diagnostics).includes("edifact.missing_unz"));
    assert.ok(result.diagnostics.every((d) => d.file === "cut.edi"));
  });

  it("flags an invalid UNA and falls back to the defaults", () => {
    const { diagnostics, segments } = tokenizeEdifact("UNA::.? 'UNH+1+X'");
    assert.deepEqual(codes(diagnostics), ["edifact.invalid_una"]);
    assert.equal(segments[0]?.tag, "UNH");
  });

  it("streams the same segments from chunks of any size, strings or bytes", async () => {
    const text = sample("edifact", "baplie-d13b-smdg31-example-edifabric.edi");
    const whole = tokenizeEdifact(text).segments;
    for (const size of [1, 7, 64]) {
      const bytes = Buffer.from(text, "utf8");
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) {
        chunks.push(bytes.subarray(i, i + size));
      }
      const streamed = [];
      for await (const segment of streamEdifactSegments(chunks)) {
        streamed.push(segment);
      }
      assert.deepEqual(streamed, whole, `chunk size ${size}`);
    }
  });

  it("streams whole messages from an async source", async () => {
    async function* source(): AsyncGenerator<string> {
      yield MINIMAL.slice(0, 30);
      yield MINIMAL.slice(30) + MINIMAL.replace("UNH+1", "UNH+2").replace("UNT+3+1", "UNT+3+2");
    }
    const refs: string[] = [];
    for await (const message of streamEdifactMessages(source())) {
      refs.push(message.ref);
    }
    assert.deepEqual(refs, ["1", "2"]);
  });
});

describe("EDIFACT envelopes", () => {
  it("accepts a matching UNT count and warns (not errors) on a wrong one", () => {
    const out = new DiagnosticCollector();
    const assembler = new EdifactMessageAssembler(out);
    const { segments } = tokenizeEdifact("UNH+9+CODECO:D:95B:UN'BGM+34'UNT+7+9'");
    const messages = segments.map((s) => assembler.push(s)).filter((m) => m !== undefined);
    assert.equal(messages.length, 1);
    assert.deepEqual(codes(out.list), ["edifact.unt_count_mismatch"]);
    assert.equal(out.list[0]?.severity, "warning");
    assert.equal(out.list[0]?.segment, 3);
    assert.equal(out.list[0]?.element, 1);
  });

  it("checks UNG/UNE and UNZ counts and references", () => {
    const text =
      "UNB+UNOA:2+A+B+240101:1200+7'UNG+CUSCAR+A+B+240101:1200+5+UN+D:95B'UNH+1+CUSCAR:D:95B:UN'UNT+2+1'UNE+2+5'UNZ+1+8'";
    const result = parseEdifact(text);
    assert.deepEqual(codes(result.diagnostics).sort(), [
      "cuscar.no_consignment",
      "edifact.missing_bgm",
      "edifact.une_count_mismatch",
      "edifact.unz_ref_mismatch",
      "shipment.no_bill_of_lading",
    ]);
  });

  it("reports segments outside a message once", () => {
    const result = parseEdifact("BGM+1'BGM+2'UNH+1+BAPLIE:D:95B:UN'UNT+2+1'");
    assert.equal(withCode(result.diagnostics, "edifact.segment_outside_message").length, 1);
  });
});
