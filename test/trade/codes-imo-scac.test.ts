import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { imoCheckDigit, isValidImo, makeImoNumber } from "../../src/trade/imo.ts";
import { isValidScac } from "../../src/trade/scac.ts";

describe("IMO numbers", () => {
  it("validates POLAR ECUADOR from the real X12 310 (IMO 9786774)", () => {
    assert.equal(isValidImo("9786774"), true);
    assert.equal(isValidImo("IMO 9786774"), true);
    assert.equal(isValidImo("imo:9786774"), true);
    assert.equal(imoCheckDigit("978677"), 4);
    assert.equal(imoCheckDigit(978677), 4);
  });

  it("rejects wrong digits and malformed input", () => {
    assert.equal(isValidImo("9786775"), false);
    assert.equal(isValidImo("978677"), false);
    assert.equal(isValidImo("IMO ABCDEFG"), false);
    assert.equal(isValidImo(""), false);
    assert.ok(Number.isNaN(imoCheckDigit("97867")));
  });

  it("makes valid numbers", () => {
    assert.equal(makeImoNumber(978677), "9786774");
    for (let n = 900000; n < 900050; n++) {
      assert.equal(isValidImo(makeImoNumber(n)), true);
    }
    assert.throws(() => makeImoNumber(1_000_000), RangeError);
  });
});

describe("SCAC", () => {
  it("accepts 2-4 letters", () => {
    for (const scac of ["MAEU", "CMDU", "ONEY", "UP", "cos"]) {
      assert.equal(isValidScac(scac), true, scac);
    }
  });

  it("rejects other shapes", () => {
    for (const scac of ["M", "MAEUX", "MA3U", ""]) {
      assert.equal(isValidScac(scac), false, scac);
    }
  });
});
