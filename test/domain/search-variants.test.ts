import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { searchVariants } from "../../src/domain/search-variants.ts";

describe("free-text search in Japanese", () => {
  it("reads katakana as the romanised name a manifest carries", () => {
    assert.deepEqual(searchVariants("ヤマト"), ["ヤマト", "yamato"]);
  });

  it("also writes long vowels short, as company names do", () => {
    const variants = searchVariants("トウホク");
    assert.ok(variants.includes("touhoku"));
    assert.ok(variants.includes("tohoku"));
    assert.ok(searchVariants("しょうじ").includes("shoji"), "hiragana too");
  });

  it("keeps doubled vowels that belong to the name in the literal reading", () => {
    assert.ok(searchVariants("ダイイチ").includes("daiichi"));
  });

  it("leaves Latin and kanji queries as typed (lower-cased)", () => {
    assert.deepEqual(searchVariants("MSCU1234565"), ["mscu1234565"]);
    assert.deepEqual(searchVariants("大和"), ["大和"]);
  });
});

describe("free-text search: half-width and full-width forms", () => {
  it("reads half-width katakana and full-width Latin as their usual forms", () => {
    const variants = searchVariants("ｷﾀｶﾞﾜ");
    assert.ok(variants.includes("キタガワ"), variants.join(" "));
    assert.ok(variants.includes("kitagawa"), variants.join(" "));
    assert.deepEqual(searchVariants("ＹＡＭＡＴＯ"), ["ｙａｍａｔｏ", "yamato"]);
    assert.ok(searchVariants("ヤマト").length <= 4);
  });
});
