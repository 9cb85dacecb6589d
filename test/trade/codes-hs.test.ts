import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { describeHs, findHs, hsByPrefix, hsSectionName, normaliseHsCode, searchHs } from "../../src/trade/hs.ts";
import { normCommodity, normCommodityFromText } from "../../src/trade/hs-norm.ts";

describe("normaliseHsCode", () => {
  it("accepts the dirty values seen in the AMS excerpt", () => {
    const cases: [string, string, string | undefined][] = [
      ["37", "37", undefined],
      ["21", "21", undefined],
      ["8451", "8451", undefined],
      ["848389", "848389", undefined],
      ["84122981", "841229", "81"],
    ];
    for (const [raw, code, extension] of cases) {
      const result = normaliseHsCode(raw);
      assert.equal(result.ok && result.value.code, code, raw);
      assert.equal(result.ok && result.value.extension, extension, raw);
    }
  });

  it("splits chapter, heading and subheading", () => {
    assert.deepEqual(normaliseHsCode("6907.21"), {
      ok: true,
      value: {
        code: "690721",
        chapter: "69",
        heading: "6907",
        subheading: "690721",
        extension: undefined,
        warnings: [],
      },
    });
    const chapter = normaliseHsCode("69");
    assert.equal(chapter.ok && chapter.value.heading, undefined);
  });

  it("repairs float artefacts and lost zeros, with warnings", () => {
    const float = normaliseHsCode("8451.0");
    assert.equal(float.ok && float.value.code, "8451");
    assert.equal(float.ok && float.value.warnings.length, 1);
    const lostTrailing = normaliseHsCode(8451.1);
    assert.equal(lostTrailing.ok && lostTrailing.value.code, "845110");
    const lostLeading = normaliseHsCode(80390);
    assert.equal(lostLeading.ok && lostLeading.value.code, "080390");
    assert.match(lostLeading.ok ? (lostLeading.value.warnings[0] ?? "") : "", /lost leading zero/);
  });

  it("keeps the national extension of US HTS and Japanese codes", () => {
    const hts = normaliseHsCode("HTS 6907.21.1000");
    assert.equal(hts.ok && hts.value.code, "690721");
    assert.equal(hts.ok && hts.value.extension, "1000");
    const japan = normaliseHsCode("6907.21.100");
    assert.equal(japan.ok && japan.value.extension, "100");
  });

  it("gives reasons instead of throwing", () => {
    assert.deepEqual(normaliseHsCode(""), { ok: false, reason: "HS code is empty" });
    assert.deepEqual(normaliseHsCode("00"), { ok: false, reason: "chapter 00 does not exist" });
    assert.equal(normaliseHsCode("TILES").ok, false);
    assert.equal(normaliseHsCode("12345678901").ok, false);
    assert.equal(normaliseHsCode("7701").ok, false);
  });
});

describe("HS 2022 lookups", () => {
  it("finds entries at every level", () => {
    assert.equal(findHs("0803")?.description, "Bananas, including plantains; fresh or dried");
    assert.equal(findHs("6907.21")?.level, 6);
    assert.equal(findHs("69")?.level, 2);
    assert.equal(findHs("848389"), undefined);
  });

  it("describes a code by its most specific existing level", () => {
    const dirty = describeHs("848389");
    assert.equal(dirty.ok && dirty.value.entry.code, "8483");
    assert.equal(dirty.ok && dirty.value.exact, false);
    assert.deepEqual(dirty.ok && dirty.value.path.map((entry) => entry.code), ["84", "8483"]);
    const national = describeHs("84122981");
    assert.equal(national.ok && national.value.entry.code, "841229");
    assert.equal(national.ok && national.value.section?.id, "XVI");
    const tiles = describeHs("690721");
    assert.equal(tiles.ok && tiles.value.exact, true);
    assert.equal(describeHs("abc").ok, false);
  });

  it("lists a heading and its subheadings by prefix", () => {
    const codes = hsByPrefix("3104").map((entry) => entry.code);
    assert.deepEqual(codes, ["3104", "310420", "310430", "310490"]);
    assert.equal(hsByPrefix("x").length, 0);
  });

  it("has the full HS 2022 structure (97 chapters, 1,229 headings, 5,613 subheadings)", () => {
    let chapters = 0;
    let headings = 0;
    let subheadings = 0;
    for (let chapter = 1; chapter <= 99; chapter++) {
      for (const entry of hsByPrefix(String(chapter).padStart(2, "0"))) {
        chapters += entry.level === 2 ? 1 : 0;
        headings += entry.level === 4 ? 1 : 0;
        subheadings += entry.level === 6 ? 1 : 0;
      }
    }
    assert.deepEqual([chapters, headings, subheadings], [97, 1229, 5613]);
  });

  it("searches descriptions by word prefix", () => {
    const granite = searchHs("granite").map((entry) => entry.code);
    assert.ok(granite.includes("251611") && granite.includes("680223"));
    assert.ok(searchHs("zirconium ores").some((entry) => entry.code === "261510"));
    assert.equal(searchHs("granite", 2).length, 2);
    assert.deepEqual(searchHs("  "), []);
  });

  it("names sections", () => {
    assert.equal(hsSectionName("ii"), "Vegetable products");
  });
});

describe("NORM commodity table (trade-standards.md §3)", () => {
  it("maps every code of the table", () => {
    const nuisance = [
      "080310",
      "080390",
      "1805",
      "310420",
      "310430",
      "3105",
      "3103",
      "2510",
      "250810",
      "250840",
      "251611",
      "251612",
      "680223",
      "680293",
      "6907",
      "6910",
      "6911",
      "6912",
      "6913",
      "6902",
      "6903",
      "261510",
      "2614",
      "2846",
    ];
    for (const code of nuisance) {
      assert.equal(normCommodity(code)?.kind, "nuisance", code);
      assert.ok(findHs(code), `${code} exists in HS 2022`);
    }
    const escalate = ["2844", "2612", "261220", "902221", "902229", "853110", "7204", "7602"];
    for (const code of escalate) {
      assert.equal(normCommodity(code)?.kind, "explain-or-escalate", code);
      assert.ok(findHs(code), `${code} exists in HS 2022`);
    }
  });

  it("gives nuclides and the matched prefix, longest prefix first", () => {
    assert.deepEqual(normCommodity("0803.90"), {
      commodity: "bananas / plantains",
      nuclides: ["K-40"],
      kind: "nuisance",
      hsPrefix: "0803",
    });
    assert.equal(normCommodity("261510")?.commodity, "zircon sand");
    assert.equal(normCommodity("680223")?.hsPrefix, "680223");
    assert.equal(normCommodity("853110")?.nuclides[0], "Am-241");
  });

  it("works on national codes and ignores unrelated or invalid ones", () => {
    assert.equal(normCommodity("6907.21.1000")?.commodity, "ceramic tiles");
    assert.equal(normCommodity("8451"), undefined);
    assert.equal(normCommodity("5208"), undefined);
    assert.equal(normCommodity("junk"), undefined);
  });

  it("matches description keywords, without mistaking textiles for tiles", () => {
    assert.equal(normCommodityFromText("CERAMIC TILES 20 PALLETS")?.hsPrefix, "6907");
    assert.equal(normCommodityFromText("MURIATE OF POTASH")?.kind, "nuisance");
    assert.equal(normCommodityFromText("COTTON TEXTILES"), undefined);
    assert.equal(normCommodityFromText("kitty litter")?.hsPrefix, "2508");
  });
});
