import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  createScreener,
  DEFAULT_THRESHOLD,
  isValidImo,
  loadShippedLists,
  type ScreeningEntry,
  type Screener,
} from "../../src/screening/index.ts";

let screener: Screener;
let entries: ScreeningEntry[];

before(() => {
  entries = loadShippedLists().entries;
  screener = createScreener(entries);
  console.log(
    `index: ${screener.size.entries} entries, ${screener.size.names} names, ${screener.size.tokens} tokens, built in ${Math.round(screener.buildMs)} ms`,
  );
});

describe("screen", () => {
  it("matches ASCOTEC JAPAN KABUSHIKI KAISHA to SDN 'ASCOTEC JAPAN K.K.' with evidence", () => {
    const result = screener.screen({ name: "ASCOTEC JAPAN KABUSHIKI KAISHA" });
    const [top] = result.matches;
    assert.deepEqual(result.query, { name: "ASCOTEC JAPAN KABUSHIKI KAISHA" });
    assert.equal(top?.list, "SDN");
    assert.equal(top?.id, "11609");
    assert.equal(top?.name, "ASCOTEC JAPAN K.K.");
    assert.equal(top?.matched, "ASCOTEC JAPAN K.K.");
    assert.equal(top?.score, 1);
    assert.equal(top?.evidence.via, "name");
    assert.deepEqual(top?.evidence.legalForms, { query: ["KABUSHIKI KAISHA"], matched: ["KK"] });
    assert.deepEqual(
      top?.evidence.alignment.map((a) => [a.query, a.matched, a.similarity]),
      [
        ["ASCOTEC", "ASCOTEC", 1],
        ["JAPAN", "JAPAN", 1],
      ],
    );
    assert.equal(top?.evidence.features.legal_form_match, 0.02);
  });

  it("returns exactly the documented JSON shape, best first, all at or above the threshold", () => {
    const result = screener.screen({ name: "Yamaguchi Gumi" }, { threshold: 0.5, topK: 5 });
    assert.deepEqual(Object.keys(result), ["query", "matches"]);
    assert.ok(result.matches.length > 1 && result.matches.length <= 5);
    for (const m of result.matches) {
      assert.deepEqual(Object.keys(m), ["name", "matched", "list", "id", "score", "evidence"]);
      assert.ok(m.score >= 0.5 && m.score <= 1);
    }
    const scores = result.matches.map((m) => m.score);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
    );
    assert.equal(result.matches[0]?.id, "13071");
    assert.doesNotThrow(() => JSON.stringify(result));
  });

  it("reports which alias matched", () => {
    const [top] = screener.screen({ name: "Chuei Oknha" }).matches;
    assert.equal(top?.id, "16133");
    assert.equal(top?.matched, "OKNHA, Chuei");
    assert.equal(top?.evidence.via, "alias");
  });

  it("matches vessels by IMO first, whatever the name", () => {
    const [top] = screener.screen({ name: "NOT A LISTED NAME", type: "vessel", imo: "IMO 9187629" }).matches;
    assert.equal(top?.id, "15036");
    assert.equal(top?.score, 1);
    assert.equal(top?.evidence.via, "imo");
    assert.equal(isValidImo("9187629"), true);
  });

  it("penalises a different IMO on a same-named vessel", () => {
    const named = screener
      .screen({ name: "ARTAVIL", type: "vessel" }, { threshold: 0 })
      .matches.find((m) => m.id === "15036");
    const other = screener
      .screen({ name: "ARTAVIL", type: "vessel", imo: "9074729" }, { threshold: 0 })
      .matches.find((m) => m.id === "15036");
    assert.equal(named?.score, 1);
    assert.ok((other?.score ?? 1) < 0.85);
    assert.equal(other?.evidence.features.imo_mismatch, -0.2);
  });

  it("uses country and type as qualifiers", () => {
    const base = screener.screen({ name: "Kenichi Shinoda" }).matches[0]?.score ?? 0;
    const wrongCountry = screener.screen({ name: "Kenichi Shinoda", country: "Brazil" }, { threshold: 0 }).matches[0];
    const rightCountry = screener.screen({ name: "Kenichi Shinoda", country: "JP" }).matches[0];
    const asCompany = screener
      .screen({ name: "Shinoda Kenichi K.K." }, { threshold: 0 })
      .matches.find((m) => m.id === "13072");
    assert.equal(rightCountry?.evidence.features.country_match, 0.03);
    assert.ok((wrongCountry?.score ?? 1) < base);
    assert.equal(wrongCountry?.evidence.features.country_mismatch, -0.1);
    assert.equal(asCompany?.evidence.features.legal_form_vs_individual, -0.1);
  });

  it("handles initials and comma-inverted names", () => {
    assert.equal(screener.screen({ name: "K. SHINODA" }).matches[0]?.id, "13072");
    assert.equal(screener.screen({ name: "SHINODA, Kenichi" }).matches[0]?.score, 1);
  });

  it("alerts on nothing for ordinary Japanese exporters and carriers", () => {
    for (const name of [
      "Toyota Tsusho Corporation",
      "Nippon Yusen Kabushiki Kaisha",
      "Mitsui O.S.K. Lines, Ltd.",
      "Ocean Network Express Pte. Ltd.",
    ]) {
      assert.deepEqual(screener.screen({ name }).matches, [], name);
    }
  });

  it("respects threshold and topK options and the default threshold", () => {
    assert.equal(screener.screen({ name: "Banco Nacional de Cuba" }, { threshold: 0, topK: 3 }).matches.length, 3);
    assert.ok(screener.screen({ name: "Banco Nacional de Cuba" }).matches.every((m) => m.score >= DEFAULT_THRESHOLD));
  });

  it("screens a small custom list without the shipped data", () => {
    const custom = createScreener([
      {
        list: "DPL",
        id: "x1",
        name: "ACME TRADING K.K.",
        aliases: [],
        type: "entity",
        countries: ["JP"],
        programs: [],
      },
    ]);
    assert.equal(custom.screen({ name: "Acme Trading Kabushiki Kaisha" }).matches[0]?.score, 1);
  });
});

describe("issue 13 patterns", () => {
  it("finds a party whatever the legal form does: mistyped, moved, repeated, spelt another way", () => {
    for (const name of [
      "Baroon Shipping Compny Limitd",
      "CO BAROON SHIPPING LIMITED",
      "COMPANY BAROON SHIPPING",
      "Baroon Shipping Company Limited Limited",
      "BAROON SHIPPING CO., LTD.",
    ]) {
      const [top] = screener.screen({ name }).matches;
      assert.equal(top?.id, "8354", name);
      assert.ok((top?.score ?? 0) >= 0.95, `${name} ${top?.score}`);
    }
  });

  it("scores every order of a name's words the same", () => {
    const original = screener.screen({ name: "DANDONG DONGYUAN INDUSTRIAL CO., LTD." }, { threshold: 0 }).matches[0];
    for (const name of [
      "DONGYUAN DANDONG INDUSTRIAL CO LTD",
      "INDUSTRIAL DONGYUAN DANDONG CO LTD",
      "CO LTD INDUSTRIAL DANDONG DONGYUAN",
    ]) {
      const top = screener.screen({ name }, { threshold: 0 }).matches[0];
      assert.equal(top?.id, original?.id, name);
      assert.equal(top?.score, original?.score, name);
    }
  });

  it("reaches a candidate through a typo in its only distinctive word or a transliteration variant", () => {
    assert.equal(screener.screen({ name: "LLC MINATEH" }).matches[0]?.id, "41982");
    assert.equal(screener.screen({ name: "Minatekh LLC" }).matches[0]?.id, "41982");
    assert.equal(screener.screen({ name: "NPK TEHMASH OAO" }).matches[0]?.id, "18772");
    assert.equal(screener.screen({ name: "Gennadiy Timtchenko" }).matches[0]?.id, "16666");
  });

  it("does not alert on names made of common trade words", () => {
    const pacific = screener
      .screen({ name: "PACIFIC INTERNATIONAL LLC" }, { threshold: 0 })
      .matches.find((m) => m.id === "8256");
    assert.ok(pacific, "the listed INTERNATIONAL PACIFIC TRADING is still a candidate");
    assert.ok(pacific.score < DEFAULT_THRESHOLD, `scored ${pacific.score}`);
    assert.ok((pacific.evidence.features.common_words ?? 0) < 0, "the evidence says why");
    for (const name of [
      "INTERNATIONAL TRADING CO",
      "GLOBAL SHIPPING LIMITED",
      "ASIA PACIFIC LOGISTICS CO., LTD.",
      "Tokai Trading K.K.",
    ]) {
      assert.deepEqual(screener.screen({ name }).matches, [], name);
    }
  });

  it("screens kana names and shows the romanisation in the evidence", () => {
    const [top] = screener.screen({ name: "シノダ・ケンイチ" }).matches;
    assert.equal(top?.id, "13072");
    assert.equal(top?.evidence.romanised, "SHINODA KEN'ICHI");
    assert.equal(screener.screen({ name: "ヤマキ株式会社" }).matches[0]?.id, "24683");
    assert.equal(screener.screen({ name: "Kenichi Shinoda" }).matches[0]?.evidence.romanised, undefined);
  });
});

describe("blocking and throughput", () => {
  it("screens SDN names at a useful rate", () => {
    const queries = entries
      .filter((e) => e.list === "SDN")
      .filter((_, i) => i % 15 === 0)
      .map((e) => e.name);
    const started = performance.now();
    let found = 0;
    for (const name of queries) {
      found += screener.screen({ name }).matches.length > 0 ? 1 : 0;
    }
    const seconds = (performance.now() - started) / 1000;
    const qps = queries.length / seconds;
    console.log(
      `throughput: ${queries.length} SDN-name queries in ${seconds.toFixed(2)} s = ${Math.round(qps)} queries/s`,
    );
    assert.ok(found / queries.length > 0.99, "a listed name finds itself");
    assert.ok(qps > 50, `throughput ${qps}`);
  });
});
