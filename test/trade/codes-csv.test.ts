import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseCsvRows, stripBom } from "../../src/trade/codes-csv.ts";

describe("parseCsvRows", () => {
  it("handles quoted commas, doubled quotes and empty fields", () => {
    assert.deepEqual(parseCsvRows(',"JP","NGO","Nagoya, Aichi",,"say ""hi"""\r\n'), [
      ["", "JP", "NGO", "Nagoya, Aichi", "", 'say "hi"'],
    ]);
  });

  it("keeps line breaks inside quotes and accepts LF, CRLF and no final newline", () => {
    assert.deepEqual(parseCsvRows('a,"x\ny"\r\nb,c\nd,e'), [
      ["a", "x\ny"],
      ["b", "c"],
      ["d", "e"],
    ]);
  });

  it("keeps a trailing empty field", () => {
    assert.deepEqual(parseCsvRows("a,"), [["a", ""]]);
    assert.deepEqual(parseCsvRows("a,\r\n"), [["a", ""]]);
  });

  it("does not fail on an unterminated quote", () => {
    assert.deepEqual(parseCsvRows('a,"open'), [["a", "open"]]);
  });

  it("strips a byte-order mark", () => {
    assert.equal(stripBom("\ufeffsection,name"), "section,name");
  });
});
