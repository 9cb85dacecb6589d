// Seeded synthetic shipment facts for benchmarks, backtest demos and tests (not the demo world: no database, no ids).
import { mulberry32 as seededRandom } from "../random/index.ts";
import type { GoodsLine, PartyFacts, ShipmentFacts } from "./facts.ts";

type Goods = [hs: string, description: string, kgPerTeuMin: number, kgPerTeuMax: number];

const GOODS: Goods[] = [
  ["3104.20", "POTASH FERTILIZER IN BULK BAGS", 18_000, 27_000],
  ["6907.21", "CERAMIC FLOOR TILES", 14_000, 26_000],
  ["6802.93", "POLISHED GRANITE SLABS", 18_000, 27_000],
  ["0803.90", "FRESH BANANAS", 9_000, 12_000],
  ["2615.10", "ZIRCON SAND", 20_000, 27_000],
  ["7204.49", "HMS 1 AND 2 FERROUS SCRAP", 16_000, 26_000],
  ["7602.00", "ALUMINIUM SCRAP TAINT TABOR", 9_000, 20_000],
  ["8471.30", "LAPTOP COMPUTERS", 2_000, 6_000],
  ["9403.60", "WOODEN FURNITURE", 2_000, 6_000],
  ["8708.99", "AUTO PARTS", 6_000, 16_000],
  ["1001.99", "WHEAT", 20_000, 26_000],
  ["0202.30", "FROZEN BONELESS BEEF", 11_000, 13_000],
  ["4407.11", "SAWN PINE LUMBER", 8_000, 14_000],
  ["3901.10", "POLYETHYLENE RESIN PELLETS", 12_000, 24_000],
  ["6110.20", "COTTON SWEATERS", 2_000, 5_000],
  ["8458.11", "CNC LATHES", 6_000, 16_000],
  ["2844.40", "RADIOACTIVE ISOTOPES FOR MEDICAL USE", 1_000, 3_000],
  ["9022.21", "INDUSTRIAL RADIOGRAPHY EQUIPMENT", 1_000, 4_000],
  ["4703.21", "BLEACHED KRAFT PULP", 12_000, 22_000],
  ["2304.00", "SOYBEAN MEAL", 18_000, 25_000],
  ["", "FAK", 3_000, 15_000],
  ["9999.00", "GENERAL CARGO", 3_000, 15_000],
  ["8479.89", "SAID TO CONTAIN MACHINERY PARTS", 4_000, 12_000],
];

const SHIPPERS = [
  "PACIFIC HARVEST EXPORTS INC",
  "WEST COAST METALS LLC",
  "SIERRA GRAIN CO",
  "GOLDEN STATE FURNITURE",
  "ACME MACHINE TOOLS CORP",
  "SUNRISE LOGISTICS",
  "TRI-STAR SCRAP RECYCLING",
  "MOJAVE MINERALS INC",
  "CASCADE PULP AND PAPER",
  "BLUE RIDGE MEDICAL ISOTOPES",
];
const CONSIGNEES: Array<[string, string]> = [
  ["MITSUI TRADING KK", "JP"],
  ["YAMATO SHOJI CO LTD", "JP"],
  ["TOKYO HOME CENTER KK", "JP"],
  ["KANSAI STEEL WORKS", "JP"],
  ["ASCOTEC JAPAN KK", "JP"],
  ["TO ORDER", "JP"],
  ["HONG KONG BRIGHT TRADING LTD", "HK"],
  ["SHANGHAI ORIENT IMPEX", "CN"],
  ["NAGOYA PARTS CO LTD", "JP"],
  ["OSAKA FOODS KK", "JP"],
];
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
    {
      role: "shipper",
      name: pick(rand, SHIPPERS),
      country: "US",
      ...(rand() < 0.95 ? { address: "100 MAIN ST, LOS ANGELES CA" } : {}),
    },
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
  const containerNos = sizeTypes.map(
    (_, i) => `MSKU${String(1_000_000 + ((index * 7 + i) % 8_999_999)).padStart(7, "0")}`,
  );
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

// --- A month of realistic shipments with seeded risky shipments and decoys, to measure how well rules rank ---

/** One shipment of a synthetic month and what was seeded into it. */
export interface LabelledShipment {
  facts: ShipmentFacts;
  label: "risky" | "decoy" | "background";
  /** What was seeded: several signals for a risky shipment, one weak one for a decoy. */
  signals: string[];
}

type MonthGoods = { hs: string; description: string; kgPerTeu: [number, number]; reefer?: boolean; weight: number };

/** Everyday U.S. exports to Japan and East Asia, weighted roughly as they ship (a few NORM and scrap lines among them). */
const MONTH_GOODS: MonthGoods[] = [
  { hs: "080212", description: "CALIFORNIA ALMONDS SHELLED", kgPerTeu: [9_000, 10_000], weight: 8 },
  { hs: "121490", description: "ALFALFA HAY BALES", kgPerTeu: [11_000, 13_000], weight: 8 },
  { hs: "470710", description: "RECOVERED PAPER OCC", kgPerTeu: [10_000, 12_500], weight: 7 },
  { hs: "100199", description: "WHEAT IN BULK BAGS", kgPerTeu: [20_000, 26_000], weight: 6 },
  { hs: "120190", description: "NON-GMO SOYBEANS", kgPerTeu: [20_000, 26_000], weight: 5 },
  { hs: "020230", description: "FROZEN BONELESS BEEF", kgPerTeu: [11_000, 13_000], reefer: true, weight: 6 },
  { hs: "040690", description: "CHEDDAR CHEESE BLOCKS", kgPerTeu: [9_000, 11_000], reefer: true, weight: 3 },
  { hs: "220421", description: "CALIFORNIA RED WINE IN BOTTLES", kgPerTeu: [17_000, 20_000], weight: 3 },
  { hs: "440711", description: "SAWN PINE LUMBER", kgPerTeu: [8_000, 14_000], weight: 4 },
  { hs: "390110", description: "POLYETHYLENE RESIN PELLETS", kgPerTeu: [12_000, 24_000], weight: 4 },
  { hs: "870323", description: "USED PASSENGER VEHICLES", kgPerTeu: [1_500, 3_500], weight: 2 },
  { hs: "870899", description: "AUTO PARTS", kgPerTeu: [4_000, 9_000], weight: 3 },
  { hs: "847130", description: "LAPTOP COMPUTERS", kgPerTeu: [2_000, 4_500], weight: 2 },
  { hs: "851762", description: "NETWORK SWITCHES AND ROUTERS", kgPerTeu: [1_500, 4_000], weight: 2 },
  { hs: "300490", description: "PHARMACEUTICAL PRODUCTS", kgPerTeu: [2_500, 6_000], reefer: true, weight: 2 },
  { hs: "330499", description: "COSMETICS AND SKIN CARE PREPARATIONS", kgPerTeu: [4_000, 7_000], weight: 2 },
  { hs: "940360", description: "WOODEN FURNITURE", kgPerTeu: [2_000, 6_000], weight: 2 },
  { hs: "950300", description: "PLASTIC TOYS AND GAMES", kgPerTeu: [2_500, 5_000], weight: 1 },
  { hs: "401110", description: "NEW PASSENGER CAR TYRES", kgPerTeu: [4_500, 7_000], weight: 1 },
  { hs: "310420", description: "MURIATE OF POTASH IN BULK BAGS", kgPerTeu: [24_000, 27_500], weight: 3 },
  { hs: "690721", description: "PORCELAIN FLOOR TILES", kgPerTeu: [20_000, 26_000], weight: 2 },
  { hs: "680293", description: "POLISHED GRANITE SLABS", kgPerTeu: [22_000, 27_000], weight: 1 },
  { hs: "080390", description: "FRESH BANANAS", kgPerTeu: [9_000, 10_500], reefer: true, weight: 1 },
  { hs: "720449", description: "HMS 1&2 FERROUS SCRAP", kgPerTeu: [24_000, 27_500], weight: 3 },
  { hs: "760200", description: "ALUMINIUM SCRAP TAINT TABOR", kgPerTeu: [9_000, 11_500], weight: 2 },
];

const MONTH_SHIPPERS = [
  "PACIFIC HARVEST EXPORTS INC",
  "SIERRA GRAIN CO",
  "GOLDEN STATE FURNITURE",
  "CENTRAL VALLEY AG EXPORTS LLC",
  "REDWOOD PAPER FIBER LLC",
  "HARBOR METALS RECYCLING INC",
  "SAN JOAQUIN FARMS LP",
  "MOJAVE MINERALS INC",
  "WESTERN SUPPLY CORP",
  "CABRILLO FOODS INC",
];
const MONTH_CONSIGNEES = [
  "HOSHINO SHOJI CO LTD",
  "KITAGAWA TRADING KK",
  "MORIMOTO SANGYO KABUSHIKI KAISHA",
  "TAKEDA BUSSAN CO LTD",
  "ASAHI SHOJI CO LTD",
  "DAIICHI CORPORATION",
  "YAMATO TRADING KK",
  "KANSAI BUSSAN CO LTD",
];
const JP_PORTS = ["JPTYO", "JPYOK", "JPUKB", "JPNGO", "JPOSA"];

function weightedPick<T extends { weight: number }>(rand: () => number, list: readonly T[]): T {
  const total = list.reduce((s, x) => s + x.weight, 0);
  let r = rand() * total;
  for (const x of list) {
    r -= x.weight;
    if (r < 0) {
      return x;
    }
  }
  return list[list.length - 1] as T;
}

/** Ways a risky shipment is risky; each adds one signal. */
const RISKY_SIGNALS: Array<(f: ShipmentFacts, rand: () => number) => void> = [
  (f) => {
    f.flags.firstSeenShipper = true;
  },
  (f) => {
    f.flags.firstSeenConsignee = true;
  },
  (f) => {
    setParty(f, "consignee", {
      name: "HONG KONG BRIGHT TRADING LTD",
      country: "HK",
      address: "88 QUEENSWAY, HONG KONG",
    });
  },
  (f, rand) => {
    setGoods(f, {
      description: pick(rand, ["MACHINERY & SPARES", "F/A/K", "GEN. MDSE.", "PARTS", "FAK - FREIGHT ALL KINDS"]),
    });
  },
  (f) => {
    setGoods(f, { hsCode: "8456.50", description: "INDUSTRIAL CLEANING EQUIPMENT" }, 6_000);
  },
  (f) => {
    scaleWeights(f, 0.08);
  },
  (f, rand) => {
    f.filedAt = hoursBefore(Date.parse(f.loadingCutoff ?? ""), pick(rand, [6, 12, -4]));
  },
  (f, rand) => {
    f.portOfDischarge = "KRPUS";
    f.finalDestination = pick(rand, JP_PORTS);
  },
  (f) => {
    setGoods(f, { hsCode: "7308.90", description: "SHREDDED STEEL SCRAP" }, 20_000);
  },
  (f) => {
    setParty(f, "shipper", { address: undefined });
  },
  (f) => {
    f.fields.paymentMethod = "CASH";
  },
  (f) => {
    setParty(f, "consignee", { name: "TO ORDER", country: "JP", address: undefined });
  },
  (f) => {
    setGoods(f, { hsCode: "0202.30", description: "FROZEN BONELESS BEEF" }, 12_000);
    f.containers = f.containers.map((c) => ({ ...c, sizeType: "45G1" }));
  },
  (f) => {
    setGoods(f, { hsCode: "8109.21", description: "ZIRCONIUM SPONGE NUCLEAR GRADE" }, 15_000);
  },
];

/** Risky signals that rewrite the goods line, and the one that scales its weight. */
const GOODS_SIGNALS = new Set([3, 4, 8, 12, 13]);
const WEIGHT_SIGNAL = 5;
const rank = (k: number): number => (GOODS_SIGNALS.has(k) ? 0 : k === WEIGHT_SIGNAL ? 2 : 1);

/** Weak signals: each alone is ordinary trade; a decoy carries exactly one. */
const DECOY_SIGNALS: Array<(f: ShipmentFacts, rand: () => number) => void> = [
  (f) => {
    setGoods(f, { hsCode: "3104.20", description: "MURIATE OF POTASH IN BULK BAGS" }, 25_000);
  },
  (f) => {
    setGoods(f, { hsCode: "6907.21", description: "GLAZED CERAMIC TILES 60X60" }, 23_000);
  },
  (f) => {
    f.flags.firstSeenConsignee = true;
  },
  (f) => {
    setParty(f, "shipper", { name: "SUNRISE LOGISTICS" });
  },
  (f) => {
    setGoods(f, { description: `SAID TO CONTAIN ${f.goods[0]?.description ?? ""}` });
  },
  (f) => {
    setGoods(f, { hsCode: "0406.20", description: "SHREDDED MOZZARELLA CHEESE" }, 10_000);
    f.containers = f.containers.map((c) => ({ ...c, sizeType: "45R1" }));
  },
  (f) => {
    setGoods(f, { hsCode: "3004.90", description: "PHARMACEUTICAL PRODUCTS" }, 4_000);
    f.containers = f.containers.map((c) => ({ ...c, sizeType: "45R1" }));
  },
  (f) => {
    setGoods(f, { hsCode: "0803.90", description: "FRESH BANANAS" }, 10_000);
    f.containers = f.containers.map((c) => ({ ...c, sizeType: "45R1" }));
  },
];

/** Cargo of the shipment's boxes at a density, each box loaded at most to a little under its payload. */
function boxLoad(f: ShipmentFacts, kgPerTeu: number): number {
  return Math.round(
    f.containers.reduce((sum, c) => sum + Math.min(kgPerTeu * (c.sizeType?.startsWith("2") ? 1 : 2), 26_500), 0),
  );
}

/** Changes the first goods line; new goods get a weight they plausibly have in the shipment's boxes. */
function setGoods(f: ShipmentFacts, change: Partial<GoodsLine>, kgPerTeu?: number): void {
  const weight = kgPerTeu === undefined ? {} : { grossWeightKg: boxLoad(f, kgPerTeu) };
  f.goods = f.goods.map((g, i) => (i === 0 ? { ...g, ...change, ...weight } : g));
}

function setParty(f: ShipmentFacts, role: "shipper" | "consignee", change: Partial<PartyFacts>): void {
  f.parties = f.parties.map((p) => {
    if (p.role !== role) {
      return p;
    }
    const next = { ...p, ...change };
    if (next.address === undefined) {
      delete next.address;
    }
    return next;
  });
}

function scaleWeights(f: ShipmentFacts, factor: number): void {
  f.goods = f.goods.map((g) =>
    g.grossWeightKg === undefined ? g : { ...g, grossWeightKg: Math.round(g.grossWeightKg * factor) },
  );
}

/** Dense everyday goods with nothing to say about them: the base of a seeded shipment. */
const CLEAN_GOODS = MONTH_GOODS.filter((g) =>
  ["080212", "121490", "470710", "100199", "120190", "440711"].includes(g.hs),
);

/** Makes a shipment an unremarkable filing (dry 40' boxes, plain goods, parties known, filed two days ahead) before signals are seeded. */
function cleanFiling(f: ShipmentFacts, rand: () => number): void {
  const goods = pick(rand, CLEAN_GOODS);
  const [lo, hi] = goods.kgPerTeu;
  f.containers = f.containers.map((c) => ({ ...c, sizeType: "45G1" }));
  f.goods = [
    {
      hsCode: goods.hs,
      description: goods.description,
      packages: 200,
      packageType: "PK",
      grossWeightKg: boxLoad(f, lo + rand() * (hi - lo)),
    },
  ];
  f.flags = { firstSeenShipper: false, firstSeenConsignee: false, knownExporter: false };
  f.filedAt = hoursBefore(Date.parse(f.loadingCutoff ?? ""), 48);
  f.portOfDischarge = f.finalDestination ?? f.portOfDischarge;
  f.itn = `X2026${f.shipmentKey.replace(/\D/g, "").slice(-9).padStart(9, "0")}`;
  f.parties = [
    { role: "shipper", name: pick(rand, MONTH_SHIPPERS), country: "US", address: "100 HARBOR BLVD, LONG BEACH CA" },
    { role: "consignee", name: pick(rand, MONTH_CONSIGNEES), country: "JP", address: "1-1 MARUNOUCHI, TOKYO" },
  ];
}

/** One ordinary Japan-bound export of the month, with the everyday imperfections of real filings. */
function monthShipment(seed: number, index: number): ShipmentFacts {
  const rand = seededRandom((seed * 2_246_822_519 + index * 3_266_489_917) >>> 0);
  const goods = weightedPick(rand, MONTH_GOODS);
  const boxes = 1 + Math.floor(rand() * rand() * 4);
  const sizeType = goods.reefer ? "45R1" : pick(rand, ["22G1", "42G1", "45G1"]);
  const teu = sizeType.startsWith("2") ? 1 : 2;
  const containers = Array.from({ length: boxes }, (_, i) => ({
    containerNo: `MSKU${String(2_000_000 + ((index * 5 + i) % 7_999_999)).padStart(7, "0")}`,
    sizeType,
  }));
  const [lo, hi] = goods.kgPerTeu;
  const kg = Math.round(
    boxes * Math.min((lo + rand() * (hi - lo)) * teu, 27_000) * (rand() < 0.02 ? pick(rand, [0.3, 2.5]) : 1),
  );
  const etd = Date.UTC(2026, 10, 1) + Math.floor(rand() * 30) * 86_400_000 + 18 * 3_600_000;
  const cutoff = etd - 24 * 3_600_000;
  const discharge = pick(rand, JP_PORTS);
  const relayed = rand() < 0.08;
  const lead = rand();
  const facts: ShipmentFacts = {
    shipmentKey: `M${seed}-${index}`,
    billOfLading: `${pick(rand, SCACS)}${String(500_000_000 + index)}`,
    carrierScac: pick(rand, SCACS),
    vesselImo: pick(rand, ["9321483", "9395044", "9454448", "9502910"]),
    portOfLoading: pick(rand, ["USLAX", "USLGB"]),
    portOfDischarge: relayed ? "KRPUS" : discharge,
    finalDestination: discharge,
    transshipmentPorts: [],
    etd: new Date(etd).toISOString(),
    loadingCutoff: new Date(cutoff).toISOString(),
    // Most file two to four days ahead; a few cut it close or miss the cut-off.
    filedAt: hoursBefore(cutoff, lead < 0.94 ? 30 + rand() * 70 : lead < 0.99 ? 2 + rand() * 20 : -(1 + rand() * 6)),
    itn: rand() < 0.97 ? `X2026${String(index).padStart(9, "0")}` : "NOEEI 30.37(a)",
    parties: [
      {
        role: "shipper",
        name: pick(rand, MONTH_SHIPPERS),
        country: "US",
        ...(rand() < 0.98 ? { address: "100 HARBOR BLVD, LONG BEACH CA" } : {}),
      },
      {
        role: "consignee",
        name: pick(rand, MONTH_CONSIGNEES),
        country: "JP",
        ...(rand() < 0.98 ? { address: "1-1 MARUNOUCHI, TOKYO" } : {}),
      },
    ],
    goods: [
      {
        hsCode: goods.hs,
        description: goods.description,
        packages: 20 + Math.floor(rand() * 400),
        packageType: "PK",
        grossWeightKg: kg,
      },
    ],
    containers,
    flags: { firstSeenShipper: rand() < 0.03, firstSeenConsignee: rand() < 0.04, knownExporter: rand() < 0.3 },
    fields: {},
  };
  if (rand() < 0.4) {
    facts.declaredValueUsd = Math.round(20_000 + rand() * 300_000);
  }
  return facts;
}

/**
 * A month of Japan-bound exports (`shipments` in all) with `risky` shipments carrying three to five risk signals each
 * and `decoys` carrying one weak signal each, at seeded random places; deterministic in the seed.
 */
export function syntheticMonth(
  seed: number,
  options: { shipments: number; risky: number; decoys: number },
): LabelledShipment[] {
  const rand = seededRandom(seed ^ 0x5bd1e995);
  const out: LabelledShipment[] = Array.from({ length: options.shipments }, (_, i) => ({
    facts: monthShipment(seed, i),
    label: "background" as const,
    signals: [],
  }));
  const order = out
    .map((_, i) => ({ i, r: rand() }))
    .sort((a, b) => a.r - b.r)
    .map((x) => x.i);
  for (const [n, i] of order.slice(0, options.risky + options.decoys).entries()) {
    const item = out[i] as LabelledShipment;
    const f = item.facts;
    cleanFiling(f, rand);
    if (n < options.risky) {
      item.label = "risky";
      const count = 3 + Math.floor(rand() * 3);
      // At most one signal rewrites the goods line, applied first; a weight signal comes after it, so none undoes another.
      const shuffled = RISKY_SIGNALS.map((s, k) => ({ s, k, r: rand() })).sort((a, b) => a.r - b.r);
      const goods = shuffled.find((x) => GOODS_SIGNALS.has(x.k));
      const chosen = [...(goods ? [goods] : []), ...shuffled.filter((x) => !GOODS_SIGNALS.has(x.k))].slice(0, count);
      chosen.sort((a, b) => rank(a.k) - rank(b.k));
      for (const { s, k } of chosen) {
        s(f, rand);
        item.signals.push(`risk-${k}`);
      }
    } else {
      item.label = "decoy";
      const k = Math.floor(rand() * DECOY_SIGNALS.length);
      DECOY_SIGNALS[k]?.(f, rand);
      item.signals.push(`decoy-${k}`);
    }
  }
  return out;
}
