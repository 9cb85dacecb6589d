import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createScreener, loadShippedLists } from "../../src/screening/index.ts";
import {
  compileRuleSet,
  firedRuleIds,
  parseRuleSet,
  randomSelect,
  RuleSetError,
  screenerLookup,
  scoreShipment,
  usOutboundJapanRuleSet,
  type TargetingDeps,
} from "../../src/targeting/index.ts";
import { syntheticShipment } from "../../src/targeting/synthetic.ts";
import { oneRule, shipment } from "./helpers.ts";

const noLists: TargetingDeps = { watchlist: () => undefined, screenParty: () => undefined };

describe("rule sets", () => {
  it("the shipped US-outbound-to-Japan example has at least 40 rules and compiles", () => {
    const ruleSet = parseRuleSet(usOutboundJapanRuleSet());
    assert.ok(ruleSet.rules.length >= 40, `${ruleSet.rules.length} rules`);
    assert.equal(compileRuleSet(ruleSet, noLists).rules.length, ruleSet.rules.length);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(ruleSet)));
  });

  it("reports every invalid rule: schema errors first, then unknown fields and missing lookups", () => {
    const base = { id: "x", version: "1", agency: "A", thresholds: { medium: 1, high: 2 } };
    assert.throws(
      () => parseRuleSet({ ...base, rules: [{ id: "r", weight: 1, explanation: "e", when: { hsPrefix: ["31a"] } }] }),
      RuleSetError,
    );
    assert.throws(
      () => parseRuleSet({ ...base, rules: [{ id: "r", weight: 1, explanation: "e", when: { bogus: 1 } }] }),
      RuleSetError,
    );
    const dup = { id: "r", weight: 1, explanation: "e", when: { firstSeen: "shipper" } };
    assert.throws(() => parseRuleSet({ ...base, rules: [dup, dup] }), /rule ids must be unique/);
    try {
      compileRuleSet({
        ...base,
        rules: [
          { id: "a", weight: 1, explanation: "e", when: { field: "goods.colour", equals: "red" } },
          { id: "b", weight: 1, explanation: "e", when: { screening: { minScore: 0.9 } } },
        ],
      });
      assert.fail("should not compile");
    } catch (err) {
      assert.ok(err instanceof RuleSetError);
      assert.deepEqual(err.issues, [
        "rule a: unknown field goods.colour",
        "rule b: a screening condition needs a party screener",
      ]);
    }
  });

  it("skips disabled rules", () => {
    const compiled = compileRuleSet({
      id: "x",
      version: "1",
      agency: "A",
      thresholds: { medium: 1, high: 2 },
      rules: [{ id: "r", weight: 1, explanation: "e", when: { firstSeen: "shipper" }, enabled: false }],
    });
    assert.equal(compiled.rules.length, 0);
  });
});

describe("scoreShipment", () => {
  const compiled = compileRuleSet(usOutboundJapanRuleSet(), noLists);

  it("a clean shipment scores 0, low, with no hits", () => {
    const result = scoreShipment(compiled, shipment());
    assert.deepEqual(
      { score: result.score, level: result.level, hits: result.hits },
      { score: 0, level: "low", hits: [] },
    );
    assert.deepEqual(result.ruleSet, { id: "jp-customs-us-outbound", version: "2026.2" });
  });

  it("sums weights, maps the score to a level and explains every hit from its evidence", () => {
    const result = scoreShipment(
      compiled,
      shipment({
        portOfDischarge: "KRPUS",
        finalDestination: "JPYOK",
        goods: [{ hsCode: "6907.21", description: "CERAMIC FLOOR TILES", grossWeightKg: 22_000 }],
      }),
    );
    assert.deepEqual(
      result.hits.map((h) => h.ruleId),
      ["route.transshipment-busan", "norm.ceramics"],
    );
    assert.equal(result.score, 30);
    assert.equal(result.level, "medium");
    assert.equal(
      result.hits[1]?.explanation,
      "Goods 690721 (CERAMIC FLOOR TILES) are ceramics, on the NORM list: expect a U/Th/K portal alarm; clear it with a RIID spectrum consistent with glaze and body.",
    );
    assert.equal(
      result.hits[0]?.explanation,
      "Relayed at Busan (KRPUS) for JPYOK: the box leaves U.S. custody before Japan; scan before loading at USLAX.",
    );
  });

  it("2844 goods and a strong screening hit make a high-risk shipment", () => {
    const screener = createScreener(loadShippedLists().entries);
    const withScreening = compileRuleSet(usOutboundJapanRuleSet(), {
      watchlist: () => undefined,
      screenParty: screenerLookup(screener),
    });
    const result = scoreShipment(
      withScreening,
      shipment({
        parties: [
          { role: "shipper", name: "SIERRA GRAIN CO", country: "US", address: "1 MAIN ST" },
          { role: "consignee", name: "ASCOTEC JAPAN KABUSHIKI KAISHA", country: "JP", address: "TOKYO" },
        ],
        goods: [{ hsCode: "2844.40", description: "RADIOACTIVE ISOTOPES", grossWeightKg: 2_000 }],
      }),
    );
    assert.equal(result.level, "high");
    const screening = result.hits.find((h) => h.ruleId === "party.screening-strong");
    assert.equal(screening?.evidence.listId, "11609");
    assert.match(
      screening?.explanation ?? "",
      /ASCOTEC JAPAN KABUSHIKI KAISHA \(consignee\) matches ASCOTEC JAPAN K\.K\. on the SDN list \(entry 11609/,
    );
    assert.ok(result.hits.some((h) => h.ruleId === "radioactive.2844"));
  });

  it("negative weights mitigate but the score never drops below 0", () => {
    const result = scoreShipment(compiled, shipment({ flags: { knownExporter: true } }));
    assert.deepEqual(
      result.hits.map((h) => h.ruleId),
      ["party.known-exporter"],
    );
    assert.equal(result.score, 0);
  });

  it("renders unknown template names as ? rather than failing", () => {
    const result = scoreShipment(
      oneRule({ firstSeen: "shipper" }, {}, "{party} / {nothing} / {billOfLading}"),
      shipment({ flags: { firstSeenShipper: true } }),
    );
    assert.equal(result.hits[0]?.explanation, "SIERRA GRAIN CO / ? / ONEYLAX0001");
  });

  it("firedRuleIds agrees with scoreShipment on synthetic shipments", () => {
    for (let i = 0; i < 300; i++) {
      const facts = syntheticShipment(7, i);
      assert.deepEqual(
        firedRuleIds(compiled, facts).sort(),
        scoreShipment(compiled, facts)
          .hits.map((h) => h.ruleId)
          .sort(),
      );
    }
  });
});

describe("randomSelect", () => {
  it("is deterministic per (seed, key) and changes with the seed", () => {
    assert.deepEqual(randomSelect("JP-2026", "S-1", 0.1), randomSelect("JP-2026", "S-1", 0.1));
    assert.notEqual(randomSelect("JP-2026", "S-1", 0.1).draw, randomSelect("JP-2027", "S-1", 0.1).draw);
  });

  it("selects about `rate` of shipments, and rate 0 / 1 select none / all", () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `S-${i}`);
    const share = keys.filter((k) => randomSelect("seed", k, 0.05).selected).length / keys.length;
    assert.ok(Math.abs(share - 0.05) < 0.006, `share ${share}`);
    assert.equal(
      keys.some((k) => randomSelect("seed", k, 0).selected),
      false,
    );
    assert.equal(
      keys.every((k) => randomSelect("seed", k, 1).selected),
      true,
    );
  });

  it("is attached to the score when the rule set has a rate", () => {
    const result = scoreShipment(compileRuleSet(usOutboundJapanRuleSet(), noLists), shipment());
    assert.deepEqual(result.random, randomSelect("JP-CUSTOMS-2026", "S-1", 0.01));
  });
});
