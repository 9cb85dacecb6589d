import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  compileRuleSet,
  hsFit,
  scoreShipment,
  usCbpOutboundRuleSet,
  usOutboundJapanRuleSet,
  type TargetingDeps,
} from "../../src/targeting/index.ts";
import { shipment } from "./helpers.ts";

const noLists: TargetingDeps = { watchlist: () => undefined, screenParty: () => undefined };
const partner = compileRuleSet(usOutboundJapanRuleSet(), noLists);
const host = compileRuleSet(usCbpOutboundRuleSet(), noLists);

/** Rule ids fired by both agencies' rules on one goods line (and containers), which must agree. */
function fired(goods: { hsCode?: string; description: string; grossWeightKg?: number }, sizeType = "22G1"): string[] {
  const facts = shipment({
    goods: [{ grossWeightKg: 12_000, ...goods }],
    containers: [{ containerNo: "MSKU1234565", sizeType }],
  });
  const ids = scoreShipment(partner, facts)
    .hits.map((h) => h.ruleId)
    .sort();
  assert.deepEqual(
    scoreShipment(host, facts)
      .hits.map((h) => h.ruleId)
      .filter((id) => !id.startsWith("strategic.") && !id.startsWith("vehicles."))
      .sort(),
    ids.filter((id) => !id.startsWith("strategic.")),
  );
  return ids;
}

describe("vague descriptions, in the ways shippers write them", () => {
  it("'MACHINERY & SPARES', 'PARTS' and '2 PALLETS OF SPARE PARTS' say nothing of the goods", () => {
    for (const description of ["MACHINERY & SPARES", "PARTS", "2 PALLETS OF SPARE PARTS", "Goods as per invoice"]) {
      assert.deepEqual(fired({ hsCode: "8479.89", description }), ["description.vague"], description);
    }
  });

  it("'F/A/K', 'FAK - freight all kinds' and 'Freight of all kinds' are freight-all-kinds", () => {
    for (const description of ["F/A/K", "FAK - FREIGHT ALL KINDS", "Freight of all kinds"]) {
      assert.deepEqual(fired({ hsCode: "3926.90", description }), ["description.fak"], description);
    }
  });

  it("'GEN. MDSE.', 'GENERAL CARGO' and 'MISC. ITEMS' are general cargo, counted once", () => {
    for (const description of ["GEN. MDSE.", "GENERAL CARGO", "MISC. ITEMS", "Consolidated cargo"]) {
      assert.deepEqual(fired({ hsCode: "3926.90", description }), ["description.general-cargo"], description);
    }
  });

  it("precise descriptions with generic words in them are not vague", () => {
    for (const [hsCode, description] of [
      ["8708.99", "AUTO PARTS"],
      ["8422.40", "PACKAGING MACHINERY AND SPARE PARTS"],
      ["8471.30", "PORTABLE COMPUTERS AND ACCESSORIES"],
    ] as const) {
      assert.deepEqual(fired({ hsCode, description }), [], description);
    }
  });
});

describe("a description that does not fit its HS heading", () => {
  it("a water-jet cutter declared as industrial cleaning equipment under 8456.50", () => {
    const result = scoreShipment(
      partner,
      shipment({ goods: [{ hsCode: "8456.50", description: "INDUSTRIAL CLEANING EQUIPMENT", grossWeightKg: 6_000 }] }),
    );
    const hit = result.hits.find((h) => h.ruleId === "description.hs-mismatch");
    assert.ok(hit, JSON.stringify(result.hits));
    assert.match(
      hit.explanation,
      /^Line 1 is described as "INDUSTRIAL CLEANING EQUIPMENT", which does not fit HS 845650: heading 8456 is "Machine-tools; for working any material/,
    );
    assert.equal(hsFit("845650", "WATER JET CUTTING MACHINE").fit, "fits");
  });

  it("everyday descriptions fit their headings, with the words shippers use ('SOYBEANS', 'LAPTOP', 'FERTILISER', 'ALUMINUM')", () => {
    const lines: Array<[string, string]> = [
      ["310420", "MURIATE OF POTASH 60% K2O IN BULK BAGS"],
      ["310430", "POTASSIUM SULFATE FERTILISER"],
      ["690721", "PORCELAIN FLOOR TILES"],
      ["680293", "GRANITE COUNTERTOPS"],
      ["080390", "BANANAS CAVENDISH FRESH"],
      ["180500", "COCOA POWDER UNSWEETENED"],
      ["250810", "BENTONITE CLAY CAT LITTER"],
      ["261510", "ZIRCON SAND"],
      ["080212", "CALIFORNIA ALMONDS SHELLED"],
      ["121490", "TIMOTHY HAY DOUBLE COMPRESSED"],
      ["020230", "FROZEN BEEF SHORT PLATE"],
      ["040690", "CHEDDAR CHEESE BLOCKS"],
      ["040620", "SHREDDED MOZZARELLA CHEESE"],
      ["220421", "WINE 750ML BOTTLES"],
      ["120190", "NON-GMO SOYBEANS"],
      ["230400", "SOYBEAN MEAL"],
      ["470710", "WASTE PAPER KRAFT OCC 11"],
      ["720449", "HMS 1&2 FERROUS SCRAP"],
      ["760200", "ALUMINUM UBC SCRAP"],
      ["391590", "HDPE REGRIND FLAKES"],
      ["870323", "USED SUV WITH TITLE"],
      ["870899", "VEHICLE SPARE PARTS"],
      ["847130", "LAPTOP COMPUTERS"],
      ["851762", "NETWORK SWITCHES AND ROUTERS"],
      ["851762", "TELECOMMUNICATION EQUIPMENT"],
      ["300490", "MEDICAMENTS IN DOSAGE FORM"],
      ["330499", "COSMETICS AND SKIN CARE PREPARATIONS"],
      ["940360", "OFFICE FURNITURE"],
      ["950300", "PLASTIC TOYS AND GAMES"],
      ["401110", "NEW PASSENGER CAR TYRES"],
      ["284420", "ENRICHED URANIUM COMPOUNDS UNDER NRC LICENSE"],
      ["440711", "SAWN PINE LUMBER"],
      ["611020", "COTTON SWEATERS"],
      ["845811", "CNC LATHES"],
      ["810921", "ZIRCONIUM SPONGE NUCLEAR GRADE"],
      ["902229", "INDUSTRIAL RADIOGRAPHY EQUIPMENT"],
    ];
    const misfits = lines.filter(([code, description]) => hsFit(code, description).fit !== "fits");
    assert.deepEqual(misfits, []);
  });

  it("cannot be judged on a vague description or an unknown code, so it does not fire", () => {
    assert.equal(hsFit("392690", "GENERAL CARGO").fit, "unknown");
    assert.equal(hsFit("999900", "WIDGETS").fit, "unknown");
    assert.ok(!fired({ description: "WIDGETS" }).includes("description.hs-mismatch"));
  });
});

describe("container type against perishable goods, both ways", () => {
  it("frozen goods in a dry box are flagged, in a reefer they are not", () => {
    assert.deepEqual(fired({ hsCode: "0202.30", description: "FROZEN BONELESS BEEF" }, "45G1"), [
      "equipment.perishable-in-dry-box",
    ]);
    assert.deepEqual(fired({ hsCode: "0202.30", description: "FROZEN BONELESS BEEF" }, "45R1"), []);
    assert.deepEqual(
      fired({ hsCode: "1602.50", description: "BEEF PATTIES KEEP FROZEN" }, "42G1"),
      ["equipment.perishable-in-dry-box"],
      "frozen by its description",
    );
  });

  it("non-perishable goods in a reefer are flagged; pharmaceuticals in reefers are not", () => {
    assert.deepEqual(fired({ hsCode: "8471.30", description: "LAPTOP COMPUTERS", grossWeightKg: 6_000 }, "45R1"), [
      "equipment.reefer-non-perishable",
    ]);
    assert.deepEqual(
      fired({ hsCode: "3004.90", description: "PHARMACEUTICAL PRODUCTS", grossWeightKg: 6_000 }, "45R1"),
      [],
    );
    assert.deepEqual(
      fired({ hsCode: "3002.41", description: "VACCINES FOR HUMAN MEDICINE", grossWeightKg: 6_000 }, "22R1"),
      [],
    );
  });

  it("a reefer with a line of unknown goods is not called non-perishable", () => {
    assert.deepEqual(
      fired({ description: "CHILLED SALMON FILLETS" }, "45R1").filter((id) => id.startsWith("equipment.")),
      [],
    );
  });
});

describe("scrap", () => {
  it("'SHREDDED' mozzarella is not undeclared scrap", () => {
    assert.deepEqual(fired({ hsCode: "0406.20", description: "SHREDDED MOZZARELLA CHEESE" }, "45R1"), []);
  });

  it("shredded steel scrap under a heading other than waste and scrap is", () => {
    assert.deepEqual(fired({ hsCode: "7308.90", description: "SHREDDED STEEL SCRAP", grossWeightKg: 20_000 }), [
      "scrap.described-not-classified",
    ]);
  });

  it("plastic scrap classified as plastic waste (3915) is not undeclared scrap", () => {
    assert.deepEqual(
      fired({ hsCode: "3915.90", description: "PLASTIC SCRAP REGRIND", grossWeightKg: 18_000 }, "45G1"),
      [],
    );
  });
});
