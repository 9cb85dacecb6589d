import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { guessEntityType, normalizeName, phoneticKey, transliterationKey } from "../../src/screening/index.ts";

const tokens = (name: string): string => normalizeName(name).tokens.join(" ");
const forms = (name: string): string[] => normalizeName(name).legalForms.map((f) => f.code);

describe("legal forms", () => {
  it("folds K.K., Kabushiki Kaisha and 株式会社 (leading or trailing) to one KK feature", () => {
    for (const name of [
      "ASCOTEC JAPAN K.K.",
      "Ascotec Japan Kabushiki Kaisha",
      "ASCOTEC JAPAN 株式会社",
      "株式会社ASCOTEC JAPAN",
      "Kabushiki Kaisha Ascotec Japan",
    ]) {
      assert.equal(tokens(name), "ASCOTEC ZYAPAN", name);
      assert.deepEqual(forms(name), ["KK"], name);
    }
  });

  it("keeps the removed text as evidence", () => {
    assert.deepEqual(normalizeName("Yamaki Kabushiki Kaisha").legalForms, [
      { code: "KK", group: "stock", text: "KABUSHIKI KAISHA" },
    ]);
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
      ["Dilligas Trading Co., Inc.", "DILLIGAS TRADING", ["CO", "INC"]],
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

describe("legal forms anywhere, mistyped, repeated or spelt another way", () => {
  it("recognises mistyped legal-form words, scaled to word length", () => {
    const cases: Array<[string, string, string[]]> = [
      ["Baroon Shipping Compny Limitd", "BARON SHIPPING", ["CO LTD"]],
      ["HADI SHIPPING COMPANY LTAD", "HADI SHIPPING", ["CO LTD"]],
      ["JONT STOCK COMPANY SUDOEXPORT", "SUDOEXPORT", ["JSC"]],
      ["Joint Stok Compeny Compel", "COMPEL", ["JSC"]],
      ["Limited Liabilty Company Stork", "STORK", ["LLC"]],
      ["Sterling Shipping Incorporeted", "STERLING SHIPPING", ["INC"]],
    ];
    for (const [name, expected, codes] of cases) {
      assert.equal(tokens(name), expected, name);
      assert.deepEqual(forms(name), codes, name);
    }
  });

  it("keeps the typed text of a mistyped form as evidence", () => {
    assert.deepEqual(
      normalizeName("SUPREME SHIPPING COMAPNY LIMITED").legalForms.map((f) => f.text),
      ["COMAPNY LIMITED"],
    );
  });

  it("does not take ordinary words one edit from a short form for a legal form", () => {
    assert.equal(tokens("BEHRAD TRADING"), "BEHRAD TRADING");
    assert.equal(tokens("CORE LOGISTICS"), "CORE LOGISTICS");
    assert.equal(tokens("LIMA EXPORTS"), "LIMA EXPORTS");
    assert.equal(tokens("SPA HOTEL LTD"), "SPA HOTEL");
  });

  it("finds forms at the front, in the middle and repeated", () => {
    const cases: Array<[string, string]> = [
      ["CO DANESH SHIPPING LIMITED", "DANESH SHIPPING"],
      ["COMPANY HATEF SHIPPING", "HATEF SHIPPING"],
      ["UNISTREAM COMMERCIAL JSC BANK", "UNISTREAM COMMERCIAL BANK"],
      ["GmbH Ihag Trading", "IHAG TRADING"],
      ["Rudniy Limited Liability Company Limited", "RUDNIY"],
      ["JSC JOINT STOCK COMPANY INVESTTRADEBANK", "INVESTTRADEBANK"],
      ["S.A. Bracro", "BRACRO"],
    ];
    for (const [name, expected] of cases) {
      assert.equal(tokens(name), expected, name);
    }
  });

  it("reads every spelling of the table: LTDA./LIMITADA, CO./COMPANY, S.A. de C.V. spelt out, L.L.P.", () => {
    assert.deepEqual(forms("Colombiana de Cerdos Limitada"), forms("COLOMBIANA DE CERDOS LTDA."));
    assert.deepEqual(forms("Playa Mar Sociedad Anonima de Capital Variable"), ["SA DE CV"]);
    assert.deepEqual(forms("Pawell Shipping Co. L.L.P."), ["CO", "LLP"]);
  });
});

describe("kana", () => {
  it("romanises katakana and hiragana (modified Hepburn) and keeps the romanisation", () => {
    const katakana = normalizeName("シノダ・ケンイチ");
    assert.equal(katakana.romanised, "SHINODA KEN'ICHI");
    assert.equal(katakana.tokens.join(" "), tokens("Shinoda Kenichi"));
    assert.equal(tokens("しのだ けんいち"), tokens("Shinoda Kenichi"));
    assert.equal(normalizeName("Shinoda Kenichi").romanised, undefined);
  });

  it("folds long vowels (ou/o/oh, the ー mark), shi/si and tsu/tu to the list spellings", () => {
    assert.equal(tokens("ゴトウ タダマサ"), tokens("Goto Tadamasa"));
    assert.equal(tokens("ゴトー・タダマサ"), tokens("Gotoh Tadamasa"));
    assert.equal(tokens("ツダ チカラ"), tokens("TUDA TIKARA"));
  });

  it("reads kanji and kana legal forms around a kana name", () => {
    assert.deepEqual(forms("ヤマキ株式会社"), ["KK"]);
    assert.equal(tokens("株式会社ヤマキ"), "YAMAKI");
    assert.deepEqual(forms("ヤマダ ショウジ カブシキガイシャ"), ["KK"]);
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
    assert.equal(tokens("HEAVY IND.CO KOGYO"), "HEAVY IND KOGYO");
    assert.deepEqual(forms("HEAVY IND.CO KOGYO"), ["CO"]);
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
  it("folds transliteration variants to one key (KH/H, ZH/J, Y/I/J, W/V, double letters)", () => {
    const groups = [
      ["MINATEKH", "MINATEH"],
      ["PRIGOZHIN", "PRIGOJIN"],
      ["YEVGENIY", "EVGENIY"],
      ["DJAMALUDDIN", "JAMALUDIN"],
      ["VLADIMIR", "WLADIMIR"],
      ["KHIDR", "HIDR"],
    ];
    for (const group of groups) {
      assert.equal(new Set(group.map(transliterationKey)).size, 1, group.join(" / "));
    }
    assert.notEqual(transliterationKey("MINATEKH"), transliterationKey("MINSK"));
  });

  it("agrees on common transliteration variants", () => {
    assert.equal(phoneticKey("MOHAMMED"), phoneticKey("MUHAMAD"));
    assert.equal(phoneticKey("ASCOTEC"), phoneticKey("ASKOTEK"));
    assert.equal(phoneticKey("YOUSEF"), phoneticKey("YUSUF"));
    assert.notEqual(phoneticKey("SHINODA"), phoneticKey("TAKAYAMA"));
  });
});
