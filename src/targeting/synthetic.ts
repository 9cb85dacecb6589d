// Seeded synthetic shipment facts for benchmarks, backtest demos and tests (not the demo world: no database, no ids).
import type { GoodsLine, PartyFacts, ShipmentFacts } from "./facts.ts";

/** mulberry32: a tiny seeded PRNG, enough for reproducible test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Goods = [hs: string, description: string, kgPerTeuMin: number, kgPerTeuMax: number];

const GOODS: Goods[] = [
  ["3104.20", "POTASH FERTILIZER IN BULK BAGS", 18_000, 27_000], ["6907.21", "CERAMIC FLOOR TILES", 14_000, 26_000],
  ["6802.93", "POLISHED GRANITE SLABS", 18_000, 27_000], ["0803.90", "FRESH BANANAS", 9_000, 12_000],
  ["2615.10", "ZIRCON SAND", 20_000, 27_000], ["7204.49", "HMS 1 AND 2 FERROUS SCRAP", 16_000, 26_000],
  ["7602.00", "ALUMINIUM SCRAP TAINT TABOR", 9_000, 20_000], ["8471.30", "LAPTOP COMPUTERS", 2_000, 6_000],
  ["9403.60", "WOODEN FURNITURE", 2_000, 6_000], ["8708.99", "AUTO PARTS", 6_000, 16_000],
  ["1001.99", "WHEAT", 20_000, 26_000], ["0202.30", "FROZEN BONELESS BEEF", 11_000, 13_000],
  ["4407.11", "SAWN PINE LUMBER", 8_000, 14_000], ["3901.10", "POLYETHYLENE RESIN PELLETS", 12_000, 24_000],
  ["6110.20", "COTTON SWEATERS", 2_000, 5_000], ["8458.11", "CNC LATHES", 6_000, 16_000],
  ["2844.40", "RADIOACTIVE ISOTOPES FOR MEDICAL USE", 1_000, 3_000], ["9022.21", "INDUSTRIAL RADIOGRAPHY EQUIPMENT", 1_000, 4_000],
  ["4703.21", "BLEACHED KRAFT PULP", 12_000, 22_000], ["2304.00", "SOYBEAN MEAL", 18_000, 25_000],
  ["", "FAK", 3_000, 15_000], ["9999.00", "GENERAL CARGO", 3_000, 15_000], ["8479.89", "SAID TO CONTAIN MACHINERY PARTS", 4_000, 12_000],
];

const SHIPPERS = ["PACIFIC HARVEST EXPORTS INC", "WEST COAST METALS LLC", "SIERRA GRAIN CO", "GOLDEN STATE FURNITURE", "ACME MACHINE TOOLS CORP",
  "SUNRISE LOGISTICS", "TRI-STAR SCRAP RECYCLING", "MOJAVE MINERALS INC", "CASCADE PULP AND PAPER", "BLUE RIDGE MEDICAL ISOTOPES"];
const CONSIGNEES: Array<[string, string]> = [["MITSUI TRADING KK", "JP"], ["YAMATO SHOJI CO LTD", "JP"], ["TOKYO HOME CENTER KK", "JP"],
  ["KANSAI STEEL WORKS", "JP"], ["ASCOTEC JAPAN KK", "JP"], ["TO ORDER", "JP"], ["HONG KONG BRIGHT TRADING LTD", "HK"], ["SHANGHAI ORIENT IMPEX", "CN"],
  ["NAGOYA PARTS CO LTD", "JP"], ["OSAKA FOODS KK", "JP"]];
const DISCHARGE = ["JPTYO", "JPYOK", "JPUKB", "JPNGO", "JPOSA", "KRPUS", "JPYOK", "JPTYO"];
const SIZE_TYPES = ["22G1", "42G1", "45G1", "45G1", "22G1"];
const SCACS = ["MAEU", "ONEY", "COSU", "EGLV", "HLCU", "MSCU", "CMDU", "YMLU", "HDMU", "ZIMU"];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

function hoursBefore(iso: number, hours: number): string {
  return new Date(iso - hours * 3_600_000).toISOString();
}

const PERISHABLE = new Set(["0803.90", "0202.30"]);

function goodsLines(rand: () => number, goods: Goods, teus: number[], containers: string[]): GoodsLine[] {
  const [hs, description, lo, hi] = goods;
  // Dense goods weigh out at the payload whatever the box; one in twenty declares a weight off the plausible range.
  const skew = rand() < 0.05 ? pick(rand, [0.2, 3]) : 1;
  const kg = Math.round(teus.reduce((sum, teu) => sum + Math.min((lo + rand() * (hi - lo)) * teu, 27_000), 0) * skew);
  const line: GoodsLine = { description, packages: 1 + Math.floor(rand() * 400), packageType: "PK", grossWeightKg: kg };
  if (hs) {
    line.hsCode = hs;
  }
  if (containers.length === 1 && containers[0] && rand() < 0.5) {
    line.containerNo = containers[0];
  }
  return rand() < 0.03 ? [line, { ...line, description: "", grossWeightKg: 0 }] : [line];
}

function parties(rand: () => number): PartyFacts[] {
  const [consignee, country] = pick(rand, CONSIGNEES);
  const out: PartyFacts[] = [
    { role: "shipper", name: pick(rand, SHIPPERS), country: "US", ...(rand() < 0.95 ? { address: "100 MAIN ST, LOS ANGELES CA" } : {}) },
    { role: "consignee", name: consignee, country, ...(rand() < 0.95 ? { address: "1-1 MARUNOUCHI, TOKYO" } : {}) },
  ];
  if (rand() < 0.3) {
    out.push({ role: "notify", name: "NIPPON CUSTOMS BROKERS KK", country: "JP" });
  }
  return out;
}

/** One synthetic U.S.-export shipment bound for Japan (some relayed at Busan), deterministic in (seed, index). */
export function syntheticShipment(seed: number, index: number): ShipmentFacts {
  const rand = seededRandom((seed * 2_654_435_761 + index) >>> 0);
  const boxes = 1 + Math.floor(rand() * rand() * 6);
  const goods = pick(rand, GOODS);
  const reefer = PERISHABLE.has(goods[0]) || rand() < 0.002;
  const sizeTypes = Array.from({ length: boxes }, () => (reefer ? "45R1" : pick(rand, SIZE_TYPES)));
  const containerNos = sizeTypes.map((_, i) => `MSKU${String(1_000_000 + ((index * 7 + i) % 8_999_999)).padStart(7, "0")}`);
  const teus = sizeTypes.map((t) => (t.startsWith("2") ? 1 : 2));
  const etd = Date.UTC(2026, 10, 1) + Math.floor(rand() * 30) * 86_400_000;
  const cutoff = etd - 24 * 3_600_000;
  const discharge = pick(rand, DISCHARGE);
  const facts: ShipmentFacts = {
    shipmentKey: `S${seed}-${index}`,
    billOfLading: `${pick(rand, SCACS)}${String(100_000_000 + index)}`,
    carrierScac: pick(rand, SCACS),
    vesselName: "SYNTHETIC EXPRESS",
    portOfLoading: rand() < 0.97 ? pick(rand, ["USLAX", "USLGB"]) : "USHOU",
    portOfDischarge: discharge,
    finalDestination: discharge === "KRPUS" ? pick(rand, ["JPTYO", "JPYOK", "JPUKB"]) : discharge,
    transshipmentPorts: rand() < 0.05 ? [pick(rand, ["CNSHA", "TWKHH", "SGSIN"])] : [],
    etd: new Date(etd).toISOString(),
    loadingCutoff: new Date(cutoff).toISOString(),
    parties: parties(rand),
    goods: goodsLines(rand, goods, teus, containerNos),
    containers: containerNos.map((containerNo, i) => ({ containerNo, sizeType: sizeTypes[i] ?? "22G1" })),
    flags: { firstSeenShipper: rand() < 0.08, firstSeenConsignee: rand() < 0.1, knownExporter: rand() < 0.2 },
    fields: rand() < 0.02 ? { paymentMethod: "CASH" } : {},
  };
  if (rand() < 0.97) {
    facts.vesselImo = pick(rand, ["9321483", "9395044", "9187629", "9454448"]);
  }
  if (rand() < 0.95) {
    facts.filedAt = hoursBefore(cutoff, rand() < 0.85 ? 26 + rand() * 72 : pick(rand, [20, 6, -3]));
  }
  if (rand() < 0.9) {
    facts.itn = rand() < 0.1 ? "NOEEI 30.37(a)" : `X2026${String(index).padStart(9, "0")}`;
  }
  if (rand() < 0.5) {
    facts.declaredValueUsd = Math.round(rand() * rand() * 200_000);
  }
  return facts;
}
