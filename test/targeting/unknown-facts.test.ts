import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { factsFromManifest } from "../../src/targeting/from-manifest.ts";
import {
  compileRuleSet,
  firedRuleIds,
  scoreShipment,
  usCbpOutboundRuleSet,
  usOutboundJapanRuleSet,
  type Condition,
  type TargetingDeps,
} from "../../src/targeting/index.ts";
import { parseMessageText } from "../../src/trade/detect.ts";
import { oneRule, shipment } from "./helpers.ts";

const noLists: TargetingDeps = { watchlist: () => undefined, screenParty: () => undefined };
const partner = compileRuleSet(usOutboundJapanRuleSet(), noLists);
const host = compileRuleSet(usCbpOutboundRuleSet(), noLists);

function fired(when: Condition, overrides: Record<string, unknown> = {}): boolean {
  return scoreShipment(oneRule(when), shipment(overrides)).hits.length > 0;
}

function ruleIds(result: ReturnType<typeof scoreShipment>): string[] {
  return result.hits.map((h) => h.ruleId);
}

describe("a fact that is unknown never counts as the fact", () => {
  it("not, all and any of an unknown fact are unknown, so the rule does not fire", () => {
    const noHs = { goods: [{ description: "WHEAT IN BULK BAGS", grossWeightKg: 24_000 }] };
    assert.equal(fired({ not: { hsPrefix: ["7204"] } }, noHs), false, "no HS code: not known to be outside 7204");
    assert.equal(fired({ not: { hsPrefix: ["7204"] } }), true, "a known code outside 7204");
    assert.equal(
      fired({ all: [{ not: { hsPrefix: ["7204"] } }, { field: "carrierScac", equals: "ONEY" }] }, noHs),
      false,
    );
    assert.equal(
      fired({ all: [{ hsPrefix: ["7204"] }, { not: { field: "fields.incoterms", equals: "EXW" } }] }, noHs),
      false,
      "a failing part decides an all",
    );
    assert.equal(
      fired({ any: [{ not: { hsPrefix: ["7204"] } }, { field: "carrierScac", equals: "ONEY" }] }, noHs),
      true,
      "a holding part decides an any",
    );
    assert.equal(
      fired({ not: { field: "declaredValueUsd", range: { max: 2500 } } }),
      false,
      "no declared value is not a high one",
    );
    assert.equal(
      fired({ not: { field: "portOfLoading", in: ["USLAX"] } }, { portOfLoading: "" }),
      false,
      "no port of loading is not an unusual one",
    );
    assert.equal(fired({ not: { field: "transshipmentPorts", in: ["CNSHA"] } }), true, "no relay port is a known fact");
  });

  it("a shipment without a filing time is not filed late: 0 points where it used to get 45", () => {
    const result = scoreShipment(partner, shipment({ filedAt: undefined }));
    assert.deepEqual(
      ruleIds(result).filter((id) => id.startsWith("filing.")),
      [],
    );
    assert.deepEqual(
      result.notAssessed
        .filter((n) => n.ruleId.startsWith("filing.late") || n.ruleId === "filing.after-cutoff")
        .map((n) => n.ruleId)
        .sort(),
      ["filing.after-cutoff", "filing.late-24h"],
    );
  });

  it("counts rules it could not assess as data missing once, with its own small weight and explanation", () => {
    const result = scoreShipment(partner, shipment({ filedAt: undefined }));
    const missing = result.hits.filter((h) => h.ruleId === "data.missing");
    assert.equal(missing.length, 1);
    assert.equal(missing[0]?.weight, 5);
    assert.equal(
      missing[0]?.explanation,
      "Not assessed for want of filing time: filing.late-24h, filing.after-cutoff.",
    );
    assert.equal(result.score, 5);
    assert.ok(firedRuleIds(partner, shipment({ filedAt: undefined })).includes("data.missing"));
    const noCutoff = scoreShipment(partner, shipment({ loadingCutoff: undefined, etd: undefined }));
    assert.match(noCutoff.hits.find((h) => h.ruleId === "data.missing")?.explanation ?? "", /loading cut-off or ETD/);
  });

  it("facts the source does not carry are neither findings nor data missing (manifest files have no filing time or ITN)", () => {
    const csv = [
      "bill_of_lading,port_of_loading,port_of_discharge,final_destination,shipper_name,shipper_address,consignee_name,consignee_address,container_number,size_type,hs_code,description,packages,gross_weight_kg,etd,vessel_imo",
      "ALM0000001,USLAX,JPTYO,,PACIFIC FARMS LLC,1 MAIN ST FRESNO CA,ASAHI SHOJI CO LTD,1-1 MARUNOUCHI TOKYO,MWCU6059784,45G1,080212,CALIFORNIA ALMONDS SHELLED,1000,19000,2026-11-20T12:00,9321483",
    ].join("\n");
    const [record] = parseMessageText(csv, { file: "m.csv" }).shipments;
    assert.ok(record);
    const facts = factsFromManifest(record, "ALM0000001");
    for (const compiled of [partner, host]) {
      const result = scoreShipment(compiled, facts);
      assert.deepEqual(result.hits, [], `${compiled.ruleSet.id}: ${JSON.stringify(result.hits)}`);
      assert.equal(result.score, 0);
      const notAssessed = Object.fromEntries(result.notAssessed.map((n) => [n.ruleId, n]));
      assert.deepEqual(notAssessed["filing.no-itn"]?.notCarried, ["itn"]);
      assert.deepEqual(notAssessed["filing.late-24h"]?.notCarried, ["filedAt"]);
      assert.deepEqual(notAssessed["party.first-seen-shipper"]?.notCarried, ["flags.firstSeenShipper"]);
    }
  });

  it("filing.no-itn fires when the filer left the ITN out, not when the source has no ITN", () => {
    assert.ok(ruleIds(scoreShipment(host, shipment({ itn: undefined }))).includes("filing.no-itn"));
    assert.ok(!ruleIds(scoreShipment(host, shipment({ itn: undefined, unknown: ["itn"] }))).includes("filing.no-itn"));
  });

  it("incomplete still reports what the filer left empty", () => {
    const result = scoreShipment(
      partner,
      shipment({ goods: [{ description: "WHEAT IN BULK BAGS", grossWeightKg: 24_000 }] }),
    );
    assert.equal(
      result.hits.find((h) => h.ruleId === "filing.incomplete-core")?.explanation,
      "Incomplete at filing: goods.hsCode.",
    );
  });
});

describe("filing against the loading cut-off is counted once", () => {
  for (const compiled of [partner, host]) {
    it(`${compiled.ruleSet.id}: late within 24 h is late-24h only, after the cut-off is after-cutoff only`, () => {
      const late = scoreShipment(compiled, shipment({ filedAt: "2026-11-19T06:00:00Z" }));
      assert.deepEqual(
        ruleIds(late).filter((id) => id.startsWith("filing.")),
        ["filing.late-24h"],
      );
      const after = scoreShipment(compiled, shipment({ filedAt: "2026-11-19T20:00:00Z" }));
      assert.deepEqual(
        ruleIds(after).filter((id) => id.startsWith("filing.")),
        ["filing.after-cutoff"],
      );
      assert.equal(
        after.hits.find((h) => h.ruleId === "filing.after-cutoff")?.explanation,
        "Filed 8 h after the loading cut-off: no time to target before loading.",
      );
      assert.equal(after.score, 30);
    });
  }
});
