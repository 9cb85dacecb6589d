import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scoreShipment, type Condition, type TargetingDeps } from "../../src/targeting/index.ts";
import { oneRule, shipment } from "./helpers.ts";

function fires(when: Condition, overrides: Record<string, unknown> = {}, deps: TargetingDeps = {}) {
  return scoreShipment(oneRule(when, deps), shipment(overrides)).hits[0]?.evidence;
}

describe("field conditions", () => {
  it("equals, in, prefix and range look at any value on the path", () => {
    assert.ok(fires({ field: "carrierScac", equals: "ONEY" }));
    assert.equal(fires({ field: "carrierScac", equals: "MAEU" }), undefined);
    assert.deepEqual(fires({ field: "containers.sizeType", in: ["45G1", "22G1"] }), {
      containerNo: "MSKU1234565",
      sizeType: "22G1",
      field: "containers.sizeType",
      value: "22G1",
    });
    assert.ok(fires({ field: "consignee.country", prefix: ["J"] }));
    assert.ok(fires({ field: "goods.grossWeightKg", range: { min: 20_000, max: 30_000 } }));
    assert.equal(fires({ field: "goods.grossWeightKg", range: { max: 1_000 } }), undefined);
    assert.ok(fires({ field: "teu", range: { min: 1, max: 1 } }));
  });

  it("present: false fires on a missing field; fields.* reaches any other manifest field", () => {
    assert.deepEqual(fires({ field: "vesselName", present: false }), { field: "vesselName", value: "(missing)" });
    assert.ok(fires({ field: "fields.incoterms", equals: "EXW" }, { fields: { incoterms: "EXW" } }));
  });

  it("text patterns match whole words, phrases and globs, case- and punctuation-insensitively", () => {
    const goods = (description: string) => ({ goods: [{ hsCode: "9999", description }] });
    assert.equal(
      fires({ field: "goods.description", text: { words: ["FAK"] } }, goods("f.a.k. cargo"))?.pattern,
      undefined,
      "F A K is three words",
    );
    assert.equal(
      fires({ field: "goods.description", text: { words: ["FAK"] } }, goods("FAK - freight all kinds"))?.pattern,
      "FAK",
    );
    assert.equal(fires({ field: "goods.description", text: { words: ["FAK"] } }, goods("FAKE FUR")), undefined);
    assert.equal(
      fires(
        { field: "goods.description", text: { words: ["said to contain"] } },
        goods("1 x 40' SAID TO CONTAIN: tiles"),
      )?.pattern,
      "SAID TO CONTAIN",
    );
    assert.ok(fires({ field: "goods.description", text: { globs: ["PARTS"] } }, goods("parts")));
    assert.equal(fires({ field: "goods.description", text: { globs: ["PARTS"] } }, goods("AUTO PARTS")), undefined);
    assert.ok(
      fires({ field: "goods.description", text: { globs: ["*GENERAL*CARGO*"] } }, goods("consol general dry cargo")),
    );
    assert.ok(fires({ field: "goods.description", text: { empty: true } }, goods("  ")));
  });

  it("treats rule text as data: regex metacharacters and code-looking strings are literals", () => {
    const goods = { goods: [{ hsCode: "9999", description: "ANYTHING AT ALL" }] };
    assert.throws(() => oneRule({ field: "goods.description", text: { contains: [".*"] } }), /no letters or digits/);
    assert.equal(fires({ field: "goods.description", text: { words: ["${process.exit(1)}"] } }, goods), undefined);
    assert.equal(fires({ field: "goods.description", text: { globs: ["(a+)+$"] } }, goods), undefined);
  });
});

describe("domain conditions", () => {
  it("HS prefixes match normalised codes and leave the goods line as evidence", () => {
    const e = fires(
      { hsPrefix: ["3104"] },
      { goods: [{ hsCode: "3104.20.0000", description: "POTASH", grossWeightKg: 25_000 }] },
    );
    assert.deepEqual(e, { line: 1, hsCode: "310420", description: "POTASH", hsPrefix: "3104" });
  });

  it("norm looks up the NORM table of src/trade", () => {
    const e = fires(
      { norm: "explain-or-escalate" },
      { goods: [{ hsCode: "7204.49", description: "HMS SCRAP", grossWeightKg: 25_000 }] },
    );
    assert.equal(e?.normKind, "explain-or-escalate");
    assert.equal(fires({ norm: "any" }), undefined, "wheat is not NORM");
  });

  it("transshipment: a declared relay port, or discharge elsewhere than the final destination", () => {
    assert.deepEqual(
      fires({ transshipment: { via: ["KRPUS"] } }, { portOfDischarge: "KRPUS", finalDestination: "JPYOK" }),
      { via: "KRPUS", portOfDischarge: "KRPUS", finalDestination: "JPYOK" },
    );
    assert.ok(fires({ transshipment: { viaCountry: ["CN"] } }, { transshipmentPorts: ["CNSHA"] }));
    assert.equal(fires({ transshipment: {} }), undefined, "direct call");
  });

  it("port and country conditions per route point and per party", () => {
    assert.ok(fires({ port: { at: "loading", in: ["USLAX"] } }));
    assert.ok(fires({ country: { of: "finalDestination", in: ["JP"] } }));
    assert.deepEqual(fires({ country: { of: "consignee", in: ["JP"] } }), {
      country: "JP",
      party: "OSAKA FOODS KK",
      of: "consignee",
    });
    assert.equal(fires({ country: { of: "shipper", in: ["JP"] } }), undefined);
  });

  it("watchlist and screening use the lookups given at compile time", () => {
    const watchlist: TargetingDeps["watchlist"] = (subject, key) =>
      subject === "vessel" && key === "9321483" ? { list: "JP-WATCH", id: "v1", reason: "AIS gaps" } : undefined;
    assert.equal(fires({ watchlist: { subject: "vessel" } }, {}, { watchlist })?.reason, "AIS gaps");
    assert.equal(fires({ watchlist: { subject: "party" } }, {}, { watchlist }), undefined);
    const screenParty: TargetingDeps["screenParty"] = (p) =>
      p.role === "consignee" ? { score: 0.85, list: "SDN", id: "1", name: "X", matched: "X" } : undefined;
    assert.equal(fires({ screening: { minScore: 0.8 } }, {}, { screenParty })?.screeningScore, 0.85);
    assert.equal(fires({ screening: { minScore: 0.9 } }, {}, { screenParty }), undefined);
  });

  it("first-seen parties come from the flags the app supplies", () => {
    assert.ok(fires({ firstSeen: "shipper" }, { flags: { firstSeenShipper: true } }));
    assert.equal(fires({ firstSeen: "consignee" }, { flags: { firstSeenShipper: true } }), undefined);
  });

  it("weight plausibility: too light for dense goods, too heavy for light goods, above payload", () => {
    const potash = (kg: number, sizeType = "22G1") => ({
      goods: [{ hsCode: "3104.20", description: "POTASH", grossWeightKg: kg }],
      containers: [{ containerNo: "MSKU1234565", sizeType }],
    });
    assert.equal(fires({ weightImplausible: {} }, potash(3_000))?.weightReason, "too light for the goods");
    assert.equal(fires({ weightImplausible: {} }, potash(24_000)), undefined);
    assert.equal(fires({ weightImplausible: {} }, potash(24_000, "45G1")), undefined, "12 t/TEU in a 40' box is fine");
    assert.equal(fires({ weightImplausible: {} }, potash(31_000))?.weightReason, "above payload");
    const sofas = {
      goods: [{ hsCode: "9401.61", description: "SOFAS", grossWeightKg: 24_000 }],
      containers: [{ containerNo: "MSKU1234565", sizeType: "45G1" }],
    };
    assert.equal(fires({ weightImplausible: {} }, sofas)?.weightReason, "too heavy for the goods");
  });

  it("filed late relative to the loading cut-off; never without a filing time or a cut-off", () => {
    assert.equal(fires({ filedLate: { hoursBeforeCutoff: 24 } }), undefined, "filed 48 h before");
    assert.equal(
      fires({ filedLate: { hoursBeforeCutoff: 24 } }, { filedAt: "2026-11-19T06:00:00Z" })?.hoursBeforeCutoff,
      6,
    );
    const after = fires({ filedLate: { hoursBeforeCutoff: 0 } }, { filedAt: "2026-11-19T15:00:00Z" });
    assert.deepEqual([after?.hoursBeforeCutoff, after?.hoursAfterCutoff], [-3, 3]);
    assert.equal(
      fires({ filedLate: { hoursBeforeCutoff: 24 } }, { filedAt: undefined }),
      undefined,
      "no filing time is not a late filing",
    );
    assert.equal(
      fires({ filedLate: { hoursBeforeCutoff: 24 } }, { loadingCutoff: undefined, etd: undefined }),
      undefined,
      "no cut-off, no lateness",
    );
  });

  it("incomplete lists the missing fields, checking every goods line", () => {
    const e = fires(
      { incomplete: { fields: ["goods.hsCode", "vesselImo", "notify.name"] } },
      { goods: [{ hsCode: "1001", description: "WHEAT" }, { description: "BAGS" }] },
    );
    assert.deepEqual(e?.missing, ["goods.hsCode", "notify.name"]);
  });
});

describe("combinators", () => {
  it("all merges evidence, any takes the first that holds, not inverts", () => {
    const all = fires({
      all: [{ field: "carrierScac", equals: "ONEY" }, { country: { of: "consignee", in: ["JP"] } }],
    });
    assert.equal(all?.country, "JP");
    assert.equal(all?.value, "ONEY");
    assert.equal(fires({ all: [{ field: "carrierScac", equals: "ONEY" }, { firstSeen: "shipper" }] }), undefined);
    assert.equal(fires({ any: [{ firstSeen: "shipper" }, { field: "carrierScac", equals: "ONEY" }] })?.value, "ONEY");
    assert.deepEqual(fires({ not: { firstSeen: "shipper" } }, { flags: { firstSeenShipper: false } }), {});
    assert.equal(fires({ not: { firstSeen: "shipper" } }), undefined, "not of an unknown fact is unknown");
  });
});
