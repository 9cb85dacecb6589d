import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  compileRuleSet,
  riskLevel,
  scoreShipment,
  usCbpOutboundRuleSet,
  usOutboundJapanRuleSet,
  type TargetingDeps,
} from "../../src/targeting/index.ts";
import { syntheticMonth } from "../../src/targeting/synthetic.ts";

const noLists: TargetingDeps = { watchlist: () => undefined, screenParty: () => undefined };

describe("ranking a month with seeded risky shipments and decoys", () => {
  const month = syntheticMonth(11, { shipments: 10_000, risky: 50, decoys: 200 });

  it("is the same month for the same seed, with what was seeded", () => {
    assert.deepEqual(
      syntheticMonth(11, { shipments: 300, risky: 5, decoys: 10 }),
      syntheticMonth(11, { shipments: 300, risky: 5, decoys: 10 }),
    );
    assert.equal(month.filter((m) => m.label === "risky").length, 50);
    assert.ok(month.filter((m) => m.label === "risky").every((m) => m.signals.length >= 3));
    assert.ok(month.filter((m) => m.label === "decoy").every((m) => m.signals.length === 1));
  });

  for (const input of [usOutboundJapanRuleSet(), usCbpOutboundRuleSet()]) {
    const compiled = compileRuleSet(input, noLists);
    it(`${compiled.ruleSet.id}: most risky shipments rank in the top 1 %, and no decoy asks for a look`, () => {
      const scored = month.map((m) => ({
        label: m.label,
        key: m.facts.shipmentKey,
        score: scoreShipment(compiled, m.facts).score,
      }));
      scored.sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));
      const top = scored.slice(0, month.length / 100);
      const riskyInTop = top.filter((s) => s.label === "risky").length;
      assert.ok(riskyInTop >= 35, `${riskyInTop} of 50 risky shipments in the top 1 %`);
      assert.equal(top.filter((s) => s.label === "decoy").length, 0);
      assert.deepEqual(
        scored.filter((s) => s.label === "decoy" && riskLevel(s.score, compiled.ruleSet.thresholds) !== "low"),
        [],
      );
    });
  }
});
