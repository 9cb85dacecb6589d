import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { explainHit, JA_EXPLANATIONS } from "../../src/targeting/explanations-ja.ts";
import { DATA_MISSING_RULE_ID } from "../../src/targeting/schema.ts";
import { templateNames } from "../../src/targeting/template.ts";

const dir = path.resolve("src/targeting/rulesets");
const sets = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map(
    (f) =>
      JSON.parse(readFileSync(path.join(dir, f), "utf8")) as {
        rules: { id: string; explanation: string }[];
        dataMissing?: { explanation: string };
      },
  );

describe("Japanese explanations of the shipped rule sets", () => {
  it("cover every rule and use only names the English template fills", () => {
    for (const set of sets) {
      const rules = [
        ...set.rules,
        ...(set.dataMissing ? [{ id: DATA_MISSING_RULE_ID, explanation: set.dataMissing.explanation }] : []),
      ];
      for (const rule of rules) {
        const ja = JA_EXPLANATIONS[rule.id];
        assert.ok(ja, `no Japanese template for ${rule.id}`);
        const english = new Set(templateNames(rule.explanation));
        for (const name of templateNames(ja)) {
          assert.ok(english.has(name), `${rule.id}: {${name}} is not in the English template`);
        }
      }
    }
  });

  it("renders a hit in Japanese from its evidence, and keeps English for English readers or unfilled names", () => {
    const hit = {
      ruleId: "party.first-seen-consignee",
      explanation: "First shipment seen to consignee YAMATO SHOJI.",
      evidence: { party: "YAMATO SHOJI" },
    };
    assert.equal(explainHit(hit, "ja", {}), "荷受人 YAMATO SHOJI あての初めての貨物。");
    assert.equal(explainHit(hit, "en", {}), hit.explanation);
    assert.equal(
      explainHit({ ...hit, evidence: {} }, "ja", {}),
      hit.explanation,
      "no evidence for {party}: the stored text",
    );
    assert.equal(explainHit({ ...hit, ruleId: "agency.own-rule" }, "ja", {}), hit.explanation);
  });
});
