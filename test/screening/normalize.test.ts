import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { guessEntityType, normalizeName, phoneticKey } from "../../src/screening/index.ts";

const tokens = (name: string): string => normalizeName(name).tokens.join(" ");
const forms = (name: string): string[] => normalizeName(name).legalForms.map((f) => f.code);

describe("legal forms", () => {
  it("folds K.K., Kabushiki Kaisha and 株式会社 (leading or trailing) to one KK feature", () => {
    for (const name of ["ASCOTEC JAPAN K.K.", "Ascotec Japan Kabushiki Kaisha", "ASCOTEC JAPAN 株式会社", "株式会社ASCOTEC JAPAN", "Kabushiki Kaisha Ascotec Japan"]) {
      assert.equal(tokens(name), "ASCOTEC ZYAPAN", name);
      assert.deepEqual(forms(name), ["KK"], name);
    }
  });

  it("keeps the removed text as evidence", () => {
    assert.deepEqual(normalizeName("Yamaki Kabushiki Kaisha").legalForms, [{ code: "KK", group: "stock", text: "KABUSHIKI KAISHA" }]);
  });

  it("strips Western, Russian, Latin American and Asian forms", () => {
    const cases: Array<[string, string, string[]]> = [
      ["TOYO SHINYO JITSUGYO CO., LTD.", "TOYO SINYO ZITUGYO", ["CO LTD"]],
      ["Müller GmbH", "MULLER", ["GMBH"]],
      ["CECOEX, S.A.", "CECOEX", ["SA"]],
      ["Acme S.A.U.", "ACME", ["SAU"]],
      ["Acme S.L.", "ACME", ["SL"]],
      ["Acme SpA", "ACME", ["SPA"]],
      ["Acme B.V.", "ACME", ["BV"]],
      ["Acme N.V.", "ACME", ["NV"]],
      ["FARMACIA VIDA SUPREMA, S.A. DE C.V.", "FARMACIA VIDA SUPREMA", ["SA DE CV"]],
      ["LIMITED LIABILITY COMPANY UNIMATIK", "UNIMATIK", ["LLC"]],
      ["ООО Ромашка", "ROMASHKA", ["LLC"]],
      ["PJSC Acme", "ACME", ["PJSC"]],
      ["AO Shvabe", "SHVABE", ["JSC"]],
      ["Acme Pte. Ltd.", "ACME", ["PTE LTD"]],
      ["Acme Sdn. Bhd.", "ACME", ["SDN BHD"]],
      ["PT Acme Tbk", "ACME", ["PT", "PT"]],
      ["Acme LLP", "ACME", ["LLP"]],
      ["Acme Yugen Kaisha", "ACME", ["YK"]],
      ["Acme Godo Kaisha", "ACME", ["GK"]],
      ["Dilligas Trading Co., Inc.", "DILLIGAS TRADING", ["INC", "CO"]],
    ];
    for (const [name, expected, codes] of cases) {
      assert.equal(tokens(name), expected, name);
      assert.deepEqual(forms(name), codes, name);
    }
  });

  it("never strips a name down to nothing and does not treat an Arabic article as a legal form", () => {
    assert.equal(tokens("K.K."), "KK");
    assert.equal(tokens("AS SALAM TRADING"), "AS SALAM TRADING");
  });
});

describe("script, case and punctuation", () => {
  it("removes diacritics and apostrophes and transliterates Cyrillic", () => {
    assert.equal(tokens("Tōyō Shin'yō"), tokens("TOYO SHINYO"));
    assert.equal(tokens("Joaquín Guzmán"), "JOAQUIN GUZMAN");
    assert.equal(tokens("Игорь Сечин"), tokens("IGOR SECHIN"));
    assert.equal(tokens("ВТБ Банк"), "VTB BANK");
  });

  it("joins dotted abbreviations but keeps a dotted initial separate", () => {
    assert.equal(tokens("K. SHINODA"), "K SINODA");
    assert.equal(tokens("HEAVY IND.CO KOGYO"), "HEAVY IND CO KOGYO");
  });

  it("drops parenthesised qualifiers", () => {
    assert.equal(tokens("JUHANG AVIATION TECHNOLOGY (SHENZHEN) CO., LTD."), "JUHANG AVIATION TECHNOLOGY");
  });
});

describe("romaji folding", () => {
  it("makes Hepburn, Kunrei and long-vowel spellings equal", () => {
    const groups = [
      ["SHINODA Kenichi", "Sinoda Keniti", "SHINODA KEN'ICHI"],
      ["Tsuda Chikara", "TUDA TIKARA"],
      ["Fukuda", "Hukuda"],
      ["Jiro", "Ziro"],
      ["Goto", "Gotou", "Gotoh", "Gotō", "Gotoo"],
      ["Shimbun", "Shinbun"],
    ];
    for (const group of groups) {
      const keys = new Set(group.map((n) => [...normalizeName(n).tokens].sort().join(" ")));
      assert.equal(keys.size, 1, group.join(" / "));
    }
  });

  it("leaves words that cannot be romaji alone", () => {
    assert.equal(tokens("SHIPPING"), "SHIPPING");
    assert.equal(tokens("MOHAMMED"), "MOHAMMED");
  });
});

describe("person names", () => {
  it("reads 'SURNAME, Given' as inverted, but not 'NAME, K.K.'", () => {
    const shinoda = normalizeName("SHINODA, Kenichi", "individual");
    assert.equal(shinoda.inverted, true);
    assert.deepEqual(shinoda.display, ["KENICHI", "SHINODA"]);
    assert.equal(normalizeName("YAMAKI, K.K.").inverted, false);
  });

  it("guesses entity type for lists that do not give it", () => {
    assert.equal(guessEntityType("Yun, Juwhan"), "individual");
    assert.equal(guessEntityType("Dilligas Trading Co., Inc."), "entity");
    assert.equal(guessEntityType("KAL TEK LABS"), "unknown");
  });
});

describe("phonetic key", () => {
  it("agrees on common transliteration variants", () => {
    assert.equal(phoneticKey("MOHAMMED"), phoneticKey("MUHAMAD"));
    assert.equal(phoneticKey("ASCOTEC"), phoneticKey("ASKOTEK"));
    assert.equal(phoneticKey("YOUSEF"), phoneticKey("YUSUF"));
    assert.notEqual(phoneticKey("SHINODA"), phoneticKey("TAKAYAMA"));
  });
});
