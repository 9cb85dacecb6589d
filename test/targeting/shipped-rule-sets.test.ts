import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  compileRuleSet,
  parseRuleSet,
  scoreShipment,
  shippedRuleSets,
  startingRuleSetFor,
  usCbpOutboundRuleSet,
  usOutboundJapanRuleSet,
  type Condition,
  type TargetingDeps,
} from "../../src/targeting/index.ts";
import { findHs } from "../../src/trade/index.ts";
import { shipment } from "./helpers.ts";

const noLists: TargetingDeps = { watchlist: () => undefined, screenParty: () => undefined };

/** Every condition of a tree, depth first. */
function* conditions(c: Condition): Generator<Condition> {
  yield c;
  if ("all" in c) {
    for (const x of c.all) {
      yield* conditions(x);
    }
  } else if ("any" in c) {
    for (const x of c.any) {
      yield* conditions(x);
    }
  } else if ("not" in c) {
    yield* conditions(c.not);
  }
}

describe("shipped rule sets", () => {
  for (const { file, ruleSet: input } of shippedRuleSets()) {
    const ruleSet = parseRuleSet(input);

    it(`${file}: every HS code is an HS 2022 chapter, heading or subheading`, () => {
      const wrong: string[] = [];
      let count = 0;
      for (const rule of ruleSet.rules) {
        for (const c of conditions(rule.when)) {
          for (const code of "hsPrefix" in c ? c.hsPrefix : []) {
            count++;
            if (![2, 4, 6].includes(code.length) || findHs(code)?.code !== code) {
              wrong.push(`${rule.id}: ${code}`);
            }
          }
          if ("field" in c && c.field === "goods.hsCode" && "prefix" in c) {
            // National chapters (98 U.S. special provisions, 99 temporary legislation) are the point of such a rule.
            assert.deepEqual(
              c.prefix.filter((p) => !["98", "99"].includes(p)),
              [],
              `${rule.id} compares HS codes as text`,
            );
          }
        }
      }
      assert.ok(count > 50, `${count} codes checked`);
      assert.deepEqual(wrong, []);
    });

    it(`${file}: compiles, and a clean shipment fires nothing and is assessed by every rule but those on missing extras`, () => {
      assert.equal(compileRuleSet(ruleSet, noLists).rules.length, ruleSet.rules.length);
      const clean = scoreShipment(compileRuleSet(ruleSet, noLists), shipment());
      assert.deepEqual(clean.hits, []);
      assert.deepEqual(
        clean.notAssessed
          .map((n) => n.missing)
          .flat()
          .sort(),
        [
          "declaredValueUsd",
          "fields.paymentMethod",
          "flags.firstSeenConsignee",
          "flags.firstSeenShipper",
          "flags.knownExporter",
        ],
      );
    });
  }

  it("nuclear-grade zirconium is HS 2022 8109.21 (8109.20 was HS 2017) and is flagged by both agencies", () => {
    assert.equal(findHs("810920"), undefined);
    for (const input of [usOutboundJapanRuleSet(), usCbpOutboundRuleSet()]) {
      const result = scoreShipment(
        compileRuleSet(input, noLists),
        shipment({
          goods: [{ hsCode: "8109.21", description: "ZIRCONIUM SPONGE NUCLEAR GRADE", grossWeightKg: 15_000 }],
        }),
      );
      assert.ok(
        result.hits.some((h) => h.ruleId === "strategic.nuclear"),
        JSON.stringify(result.hits),
      );
    }
  });

  it("each agency starts with its own rule set: the host's for U.S. exports, the partner's for Japan-bound risk", () => {
    assert.equal(parseRuleSet(startingRuleSetFor({ country: "US" }).definition).id, "us-cbp-outbound");
    assert.equal(parseRuleSet(startingRuleSetFor({ country: "JP" }).definition).id, "jp-customs-us-outbound");
    const host = compileRuleSet(usCbpOutboundRuleSet(), noLists);
    const partner = compileRuleSet(usOutboundJapanRuleSet(), noLists);
    const relayed = shipment({ portOfDischarge: "KRPUS", finalDestination: "JPYOK" });
    assert.deepEqual(
      scoreShipment(partner, relayed).hits.map((h) => h.ruleId),
      ["route.transshipment-busan"],
      "the partner watches relays before Japan",
    );
    assert.deepEqual(scoreShipment(host, relayed).hits, [], "the host does not");
    const usedCars = shipment({
      goods: [{ hsCode: "8703.23", description: "USED PASSENGER VEHICLES", grossWeightKg: 3_000 }],
      containers: [{ containerNo: "MSKU1234565", sizeType: "45G1" }],
    });
    assert.deepEqual(
      scoreShipment(host, usedCars).hits.map((h) => h.ruleId),
      ["vehicles.used"],
      "the host watches stolen-vehicle exports",
    );
    assert.deepEqual(scoreShipment(partner, usedCars).hits, []);
  });
});
