import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateWorld } from "../../src/domain/demo/world.ts";
import { isValidImo } from "../../src/trade/imo.ts";
import { parseContainerNumber } from "../../src/trade/iso6346.ts";

const anchor = new Date("2026-11-27T00:00:00Z");
const world = generateWorld({ seed: 20021, anchor, shipments: 5000 });

describe("demo world", () => {
  it("is deterministic for a seed and differs for another", () => {
    const again = generateWorld({ seed: 20021, anchor, shipments: 5000 });
    assert.deepEqual(again.shipments.slice(0, 50), world.shipments.slice(0, 50));
    assert.equal(again.shipments.length, world.shipments.length);
    const other = generateWorld({ seed: 1, anchor, shipments: 5000 });
    assert.notEqual(other.shipments[0]?.billOfLading, world.shipments[0]?.billOfLading);
  });

  it("has about the number of shipments asked for, over 30 days of voyages", () => {
    assert.ok(Math.abs(world.shipments.length - 5000) < 250, `${world.shipments.length}`);
    const etds = world.voyages.map((v) => v.etd.getTime());
    const spanDays = (Math.max(...etds) - Math.min(...etds)) / 86_400_000;
    assert.ok(spanDays > 25 && spanDays <= 30, `${spanDays}`);
  });

  it("uses valid ISO 6346 container numbers and IMO vessel numbers, each container once", () => {
    const containers = world.shipments.flatMap((s) => s.containers.map((c) => c.containerNo));
    for (const c of containers) {
      const parsed = parseContainerNumber(c);
      assert.ok(parsed.ok, `${c}: ${parsed.ok ? "" : parsed.reason}`);
    }
    assert.equal(new Set(containers).size, containers.length);
    for (const v of world.vessels) {
      assert.ok(isValidImo(v.imo), v.imo);
    }
  });

  it("ships from LA/LB to the six destination countries, Japan among them via transshipment too", () => {
    const countries = new Set(world.shipments.map((s) => (s.finalDestination ?? s.portOfDischarge).slice(0, 2)));
    assert.deepEqual([...countries].sort(), ["AU", "CN", "JP", "KR", "TW", "VN"]);
    assert.ok(world.shipments.every((s) => s.portOfLoading === "USLAX" || s.portOfLoading === "USLGB"));
    assert.ok(world.shipments.some((s) => s.portOfDischarge === "KRPUS" && s.finalDestination?.startsWith("JP")));
    const kobe = world.shipments.filter((s) => s.portOfDischarge === "JPUKB").length;
    assert.ok(kobe > 0, "Kobe is JPUKB");
  });

  it("carries the commodities known to set off radiation portals", () => {
    const chapters = new Set(world.shipments.flatMap((s) => s.goods.map((g) => g.hsCode.slice(0, 4))));
    for (const heading of ["3104", "6907", "6802", "0803"]) {
      assert.ok(chapters.has(heading), `no ${heading}`);
    }
  });

  it("files most manifests before the loading cut-off and a few late", () => {
    const voyages = new Map(world.voyages.map((v) => [v.id, v]));
    const late = world.shipments.filter(
      (s) => s.filedAt > (voyages.get(s.voyageId)?.loadingCutoff ?? s.filedAt),
    ).length;
    const share = late / world.shipments.length;
    assert.ok(share > 0.005 && share < 0.08, `${share}`);
    for (const v of world.voyages) {
      assert.ok(v.loadingCutoff < v.etd);
    }
  });
});

describe("demo world: Japanese consignees in their own script", () => {
  it("gives some of Japan's consignees a native name beside the romanised one, and nobody else", () => {
    const japanese = world.shipments.filter((s) => s.consignee.country === "JP");
    const native = japanese.filter((s) => s.consignee.nativeName);
    assert.ok(
      native.length > japanese.length / 4 && native.length < japanese.length,
      `${native.length} of ${japanese.length}`,
    );
    assert.ok(world.shipments.every((s) => s.consignee.country === "JP" || s.consignee.nativeName === undefined));
    const kitagawa = native.find((s) => s.consignee.name.startsWith("KITAGAWA "));
    assert.ok(kitagawa, "a KITAGAWA consignee");
    assert.match(kitagawa.consignee.nativeName ?? "", /北川/);
    for (const s of native) {
      assert.match(s.consignee.nativeName ?? "", /[\u3040-\u30FF\u4E00-\u9FFF]/u, s.consignee.name);
    }
  });
});
