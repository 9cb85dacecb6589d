// Fills a PostgreSQL database with a year of manifests at production scale, for the work-list and
// server benchmarks (bench/api.ts). First the schema and the demo world (agencies, agreements,
// accounts, rule sets, a month of history), then shipments added in bulk until the database holds
// --shipments of them: both agencies' exports over ~12 months of sailings, with goods lines,
// containers (valid ISO 6346 numbers), each visible agency's risk score from the real rule engine,
// and a few percent with inspection requests in every state of their life.
//
//   node --import tsx scripts/load-scale.ts --shipments 1000000 [--database-url URL] [--seed N]
//        [--chunk 10000] [--writers 2] [--password P] [--demo-shipments 2000] [--anchor YYYY-MM-DD]
//        [--no-analyze] [--verbose]
//
// Only base tables are written (one transaction per chunk, multi-row INSERT … SELECT FROM unnest),
// and every trigger runs, so whatever the database derives from them stays in step. Shipment i is
// a pure function of (seed, i) (its bill of lading encodes i): a run that stops is resumed by
// running it again, holes left by concurrent writers included, and the same seed gives the same
// shipments whatever the chunk size. Request references follow commit order.
import { createHash } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { sql, type Kysely } from "kysely";
import { openDatabase, withAgency, type Tx } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import type { DB } from "../src/db/schema.ts";
import { recordAudit } from "../src/domain/audit.ts";
import { fixedClock } from "../src/domain/clock.ts";
import {
  CARRIERS,
  COMMODITIES,
  CONSIGNEES,
  SERVICES,
  US_CITIES,
  US_SHIPPER_FORMS,
  US_SHIPPER_KINDS,
  US_SHIPPER_STEMS,
  US_STREETS,
  type Commodity,
  type Service,
} from "../src/domain/demo/catalogue.ts";
import { mix32, randomFrom, seededRandom, sfc32, type Random } from "../src/domain/demo/random.ts";
import { ensureDemoWorld, startOfUtcDay } from "../src/domain/demo/seed.ts";
import { shipmentSearchText } from "../src/domain/shipment-text.ts";
import { activeRuleSet, compileForAgency } from "../src/domain/targeting/rule-sets.ts";
import { scoreShipment, type CompiledRuleSet, type ShipmentFacts } from "../src/targeting/index.ts";
import { makeContainerNumber } from "../src/trade/iso6346.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Weeks of sailings: about a year back from the demo's anchor and two weeks ahead of it. */
const WEEKS_BACK = 50;
const WEEKS_AHEAD = 2;
/** Share of the shipments that Japan Customs holds (Japanese exports); the rest are the host's. */
const JAPAN_SHARE = 0.12;
/** Bills of lading this loader writes: SCAC and ten digits (the demo's feeds use nine). */
const LOADED_BILL = "^[A-Z]{4}[0-9]{10}$";

/** What to load. */
export interface ScaleOptions {
  /** Total shipments the database should hold afterwards (demo world included). */
  shipments: number;
  seed: number;
  /** Shipments per transaction. */
  chunk: number;
  /** Shipments of the demo world, when it has to be created. */
  demoShipments: number;
  /** Password of the demo accounts, when the demo world has to be created (random otherwise, printed). */
  password?: string;
  /** Day the year of sailings ends near; default: the demo world's anchor, else today. */
  anchor?: Date;
  /** Chunks written at once, each in its own transaction (default 2). */
  writers?: number;
  /** Run ANALYZE at the end (default true). */
  analyze?: boolean;
  /** Print the time of each step of each chunk. */
  verbose?: boolean;
  log?: (line: string) => void;
}

/** What a run did. */
export interface ScaleResult {
  before: number;
  added: number;
  total: number;
  seconds: number;
  rows: Record<"shipments" | "goods" | "containers" | "scores" | "requests" | "transitions" | "scans", number>;
  demoPassword: string | null;
}

// ---------------------------------------------------------------------------------------------
// The world the shipments sail in: agencies, agreements, accounts, rule sets, voyages.

interface Agency {
  id: string;
  code: "USCBP" | "JPCUS";
}

interface Agreement {
  id: string;
  providerId: string;
  recipientId: string;
  countries: string[];
  validFrom: Date;
  validUntil: Date | null;
  isActive: boolean;
  legalBasis: string;
}

interface Voyage {
  key: string;
  id: string;
  agencyId: string;
  service: LaneService;
  carrierScac: string;
  vesselImo: string;
  vesselName: string;
  voyageNo: string;
  portOfLoading: string;
  etd: Date;
  cutoff: Date;
}

/** A weekly service; `side` says whose exports it carries. */
interface LaneService {
  code: string;
  side: "US" | "JP";
  portOfLoading: string;
  discharge: string[];
  carriers: string[];
  weekday: number;
  transshipment?: Service["transshipment"];
}

/** Japanese exports: three services to the US West Coast, one to Korea, China and Taiwan. */
const JAPAN_SERVICES: LaneService[] = [
  {
    code: "PS3",
    side: "JP",
    portOfLoading: "JPTYO",
    discharge: ["USLAX", "USLGB", "USOAK"],
    carriers: ["ONEY", "HLCU"],
    weekday: 4,
  },
  {
    code: "PN2",
    side: "JP",
    portOfLoading: "JPYOK",
    discharge: ["USLGB", "USLAX", "USSEA"],
    carriers: ["YMLU", "HDMU"],
    weekday: 5,
  },
  {
    code: "PSW",
    side: "JP",
    portOfLoading: "JPNGO",
    discharge: ["USLAX", "USTIW", "USOAK"],
    carriers: ["MAEU", "MSCU"],
    weekday: 1,
  },
  {
    code: "JKC",
    side: "JP",
    portOfLoading: "JPUKB",
    discharge: ["KRPUS", "CNSHA", "TWKHH"],
    carriers: ["EGLV", "COSU"],
    weekday: 3,
  },
];

const US_SERVICES: LaneService[] = SERVICES.map((s) => ({ ...s, side: "US" as const }));

/** What Japan exports to the US and its neighbours, as the lines are filed. */
const JAPAN_COMMODITIES: Commodity[] = [
  {
    hs: "870323",
    descriptions: ["USED PASSENGER VEHICLES", "USED HYBRID PASSENGER CARS"],
    packageType: "UN",
    kgPerContainer: [3000, 7500],
    sizeTypes: ["45G1"],
    weight: 8,
  },
  {
    hs: "840991",
    descriptions: ["ENGINE PARTS", "SPARK-IGNITION ENGINE PARTS"],
    packageType: "PK",
    kgPerContainer: [8000, 16000],
    sizeTypes: ["42G1"],
    weight: 6,
  },
  {
    hs: "870899",
    descriptions: ["AUTO PARTS", "TRANSMISSION PARTS"],
    packageType: "PK",
    kgPerContainer: [8000, 17000],
    sizeTypes: ["42G1", "45G1"],
    weight: 6,
  },
  {
    hs: "852589",
    descriptions: ["DIGITAL CAMERAS", "CAMERAS AND LENSES"],
    packageType: "CT",
    kgPerContainer: [3000, 7000],
    sizeTypes: ["42G1"],
    weight: 3,
  },
  {
    hs: "854231",
    descriptions: ["INTEGRATED CIRCUITS", "SEMICONDUCTOR DEVICES"],
    packageType: "CT",
    kgPerContainer: [1000, 4000],
    sizeTypes: ["42G1"],
    weight: 2,
  },
  {
    hs: "847950",
    descriptions: ["INDUSTRIAL ROBOTS", "MACHINERY PARTS"],
    packageType: "CR",
    kgPerContainer: [5000, 14000],
    sizeTypes: ["42G1", "45G1"],
    weight: 3,
  },
  {
    hs: "721049",
    descriptions: ["GALVANISED STEEL COIL", "ZINC COATED STEEL SHEET IN COILS"],
    packageType: "PK",
    kgPerContainer: [20000, 26500],
    sizeTypes: ["22G1"],
    weight: 4,
  },
  {
    hs: "401110",
    descriptions: ["RADIAL TYRES FOR PASSENGER CARS"],
    packageType: "PC",
    kgPerContainer: [9000, 14000],
    sizeTypes: ["45G1"],
    weight: 3,
  },
  {
    hs: "690721",
    descriptions: ["PORCELAIN TILES", "GLAZED CERAMIC TILES"],
    packageType: "PX",
    kgPerContainer: [20000, 26000],
    sizeTypes: ["22G1"],
    weight: 2,
    norm: "U/Th/K",
  },
  {
    hs: "210390",
    descriptions: ["SOY SAUCE", "SAUCES AND CONDIMENTS"],
    packageType: "CT",
    kgPerContainer: [15000, 20000],
    sizeTypes: ["22G1", "42G1"],
    weight: 2,
  },
  {
    hs: "220690",
    descriptions: ["SAKE IN BOTTLES", "JAPANESE RICE WINE"],
    packageType: "CS",
    kgPerContainer: [15000, 19000],
    sizeTypes: ["22G1"],
    weight: 1,
  },
  {
    hs: "720449",
    descriptions: ["FERROUS SCRAP HMS 1&2", "SHREDDED STEEL SCRAP"],
    packageType: "VR",
    kgPerContainer: [24000, 27500],
    sizeTypes: ["22G1"],
    weight: 2,
  },
];

const JP_SHIPPER_STEMS = [
  "TOKAI",
  "KANTO",
  "SETOUCHI",
  "HOKURIKU",
  "KYUSHU",
  "CHUBU",
  "SANYO",
  "MINATO",
  "HANSHIN",
  "SHONAN",
];
const JP_SHIPPER_KINDS = ["EXPORT", "TRADING", "INDUSTRIES", "MOTORS", "ELECTRIC", "STEEL", "FOODS"];
const JP_SHIPPER_FORMS = ["CO., LTD.", "CORPORATION", "K.K."];
const JP_CITIES = ["TOKYO", "YOKOHAMA", "NAGOYA", "KOBE", "OSAKA", "KAWASAKI", "TOYOTA", "HAMAMATSU"];
const US_CONSIGNEE = {
  stems: [
    "HARBOR",
    "WESTSIDE",
    "SUNRISE",
    "PACIFIC RIM",
    "GATEWAY",
    "SOUTH BAY",
    "CASCADE",
    "GOLDEN GATE",
    "INLAND",
    "COASTAL",
  ],
  forms: ["IMPORTS INC", "TRADING LLC", "DISTRIBUTION CORP", "AUTO PARTS INC", "FOODS LLC", "ELECTRONICS INC"],
  cities: [
    "LOS ANGELES, CA",
    "LONG BEACH, CA",
    "CARSON, CA",
    "TORRANCE, CA",
    "OAKLAND, CA",
    "SEATTLE, WA",
    "TACOMA, WA",
  ],
};
/** Surnames for the one-off traders whose first filing the rules notice. */
const SURNAMES = [
  "GARCIA",
  "NGUYEN",
  "KIM",
  "PATEL",
  "JOHNSON",
  "RODRIGUEZ",
  "LEE",
  "MARTINEZ",
  "CHEN",
  "WONG",
  "SATO",
  "SUZUKI",
  "PARK",
  "SINGH",
  "LOPEZ",
];

interface Party {
  name: string;
  address: string;
  country: string;
  isOneOff: boolean;
}

/** Regular trading partners: every combination of the catalogue's name parts, each with one address. */
function partyPool(
  rng: Random,
  stems: readonly string[],
  kinds: readonly string[],
  forms: readonly string[],
  address: (rng: Random) => string,
  country: string,
): Party[] {
  const pool: Party[] = [];
  for (const stem of stems) {
    for (const kind of kinds) {
      for (const form of forms) {
        pool.push({
          name: [stem, kind, form].filter(Boolean).join(" "),
          address: address(rng),
          country,
          isOneOff: false,
        });
      }
    }
  }
  // A stable shuffle, so that the busiest traders (the front of the pool) are not all one stem.
  for (let i = pool.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [pool[i], pool[j]] = [pool[j] as Party, pool[i] as Party];
  }
  return pool;
}

interface Catalogue {
  usShippers: Party[];
  jpShippers: Party[];
  consignees: Map<string, Party[]>;
}

function buildCatalogue(seed: number): Catalogue {
  const rng = seededRandom(seed ^ 0x5ca1e);
  const usShippers = partyPool(
    rng,
    US_SHIPPER_STEMS,
    US_SHIPPER_KINDS,
    US_SHIPPER_FORMS,
    (r) => `${r.int(100, 24999)} ${r.pick(US_STREETS)}, ${r.pick(US_CITIES)}, CA ${r.int(90001, 93599)}`,
    "US",
  );
  const jpShippers = partyPool(
    rng,
    JP_SHIPPER_STEMS,
    JP_SHIPPER_KINDS,
    JP_SHIPPER_FORMS,
    (r) => `${r.int(1, 9)}-${r.int(1, 30)}-${r.int(1, 20)}, ${r.pick(JP_CITIES)}`,
    "JP",
  );
  const consignees = new Map<string, Party[]>();
  for (const [country, style] of Object.entries(CONSIGNEES)) {
    consignees.set(
      country,
      partyPool(
        rng,
        style.stems,
        [""],
        style.forms,
        (r) => `${r.int(1, 9)}-${r.int(1, 30)}-${r.int(1, 20)}, ${r.pick(style.cities)}`,
        country,
      ),
    );
  }
  consignees.set(
    "US",
    partyPool(
      rng,
      US_CONSIGNEE.stems,
      [""],
      US_CONSIGNEE.forms,
      (r) => `${r.int(100, 24999)} ${r.pick(US_STREETS)}, ${r.pick(US_CONSIGNEE.cities)}`,
      "US",
    ),
  );
  return { usShippers, jpShippers, consignees };
}

/** A pick skewed towards the front of the list: a few big exporters file most manifests. */
function skewedPick<T>(rng: Random, items: readonly T[]): T {
  const u = rng.next();
  return items[Math.floor(u * u * items.length)] as T;
}

// ---------------------------------------------------------------------------------------------
// One shipment, with everything stored about it.

interface Generated {
  id: string;
  ownerId: string;
  voyage: Voyage;
  billOfLading: string;
  portOfDischarge: string;
  finalDestination: string | null;
  dischargeCountry: string;
  destinationCountry: string;
  shipper: Party;
  consignee: Party;
  notifyName: string | null;
  filedAt: Date;
  isCancelled: boolean;
  messageRef: string;
  containers: { containerNo: string; sizeType: string; sealNo: string }[];
  goods: {
    lineNo: number;
    hsCode: string;
    description: string;
    packages: number;
    packageType: string;
    grossWeightKg: number;
    containerNo: string;
  }[];
  searchText: string;
  scores: ScoreRow[];
  request: RequestPlan | null;
}

interface ScoreRow {
  agencyId: string;
  ruleSetId: string;
  score: number;
  level: string;
  hits: string;
  isRandomSelected: boolean;
  scoredAt: Date;
  topRule: string | null;
  explanation: string | null;
}

interface Context {
  seed: number;
  now: Date;
  us: Agency;
  jp: Agency;
  catalogue: Catalogue;
  voyages: { US: Voyage[]; JP: Voyage[] };
  agreements: Agreement[];
  rules: Map<string, { ruleSetId: string; compiled: CompiledRuleSet }>;
  users: Users;
}

/**
 * The random stream of shipment `index`: sfc32 over 128 bits of state drawn from (seed, index).
 * Seeding one 32-bit mulberry32 per shipment would not do: its streams are one sequence at
 * different offsets, so among a million shipments thousands would repeat each other's draws.
 */
function shipmentRandom(seed: number, index: number): Random {
  const a = mix32(seed ^ mix32(index));
  const b = mix32(a ^ 0x68e31da4 ^ Math.floor(index / 4_294_967_296));
  const c = mix32(b ^ 0xb5297a4d);
  const d = mix32(c ^ 0x1b56c4e9);
  return {
    ...randomFrom(sfc32([a, b, c, d])),
    uuid: () => {
      throw new Error("ids come from idFor, not from the random stream");
    },
  };
}

/** A version-4-shaped UUID that is a pure function of (seed, index, role): unique as SHA-256 is. */
function idFor(seed: number, index: number, role: string): string {
  const hex = createHash("sha256").update(`${seed}:${index}:${role}`).digest("hex");
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const COUNTS = [
  [1, 65],
  [2, 25],
  [3, 10],
] as const;
const LINES = [
  [1, 55],
  [2, 25],
  [3, 12],
  [4, 8],
] as const;

/** Whether an agreement lets `recipient` see the shipment (the rule of src/domain/access.ts). */
function sharedUnder(
  ctx: Context,
  ownerId: string,
  recipientId: string,
  discharge: string,
  destination: string,
  departs: Date,
): Agreement | undefined {
  const today = startOfUtcDay(ctx.now);
  return ctx.agreements.find(
    (a) =>
      a.providerId === ownerId &&
      a.recipientId === recipientId &&
      a.isActive &&
      a.validFrom <= today &&
      (a.validUntil === null || a.validUntil >= today) &&
      departs >= a.validFrom &&
      (a.validUntil === null || departs.getTime() < a.validUntil.getTime() + DAY) &&
      (a.countries.includes(discharge) || a.countries.includes(destination)),
  );
}

function makeShipment(ctx: Context, index: number): Generated {
  const rng = shipmentRandom(ctx.seed, index);
  const side = rng.chance(JAPAN_SHARE) ? "JP" : "US";
  const owner = side === "JP" ? ctx.jp : ctx.us;
  const voyage = rng.pick(ctx.voyages[side]);
  const service = voyage.service;
  const carrier = CARRIERS.find((c) => c.scac === voyage.carrierScac);
  if (!carrier) {
    throw new Error(`the catalogue has no carrier ${voyage.carrierScac}`);
  }
  const portOfDischarge = rng.pick(service.discharge);
  let finalDestination: string | null = null;
  const relay = service.transshipment;
  if (relay && portOfDischarge === relay.via && rng.chance(relay.share)) {
    finalDestination = rng.pick(relay.to);
  }
  const dischargeCountry = portOfDischarge.slice(0, 2);
  const destinationCountry = (finalDestination ?? portOfDischarge).slice(0, 2);

  const shipperPool = side === "JP" ? ctx.catalogue.jpShippers : ctx.catalogue.usShippers;
  const shipper: Party = rng.chance(0.015)
    ? {
        name: `${rng.pick(SURNAMES)} & ${rng.pick(SURNAMES)} ${side === "JP" ? rng.pick(JP_SHIPPER_KINDS) : rng.pick(US_SHIPPER_KINDS)} ${side === "JP" ? rng.pick(JP_SHIPPER_FORMS) : rng.pick(US_SHIPPER_FORMS)}`,
        address:
          side === "JP"
            ? `${rng.int(1, 9)}-${rng.int(1, 30)}, ${rng.pick(JP_CITIES)}`
            : `${rng.int(100, 24999)} ${rng.pick(US_STREETS)}, ${rng.pick(US_CITIES)}, CA`,
        country: side,
        isOneOff: true,
      }
    : skewedPick(rng, shipperPool);
  const consigneePool = ctx.catalogue.consignees.get(destinationCountry) ?? ctx.catalogue.consignees.get("JP") ?? [];
  const consignee: Party = rng.chance(0.015)
    ? {
        name: `${rng.pick(SURNAMES)} ${rng.pick(["TRADING", "IMPORT", "SUPPLY"])} ${rng.pick(["CO., LTD.", "INC", "LLC"])}`,
        address: `${rng.int(1, 99)} HARBOUR ROAD`,
        country: destinationCountry,
        isOneOff: true,
      }
    : skewedPick(rng, consigneePool);

  const catalogue = side === "JP" ? JAPAN_COMMODITIES : COMMODITIES;
  const weighted = catalogue.map((c) => [c, c.weight] as const);
  const main = rng.weighted(weighted);
  const second = rng.chance(0.2) ? rng.weighted(weighted) : main;
  const boxes = rng.weighted(COUNTS);
  const lineCount = Math.max(rng.weighted(LINES), second === main ? 1 : 2);
  const sizeType = rng.pick(main.sizeTypes);
  const seen = new Set<string>();
  const containers = Array.from({ length: boxes }, () => {
    let containerNo = makeContainerNumber(rng.pick(carrier.owners), rng.int(0, 999_999));
    while (seen.has(containerNo)) {
      containerNo = makeContainerNumber(rng.pick(carrier.owners), rng.int(0, 999_999));
    }
    seen.add(containerNo);
    return { containerNo, sizeType, sealNo: `${carrier.scac.slice(0, 2)}${rng.int(1_000_000, 9_999_999)}` };
  });
  const goods = Array.from({ length: lineCount }, (_, i) => {
    const commodity = i === lineCount - 1 && second !== main ? second : main;
    const container = containers[i % containers.length] as (typeof containers)[number];
    const share = Math.max(1, Math.ceil(lineCount / containers.length));
    const kg = Math.round(rng.int(commodity.kgPerContainer[0], commodity.kgPerContainer[1]) / share);
    return {
      lineNo: i + 1,
      hsCode: commodity.hs,
      description: rng.pick(commodity.descriptions),
      packages: Math.max(1, Math.round(kg / rng.int(20, 1000))),
      packageType: commodity.packageType,
      grossWeightKg: kg,
      containerNo: container.containerNo,
    };
  });

  // Most manifests are filed days before the cut-off; a few arrive late. None is filed in the future.
  let filedAt = rng.chance(0.03)
    ? new Date(voyage.cutoff.getTime() + rng.int(1, 20) * HOUR)
    : new Date(voyage.cutoff.getTime() - rng.int(26, 240) * HOUR - rng.int(0, 59) * 60_000);
  if (filedAt > ctx.now) {
    filedAt = new Date(ctx.now.getTime() - rng.int(5, 600) * 60_000);
  }
  const billOfLading = `${carrier.scac}${billDigits(index)}`;
  const isCancelled = rng.chance(0.012);
  const id = idFor(ctx.seed, index, "shipment");
  const searchText = shipmentSearchText({
    billOfLading,
    shipperName: shipper.name,
    consigneeName: consignee.name,
    containerNos: containers.map((c) => c.containerNo),
    goods,
  });
  const shipment: Generated = {
    id,
    ownerId: owner.id,
    voyage,
    billOfLading,
    portOfDischarge,
    finalDestination,
    dischargeCountry,
    destinationCountry,
    shipper,
    consignee,
    notifyName: rng.chance(0.4) ? consignee.name : null,
    filedAt,
    isCancelled,
    messageRef: `${voyage.voyageNo}-${rng.int(1, 400)}`,
    containers,
    goods,
    searchText,
    scores: [],
    request: null,
  };
  if (isCancelled) {
    return shipment;
  }
  // Each agency that sees the shipment scores it with its own active rules, as the scoring job does.
  const other = owner === ctx.us ? ctx.jp : ctx.us;
  const agreement = sharedUnder(ctx, owner.id, other.id, dischargeCountry, destinationCountry, voyage.etd);
  const facts = factsOf(shipment);
  for (const agencyId of agreement ? [owner.id, other.id] : [owner.id]) {
    const rules = ctx.rules.get(agencyId);
    if (!rules) {
      continue;
    }
    const result = scoreShipment(rules.compiled, facts);
    const scoredAt = new Date(Math.min(ctx.now.getTime(), filedAt.getTime() + rng.int(1, 90) * 60_000));
    shipment.scores.push({
      agencyId,
      ruleSetId: rules.ruleSetId,
      score: result.score,
      level: result.level,
      hits: JSON.stringify(result.hits),
      isRandomSelected: result.random?.selected ?? false,
      scoredAt,
      topRule: result.hits[0]?.ruleId ?? null,
      explanation: result.hits[0]?.explanation ?? null,
    });
  }
  if (agreement) {
    const theirs = shipment.scores.find((s) => s.agencyId === other.id);
    // About one shared shipment in twenty: half the high-risk ones, a few of the rest.
    const chance = theirs?.level === "high" ? 0.5 : theirs?.level === "medium" ? 0.12 : 0.025;
    if (theirs && rng.chance(chance)) {
      shipment.request = planRequest(ctx, rng, index, shipment, agreement, other, theirs);
    }
  }
  return shipment;
}

function factsOf(s: Generated): ShipmentFacts {
  return {
    shipmentKey: s.id,
    billOfLading: s.billOfLading,
    carrierScac: s.voyage.carrierScac,
    vesselImo: s.voyage.vesselImo,
    vesselName: s.voyage.vesselName,
    voyage: s.voyage.voyageNo,
    portOfLoading: s.voyage.portOfLoading,
    portOfDischarge: s.portOfDischarge,
    ...(s.finalDestination ? { finalDestination: s.finalDestination } : {}),
    transshipmentPorts: s.finalDestination && s.finalDestination !== s.portOfDischarge ? [s.portOfDischarge] : [],
    etd: s.voyage.etd.toISOString(),
    loadingCutoff: s.voyage.cutoff.toISOString(),
    filedAt: s.filedAt.toISOString(),
    parties: [
      { role: "shipper", name: s.shipper.name, country: s.shipper.country, address: s.shipper.address },
      { role: "consignee", name: s.consignee.name, country: s.consignee.country, address: s.consignee.address },
      ...(s.notifyName ? [{ role: "notify" as const, name: s.notifyName }] : []),
    ],
    goods: s.goods.map((g) => ({
      hsCode: g.hsCode,
      description: g.description,
      packages: g.packages,
      packageType: g.packageType,
      grossWeightKg: g.grossWeightKg,
      containerNo: g.containerNo,
    })),
    containers: s.containers.map((c) => ({ containerNo: c.containerNo, sizeType: c.sizeType, sealNo: c.sealNo })),
    flags: { firstSeenShipper: s.shipper.isOneOff, firstSeenConsignee: s.consignee.isOneOff },
    fields: {},
  };
}

// ---------------------------------------------------------------------------------------------
// Inspection requests: the requesting agency asks about a shipment it scored high (mostly), and
// the request has run its course when the cut-off has passed, or is still open when it has not.

interface Users {
  /** Per agency: who asks, who decides, who scans (and at which site). */
  [agencyId: string]: { targeter: string; supervisor: string; officer: string; officerSite: string | null };
}

interface Transition {
  from: string | null;
  to: string;
  action: string;
  actor: string;
  note: string | null;
  at: Date;
}

interface RequestPlan {
  id: string;
  requesterId: string;
  requesterCode: string;
  hostId: string;
  agreement: Agreement;
  containerNo: string;
  status: string;
  priority: string;
  reason: string;
  reasonCodes: string[];
  scansRequested: string[];
  requestedBy: string;
  requestedAt: Date;
  deadline: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  decisionCode: string | null;
  disposition: string | null;
  dispositionedBy: string | null;
  dispositionedAt: Date | null;
  scheduledFor: Date | null;
  escalatedAt: Date | null;
  missedAt: Date | null;
  missReason: string | null;
  firstResultAt: Date | null;
  closedAt: Date | null;
  updatedAt: Date;
  transitions: Transition[];
  scans: {
    id: string;
    scanType: string;
    outcome: string;
    notes: string;
    device: string;
    scannedAt: Date;
    recordedAt: Date;
  }[];
}

const DECLINES = [
  ["no_capacity", "Lane 3 closed for calibration during the window before the cut-off"],
  ["examined_domestically", "Container examined under a domestic referral; results shared separately"],
  ["already_loaded", "Loaded on the earlier sailing before the request arrived"],
  ["insufficient_information", "The request does not say which risk the scan should address"],
] as const;

function reasonCodes(rule: string | null): string[] {
  if (!rule) {
    return ["random_selection"];
  }
  if (/^(norm|scrap|radioactive|strategic)\./.test(rule)) {
    return ["radiological"];
  }
  if (rule.startsWith("party.")) {
    return ["watchlist_party"];
  }
  if (rule.startsWith("route.")) {
    return ["high_risk_route"];
  }
  return /^(description|weight|filing|hs)\./.test(rule) ? ["manifest_discrepancy"] : ["other"];
}

function planRequest(
  ctx: Context,
  rng: Random,
  index: number,
  s: Generated,
  agreement: Agreement,
  requester: Agency,
  score: ScoreRow,
): RequestPlan | null {
  const host = ctx.users[s.ownerId];
  const asks = ctx.users[requester.id];
  if (!host || !asks) {
    return null;
  }
  const now = ctx.now.getTime();
  const cutoff = s.voyage.cutoff.getTime();
  const requestedAt = new Date(
    Math.min(
      now - 5 * 60_000,
      Math.max(s.filedAt.getTime() + rng.int(20, 180) * 60_000, cutoff - rng.int(8, 72) * HOUR),
    ),
  );
  if (requestedAt.getTime() <= s.filedAt.getTime()) {
    return null;
  }
  const at = (base: Date, minHours: number, maxHours: number): Date =>
    new Date(Math.min(now - 60_000, base.getTime() + (minHours + rng.next() * (maxHours - minHours)) * HOUR));
  const reason = score.explanation ?? "Selected at random for the baseline";
  const plan: RequestPlan = {
    id: idFor(ctx.seed, index, "request"),
    requesterId: requester.id,
    requesterCode: requester.code,
    hostId: s.ownerId,
    agreement,
    containerNo: (s.containers[0] as Generated["containers"][number]).containerNo,
    status: "requested",
    priority: score.level === "high" ? (rng.chance(0.1) ? "urgent" : "high") : "routine",
    reason,
    reasonCodes: reasonCodes(score.topRule),
    scansRequested: rng.chance(0.6) ? ["radiation_portal", "isotope_id"] : ["radiation_portal"],
    requestedBy: asks.targeter,
    requestedAt,
    deadline: s.voyage.cutoff,
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    decisionCode: null,
    disposition: null,
    dispositionedBy: null,
    dispositionedAt: null,
    scheduledFor: null,
    escalatedAt: null,
    missedAt: null,
    missReason: null,
    firstResultAt: null,
    closedAt: null,
    updatedAt: requestedAt,
    transitions: [
      { from: null, to: "requested", action: "request", actor: asks.targeter, note: reason, at: requestedAt },
    ],
    scans: [],
  };
  const step = (to: string, action: string, actor: string, when: Date, note: string | null = null): void => {
    plan.transitions.push({ from: plan.status, to, action, actor, note, at: when });
    plan.status = to;
    plan.updatedAt = when;
  };
  const roll = rng.next();
  if (cutoff > now) {
    // Still before the cut-off: the request waits for the host, or is on its way to the lane.
    if (roll < 0.05) {
      step(
        "withdrawn",
        "withdraw",
        asks.targeter,
        at(requestedAt, 0.2, 2),
        "Cleared by further analysis of the shipper's history",
      );
    } else if (roll >= 0.45) {
      plan.decidedBy = host.supervisor;
      plan.decidedAt = at(requestedAt, 0.2, 3);
      step("accepted", "accept", host.supervisor, plan.decidedAt);
      if (roll >= 0.8) {
        plan.scheduledFor = new Date(Math.max(now + HOUR, cutoff - rng.int(4, 20) * HOUR));
        step("scheduled", "schedule", host.supervisor, at(plan.decidedAt, 0.1, 2), "Lane 3");
      }
    }
    if (["requested", "accepted", "scheduled"].includes(plan.status) && cutoff - now <= 6 * HOUR) {
      plan.escalatedAt = ctx.now;
    }
    return plan;
  }
  // The cut-off has passed: the request was declined, withdrawn, missed or carried out.
  if (roll < 0.08) {
    const [code, text] = rng.pick(DECLINES);
    plan.decidedBy = host.supervisor;
    plan.decidedAt = at(requestedAt, 0.5, 6);
    plan.decisionCode = code;
    plan.decisionReason = text;
    step("declined", "decline", host.supervisor, plan.decidedAt, text);
    return plan;
  }
  if (roll < 0.13) {
    step(
      "withdrawn",
      "withdraw",
      asks.targeter,
      at(requestedAt, 0.3, 4),
      "Cleared by further analysis of the shipper's history",
    );
    return plan;
  }
  plan.decidedBy = host.supervisor;
  plan.decidedAt = at(requestedAt, 0.3, 3);
  step("accepted", "accept", host.supervisor, plan.decidedAt);
  if (roll < 0.21) {
    // Accepted but never scanned before the cut-off: the clock recorded a miss.
    plan.missedAt = s.voyage.cutoff;
    plan.missReason = "loading cut-off passed before a result was shared";
    return plan;
  }
  const scannedAt = new Date(
    Math.max(
      plan.decidedAt.getTime() + 20 * 60_000,
      Math.min(cutoff - 30 * 60_000, plan.decidedAt.getTime() + rng.int(2, 20) * HOUR),
    ),
  );
  const recordedAt = new Date(scannedAt.getTime() + rng.int(2, 15) * 60_000);
  plan.scans.push({
    id: idFor(ctx.seed, index, "scan.portal"),
    scanType: "radiation_portal",
    outcome: "no_alarm",
    notes: "Drive-through, no alarm",
    device: "RPM lane 3 (4 PVT panels, 4 He-3 tubes)",
    scannedAt,
    recordedAt,
  });
  step("results_recorded", "record_result", host.officer, recordedAt);
  if (rng.chance(0.2)) {
    const imagedAt = new Date(recordedAt.getTime() + rng.int(10, 40) * 60_000);
    plan.scans.push({
      id: idFor(ctx.seed, index, "scan.image"),
      scanType: "xray_image",
      outcome: "no_anomaly",
      notes: "Image consistent with the manifest",
      device: "VACIS M6500 gamma imager",
      scannedAt: imagedAt,
      recordedAt: imagedAt,
    });
    step("results_recorded", "record_result", host.officer, imagedAt);
  }
  plan.firstResultAt = recordedAt;
  plan.disposition = "cleared";
  plan.dispositionedBy = host.officer;
  plan.dispositionedAt = new Date(plan.updatedAt.getTime() + rng.int(10, 90) * 60_000);
  step("dispositioned", "disposition", host.officer, plan.dispositionedAt);
  if (roll >= 0.27) {
    plan.closedAt = at(plan.dispositionedAt, 1, 24);
    step("closed", "close", host.supervisor, plan.closedAt);
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Bulk writes: one `insert … select … from unnest($1::t[], …)` per table and chunk.

/** A column: name, the array element type sent, how to read it, and a cast applied in the select (array columns). */
type Column<R> = readonly [name: string, type: string, get: (row: R) => unknown, cast?: string];

async function insertRows<R>(
  tx: Tx,
  table: string,
  columns: readonly Column<R>[],
  rows: readonly R[],
): Promise<number> {
  if (rows.length === 0) {
    return 0;
  }

  const names = sql.join(columns.map(([name]) => sql.ref(name)));
  const arrays = sql.join(
    columns.map(([, type, get]) => sql`${rows.map((row) => get(row) ?? null)}::${sql.raw(type)}[]`),
  );
  const aliases = columns.map((_, i) => `c${i}`);
  const selected = sql.raw(columns.map(([, , , cast], i) => (cast ? `c${i}::${cast}` : `c${i}`)).join(", "));
  await sql`insert into ${sql.table(table)} (${names}) select ${selected} from unnest(${arrays}) as t(${sql.raw(aliases.join(", "))})`.execute(
    tx,
  );
  return rows.length;
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;
/** A PostgreSQL array literal of simple words (reason codes, scan types). */
const textArray = (items: readonly string[]): string => `{${items.join(",")}}`;

const SHIPMENT: readonly Column<Generated>[] = [
  ["id", "uuid", (s) => s.id],
  ["owner_agency_id", "uuid", (s) => s.ownerId],
  ["bill_of_lading", "text", (s) => s.billOfLading],
  ["carrier_scac", "text", (s) => s.voyage.carrierScac],
  ["voyage_id", "uuid", (s) => s.voyage.id],
  ["port_of_loading", "text", (s) => s.voyage.portOfLoading],
  ["port_of_discharge", "text", (s) => s.portOfDischarge],
  ["final_destination", "text", (s) => s.finalDestination],
  ["shipper_name", "text", (s) => s.shipper.name],
  ["shipper_address", "text", (s) => s.shipper.address],
  ["shipper_country", "text", (s) => s.shipper.country],
  ["consignee_name", "text", (s) => s.consignee.name],
  ["consignee_address", "text", (s) => s.consignee.address],
  ["consignee_country", "text", (s) => s.consignee.country],
  ["notify_name", "text", (s) => s.notifyName],
  ["etd", "timestamptz", (s) => s.voyage.etd.toISOString()],
  ["filed_at", "timestamptz", (s) => s.filedAt.toISOString()],
  ["created_at", "timestamptz", (s) => s.filedAt.toISOString()],
  ["version", "int", (s) => (s.isCancelled ? 2 : 1)],
  ["is_cancelled", "boolean", (s) => s.isCancelled],
  ["last_message_ref", "text", (s) => s.messageRef],
  ["search_text", "text", (s) => s.searchText],
];

type GoodsRow = Generated["goods"][number] & { shipmentId: string };
const GOODS: readonly Column<GoodsRow>[] = [
  ["shipment_id", "uuid", (g) => g.shipmentId],
  ["line_no", "int", (g) => g.lineNo],
  ["hs_code", "text", (g) => g.hsCode],
  ["description", "text", (g) => g.description],
  ["packages", "int", (g) => g.packages],
  ["package_type", "text", (g) => g.packageType],
  ["gross_weight_kg", "numeric", (g) => g.grossWeightKg],
  ["container_no", "text", (g) => g.containerNo],
];

type ContainerRow = Generated["containers"][number] & { shipmentId: string };
const CONTAINER: readonly Column<ContainerRow>[] = [
  ["shipment_id", "uuid", (c) => c.shipmentId],
  ["container_no", "text", (c) => c.containerNo],
  ["size_type", "text", (c) => c.sizeType],
  ["seal_no", "text", (c) => c.sealNo],
  ["is_full", "boolean", () => true],
];

type ScoreInsert = ScoreRow & { shipmentId: string; version: number };
const SCORE: readonly Column<ScoreInsert>[] = [
  ["shipment_id", "uuid", (r) => r.shipmentId],
  ["agency_id", "uuid", (r) => r.agencyId],
  ["rule_set_id", "uuid", (r) => r.ruleSetId],
  ["shipment_version", "int", (r) => r.version],
  ["score", "numeric", (r) => r.score],
  ["level", "text", (r) => r.level],
  ["hits", "jsonb", (r) => r.hits],
  ["is_random_selected", "boolean", (r) => r.isRandomSelected],
  ["scored_at", "timestamptz", (r) => r.scoredAt.toISOString()],
];

type RequestInsert = RequestPlan & { shipmentId: string; reference: string };
const REQUEST: readonly Column<RequestInsert>[] = [
  ["id", "uuid", (r) => r.id],
  ["reference", "text", (r) => r.reference],
  ["shipment_id", "uuid", (r) => r.shipmentId],
  ["container_no", "text", (r) => r.containerNo],
  ["agreement_id", "uuid", (r) => r.agreement.id],
  ["requesting_agency_id", "uuid", (r) => r.requesterId],
  ["host_agency_id", "uuid", (r) => r.hostId],
  ["status", "text", (r) => r.status],
  ["request_type", "text", () => "inspection"],
  ["reason_codes", "text", (r) => textArray(r.reasonCodes), "text[]"],
  ["legal_basis", "text", (r) => r.agreement.legalBasis],
  ["priority", "text", (r) => r.priority],
  ["reason", "text", (r) => r.reason],
  ["scans_requested", "text", (r) => textArray(r.scansRequested), "text[]"],
  ["requested_by", "uuid", (r) => r.requestedBy],
  ["requested_at", "timestamptz", (r) => iso(r.requestedAt)],
  ["deadline", "timestamptz", (r) => iso(r.deadline)],
  ["decided_by", "uuid", (r) => r.decidedBy],
  ["decided_at", "timestamptz", (r) => iso(r.decidedAt)],
  ["decision_reason", "text", (r) => r.decisionReason],
  ["decision_code", "text", (r) => r.decisionCode],
  ["disposition", "text", (r) => r.disposition],
  ["dispositioned_by", "uuid", (r) => r.dispositionedBy],
  ["dispositioned_at", "timestamptz", (r) => iso(r.dispositionedAt)],
  ["scheduled_for", "timestamptz", (r) => iso(r.scheduledFor)],
  ["escalated_at", "timestamptz", (r) => iso(r.escalatedAt)],
  ["missed_at", "timestamptz", (r) => iso(r.missedAt)],
  ["miss_reason", "text", (r) => r.missReason],
  ["first_result_at", "timestamptz", (r) => iso(r.firstResultAt)],
  ["closed_at", "timestamptz", (r) => iso(r.closedAt)],
  ["updated_at", "timestamptz", (r) => iso(r.updatedAt)],
];

type TransitionInsert = Transition & { requestId: string };
const TRANSITION: readonly Column<TransitionInsert>[] = [
  ["request_id", "uuid", (t) => t.requestId],
  ["from_status", "text", (t) => t.from],
  ["to_status", "text", (t) => t.to],
  ["action", "text", (t) => t.action],
  ["actor_user_id", "uuid", (t) => t.actor],
  ["note", "text", (t) => t.note],
  ["at", "timestamptz", (t) => iso(t.at)],
];

type ScanInsert = RequestPlan["scans"][number] & {
  requestId: string;
  containerNo: string;
  officer: string;
  site: string | null;
};
const SCAN: readonly Column<ScanInsert>[] = [
  ["id", "uuid", (s) => s.id],
  ["request_id", "uuid", (s) => s.requestId],
  ["container_no", "text", (s) => s.containerNo],
  ["scan_type", "text", (s) => s.scanType],
  ["outcome", "text", (s) => s.outcome],
  ["notes", "text", (s) => s.notes],
  ["officer_id", "uuid", (s) => s.officer],
  ["site_id", "uuid", (s) => s.site],
  ["device", "text", (s) => s.device],
  ["scanned_at", "timestamptz", (s) => iso(s.scannedAt)],
  ["recorded_at", "timestamptz", (s) => iso(s.recordedAt)],
];

type Rows = ScaleResult["rows"];

/** Rows and milliseconds per step of one chunk. */
interface Written {
  rows: Rows;
  steps: [step: string, ms: number][];
}

/**
 * Writes one chunk in one transaction. The deferred triggers (the work list's refresh) are made
 * to fire before the request counters are taken, so that concurrent writers hold a counter row
 * only for the last few statements, not through the whole commit.
 */
async function writeChunk(db: Kysely<DB>, ctx: Context, chunk: Generated[]): Promise<Written> {
  const steps: Written["steps"] = [];
  let mark = performance.now();
  const lap = (step: string): void => {
    const at = performance.now();
    steps.push([step, at - mark]);
    mark = at;
  };
  const rows = await db.transaction().execute(async (tx) => {
    const rows: Rows = { shipments: 0, goods: 0, containers: 0, scores: 0, requests: 0, transitions: 0, scans: 0 };
    rows.shipments = await insertRows(tx, "shipment", SHIPMENT, chunk);
    lap("shipment");
    rows.goods = await insertRows(
      tx,
      "shipment_goods",
      GOODS,
      chunk.flatMap((s) => s.goods.map((g) => ({ ...g, shipmentId: s.id }))),
    );
    lap("goods");
    rows.containers = await insertRows(
      tx,
      "shipment_container",
      CONTAINER,
      chunk.flatMap((s) => s.containers.map((c) => ({ ...c, shipmentId: s.id }))),
    );
    lap("containers");
    rows.scores = await insertRows(
      tx,
      "shipment_score",
      SCORE,
      chunk.flatMap((s) => s.scores.map((r) => ({ ...r, shipmentId: s.id, version: 1 }))),
    );
    // The listing queued every new shipment for scoring (migration 0017); the scores just written are
    // what the scorer would write, so the requests they answer go.
    await sql`delete from score_request where shipment_id = any(${chunk.map((s) => s.id)}::uuid[])`.execute(tx);
    lap("scores");
    await sql`set constraints all immediate`.execute(tx);
    lap("deferred triggers");
    const planned = chunk
      .filter((s) => s.request !== null)
      .map((s) => ({ ...(s.request as RequestPlan), shipmentId: s.id }));
    const requests = await numberRequests(tx, planned);
    rows.requests = await insertRows(tx, "inspection_request", REQUEST, requests);
    rows.transitions = await insertRows(
      tx,
      "request_transition",
      TRANSITION,
      requests.flatMap((r) => r.transitions.map((t) => ({ ...t, requestId: r.id }))),
    );
    rows.scans = await insertRows(
      tx,
      "scan",
      SCAN,
      requests.flatMap((r) => {
        const host = ctx.users[r.hostId];
        return r.scans.map((s) => ({
          ...s,
          requestId: r.id,
          containerNo: r.containerNo,
          officer: host?.officer ?? r.decidedBy ?? "",
          site: host?.officerSite ?? null,
        }));
      }),
    );
    lap("requests");
    return rows;
  });
  lap("commit");
  return { rows, steps };
}

/**
 * References from each requesting agency's own yearly counter, as src/domain/inspection-requests/create.ts
 * draws them: the counter row moves by the chunk's count in the chunk's transaction, so requests
 * made through the API afterwards carry on from there.
 */
async function numberRequests(tx: Tx, planned: (RequestPlan & { shipmentId: string })[]): Promise<RequestInsert[]> {
  const groups = new Map<string, (RequestPlan & { shipmentId: string })[]>();
  for (const r of planned.sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime())) {
    const key = `${r.requesterId}|${r.requestedAt.getUTCFullYear()}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: RequestInsert[] = [];
  // Counter rows are locked in one order by every writer, so that concurrent chunks cannot deadlock.
  for (const [key, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const [agencyId = "", year = "0"] = key.split("|");
    const counter = await tx
      .insertInto("inspection_request_counter")
      .values({ agency_id: agencyId, year: Number(year), last_number: list.length })
      .onConflict((oc) =>
        oc
          .columns(["agency_id", "year"])
          .doUpdateSet({ last_number: sql<number>`inspection_request_counter.last_number + ${list.length}` }),
      )
      .returning("last_number")
      .executeTakeFirstOrThrow();
    const first = counter.last_number - list.length + 1;
    list.forEach((r, i) =>
      out.push({ ...r, reference: `IR-${r.requesterCode}-${year}-${String(first + i).padStart(6, "0")}` }),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Setting the scene: demo world, voyages, rules, accounts.

async function ensureVoyages(
  db: Kysely<DB>,
  seed: number,
  anchor: Date,
  us: Agency,
  jp: Agency,
): Promise<{ US: Voyage[]; JP: Voyage[] }> {
  const vessels = await db.selectFrom("vessel").select(["imo", "name"]).execute();
  const imoByName = new Map(vessels.map((v) => [v.name, v.imo]));
  const fleets = new Map(
    CARRIERS.map((c) => [
      c.scac,
      c.vesselNames
        .map((n) => (c.vesselPrefix ? `${c.vesselPrefix} ${n}` : n))
        .flatMap((name) => (imoByName.has(name) ? [{ name, imo: imoByName.get(name) as string }] : [])),
    ]),
  );
  const rng = seededRandom(seed ^ 0x70a9e);
  const start = anchor.getTime() - WEEKS_BACK * 7 * DAY;
  const planned: Omit<Voyage, "id">[] = [];
  for (const [serviceIndex, service] of [...US_SERVICES, ...JAPAN_SERVICES].entries()) {
    const agency = service.side === "US" ? us : jp;
    let day = 0;
    while (new Date(start + day * DAY).getUTCDay() !== service.weekday) {
      day++;
    }
    for (let week = 0; week < WEEKS_BACK + WEEKS_AHEAD; week++) {
      for (const [c, scac] of service.carriers.entries()) {
        const fleet = fleets.get(scac) ?? [];
        const vessel = fleet[(week + serviceIndex + c) % Math.max(1, fleet.length)];
        if (!vessel) {
          continue;
        }
        const etd = new Date(start + (day + week * 7 + c) * DAY + rng.int(14, 22) * HOUR);
        const yearWeek = `${String(etd.getUTCFullYear()).slice(2)}${String(Math.floor((etd.getTime() - Date.UTC(etd.getUTCFullYear(), 0, 1)) / (7 * DAY)) + 1).padStart(2, "0")}`;
        const voyageNo = `${yearWeek}${serviceIndex % 10}${service.side === "US" ? "W" : "E"}`;
        planned.push({
          key: `${agency.id}|${vessel.imo}|${voyageNo}|${service.portOfLoading}`,
          agencyId: agency.id,
          service,
          carrierScac: scac,
          vesselImo: vessel.imo,
          vesselName: vessel.name,
          voyageNo,
          portOfLoading: service.portOfLoading,
          etd,
          cutoff: new Date(etd.getTime() - rng.int(24, 36) * HOUR),
        });
      }
    }
  }
  await db
    .insertInto("voyage")
    .values(
      planned.map((v) => ({
        agency_id: v.agencyId,
        vessel_imo: v.vesselImo,
        voyage_no: v.voyageNo,
        carrier_scac: v.carrierScac,
        port_of_loading: v.portOfLoading,
        etd: v.etd,
        loading_cutoff: v.cutoff,
      })),
    )
    .onConflict((oc) => oc.columns(["agency_id", "vessel_imo", "voyage_no", "port_of_loading"]).doNothing())
    .execute();
  const stored = await db
    .selectFrom("voyage")
    .select(["id", "agency_id", "vessel_imo", "voyage_no", "port_of_loading", "etd", "loading_cutoff"])
    .where("agency_id", "in", [us.id, jp.id])
    .execute();
  const byKey = new Map(stored.map((v) => [`${v.agency_id}|${v.vessel_imo}|${v.voyage_no}|${v.port_of_loading}`, v]));
  const voyages = planned.flatMap((v) => {
    const row = byKey.get(v.key);
    // The stored schedule wins (a run on another day, or a schedule change since).
    return row ? [{ ...v, id: row.id, etd: row.etd, cutoff: row.loading_cutoff }] : [];
  });
  return { US: voyages.filter((v) => v.service.side === "US"), JP: voyages.filter((v) => v.service.side === "JP") };
}

async function loadRules(db: Kysely<DB>, now: Date, agencies: Agency[]): Promise<Context["rules"]> {
  const rules: Context["rules"] = new Map();
  for (const agency of agencies) {
    const entry = await withAgency(db, agency.id, async (tx) => {
      const ruleSet = await activeRuleSet(tx, agency.id, fixedClock(now));
      return { ruleSetId: ruleSet.id, compiled: await compileForAgency(tx, ruleSet.definition) };
    });
    rules.set(agency.id, entry);
  }
  return rules;
}

async function loadUsers(db: Kysely<DB>, us: Agency, jp: Agency): Promise<Users> {
  const rows = await db
    .selectFrom("app_user")
    .select(["id", "username", "site_id"])
    .where("username", "in", [
      "host.targeter",
      "host.supervisor",
      "scan.officer",
      "partner.targeter",
      "partner.supervisor",
    ])
    .execute();
  const user = (name: string) => {
    const row = rows.find((r) => r.username === name);
    if (!row) {
      throw new Error(`the demo account ${name} is missing`);
    }
    return row;
  };
  return {
    [us.id]: {
      targeter: user("host.targeter").id,
      supervisor: user("host.supervisor").id,
      officer: user("scan.officer").id,
      officerSite: user("scan.officer").site_id,
    },
    // Japan Customs' supervisor records its own port's scans, as the demo's history does.
    [jp.id]: {
      targeter: user("partner.targeter").id,
      supervisor: user("partner.supervisor").id,
      officer: user("partner.supervisor").id,
      officerSite: null,
    },
  };
}

/** The anchor the demo world was created around (its audit event records it). */
async function demoAnchor(db: Kysely<DB>): Promise<Date | null> {
  const row = await db
    .selectFrom("audit_event")
    .select("payload")
    .where("action", "=", "demo.created")
    .orderBy("seq")
    .executeTakeFirst();
  const anchor = (row?.payload as { anchor?: string } | undefined)?.anchor;
  return anchor ? new Date(anchor) : null;
}

const BILL_MULTIPLIER = 2_654_435_761n;
const BILL_INVERSE = (() => {
  // The multiplier's inverse modulo 2^32 (Newton's iteration), to read an index back from a bill.
  let x = BILL_MULTIPLIER;
  for (let i = 0; i < 5; i++) {
    x = (x * (2n - BILL_MULTIPLIER * x)) % 4_294_967_296n;
  }
  return (x + 4_294_967_296n) % 4_294_967_296n;
})();

/** Ten digits, unique per index (an odd multiplier is a bijection modulo 2^32). */
export function billDigits(index: number): string {
  return String(5_000_000_000n + ((BigInt(index) * BILL_MULTIPLIER) % 4_294_967_296n));
}

/** The shipment index a loaded bill of lading was made for. */
export function billIndex(bill: string): number {
  return Number(((BigInt(bill.slice(4)) - 5_000_000_000n) * BILL_INVERSE) % 4_294_967_296n);
}

/**
 * Which shipment indexes to generate next: the holes a run with several writers may have left when
 * it stopped (a later chunk committed, an earlier one not), then on from the highest.
 */
async function planIndexes(db: Kysely<DB>): Promise<{ total: number; loaded: number; holes: number[]; next: number }> {
  const row = (
    await sql<{ total: number; loaded: number; top: string | null }>`
      select count(*)::int as total,
             count(*) filter (where bill_of_lading ~ ${LOADED_BILL})::int as loaded,
             max(((substr(bill_of_lading, 5)::numeric - 5000000000) * ${String(BILL_INVERSE)}::numeric) % 4294967296)
               filter (where bill_of_lading ~ ${LOADED_BILL}) as top
      from shipment`.execute(db)
  ).rows[0];
  const total = row?.total ?? 0;
  const loaded = row?.loaded ?? 0;
  const next = row?.top === null || row?.top === undefined ? 0 : Number(row.top) + 1;
  if (loaded === next) {
    return { total, loaded, holes: [], next };
  }
  const bills = await db
    .selectFrom("shipment")
    .select("bill_of_lading")
    .where(sql<boolean>`bill_of_lading ~ ${LOADED_BILL}`)
    .execute();
  const present = new Uint8Array(next);
  for (const b of bills) {
    present[billIndex(b.bill_of_lading)] = 1;
  }
  const holes: number[] = [];
  present.forEach((isThere, i) => {
    if (!isThere) {
      holes.push(i);
    }
  });
  return { total, loaded, holes, next };
}

/** Migrates, makes sure the demo world exists, and adds shipments until the database holds `options.shipments`. */
export async function loadScale(db: Kysely<DB>, options: ScaleOptions): Promise<ScaleResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = performance.now();
  await migrateToLatest(db);
  const now = new Date();
  const demo = await ensureDemoWorld(db, {
    seed: options.seed,
    anchor: options.anchor ?? startOfUtcDay(now),
    shipments: options.demoShipments,
    password: options.password,
    withHistory: true,
  });
  if (demo.isNew) {
    log(
      `Demo world created in ${((performance.now() - started) / 1000).toFixed(1)} s: ${demo.shipments} shipments.${demo.password ? ` Demo password: ${demo.password}` : ""}`,
    );
  }
  const anchor = options.anchor ?? (await demoAnchor(db)) ?? startOfUtcDay(now);
  const agencyRows = await db
    .selectFrom("agency")
    .select(["id", "code"])
    .where("code", "in", ["USCBP", "JPCUS"])
    .execute();
  const us = { id: agencyRows.find((a) => a.code === "USCBP")?.id ?? "", code: "USCBP" as const };
  const jp = { id: agencyRows.find((a) => a.code === "JPCUS")?.id ?? "", code: "JPCUS" as const };
  const agreements = (await db.selectFrom("agreement").selectAll().execute()).map((a) => ({
    id: a.id,
    providerId: a.provider_agency_id,
    recipientId: a.recipient_agency_id,
    countries: a.destination_countries.map((c) => c.trim()),
    validFrom: new Date(a.valid_from),
    validUntil: a.valid_until ? new Date(a.valid_until) : null,
    isActive: a.is_active,
    legalBasis: a.legal_basis,
  }));
  const ctx: Context = {
    seed: options.seed,
    now,
    us,
    jp,
    catalogue: buildCatalogue(options.seed),
    voyages: await ensureVoyages(db, options.seed, anchor, us, jp),
    agreements,
    rules: await loadRules(db, now, [us, jp]),
    users: await loadUsers(db, us, jp),
  };
  const plan = await planIndexes(db);
  const counted = { total: plan.total, loaded: plan.loaded };
  const toAdd = Math.max(0, options.shipments - counted.total);
  const writers = Math.max(1, options.writers ?? 2);
  log(
    `${counted.total.toLocaleString("en-US")} shipments present (${counted.loaded.toLocaleString("en-US")} from this loader); adding ${toAdd.toLocaleString("en-US")} in chunks of ${options.chunk.toLocaleString("en-US")} ` +
      `with ${writers} writer${writers === 1 ? "" : "s"} (seed ${options.seed}, sailings ${new Date(anchor.getTime() - WEEKS_BACK * 7 * DAY).toISOString().slice(0, 10)} to ${new Date(anchor.getTime() + WEEKS_AHEAD * 7 * DAY).toISOString().slice(0, 10)}, ${ctx.voyages.US.length + ctx.voyages.JP.length} voyages).`,
  );
  // The indexes to make: holes left by an interrupted run first, then on from the highest.
  const indexes = function* (): Generator<number> {
    let left = toAdd;
    for (const i of plan.holes) {
      if (left-- <= 0) {
        return;
      }
      yield i;
    }
    for (let i = plan.next; left > 0; i++, left--) {
      yield i;
    }
  };
  const rows: Rows = { shipments: 0, goods: 0, containers: 0, scores: 0, requests: 0, transitions: 0, scans: 0 };
  const loadStarted = performance.now();
  let generatingMs = 0;
  const source = indexes();
  // Generation and scoring in this thread give the event loop a turn every few shipments, so the
  // writers' statements go out and come back while the next chunk is being made.
  const generate = async (): Promise<Generated[]> => {
    const out: Generated[] = [];
    let since = performance.now();
    for (
      let step = source.next();
      !step.done;
      step = out.length < options.chunk ? source.next() : { done: true, value: undefined }
    ) {
      out.push(makeShipment(ctx, step.value));
      if (performance.now() - since > 4) {
        generatingMs += performance.now() - since;
        await nextTurn();
        since = performance.now();
      }
    }
    generatingMs += performance.now() - since;
    return out;
  };
  const report = (written: Written, ms: number): void => {
    let chunkRows = 0;
    for (const key of Object.keys(rows) as (keyof Rows)[]) {
      rows[key] += written.rows[key];
      chunkRows += written.rows[key];
    }
    const seconds = (performance.now() - loadStarted) / 1000;
    const allRows = Object.values(rows).reduce((a, b) => a + b, 0);
    const steps = options.verbose
      ? `  [${written.steps.map(([step, stepMs]) => `${step} ${Math.round(stepMs)}`).join(", ")} ms; generating ${(generatingMs / 1000).toFixed(1)} s so far]`
      : "";
    log(
      `${(counted.total + rows.shipments).toLocaleString("en-US").padStart(11)} shipments  +${written.rows.shipments} in ${(ms / 1000).toFixed(1)} s (${chunkRows.toLocaleString("en-US")} rows: ` +
        `${written.rows.goods} goods, ${written.rows.containers} containers, ${written.rows.scores} scores, ${written.rows.requests} requests)  ` +
        `overall ${Math.round(rows.shipments / seconds).toLocaleString("en-US")} shipments/s, ${Math.round(allRows / seconds).toLocaleString("en-US")} rows/s${steps}`,
    );
  };
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  for (let chunk = await generate(); chunk.length > 0 && failure === null; chunk = await generate()) {
    while (inFlight.size >= writers) {
      await Promise.race(inFlight);
    }
    if (failure !== null) {
      break;
    }
    const started = performance.now();
    const writing: Promise<void> = writeChunk(db, ctx, chunk)
      .then((written) => report(written, performance.now() - started))
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => inFlight.delete(writing));
    inFlight.add(writing);
  }
  await Promise.all(inFlight);
  if (failure !== null) {
    throw failure instanceof Error ? failure : new Error("a chunk could not be written", { cause: failure });
  }
  if (rows.shipments > 0) {
    await db.transaction().execute((tx) =>
      recordAudit(tx, null, {
        action: "demo.scaled",
        entityType: "system",
        otherAgencyIds: [us.id, jp.id],
        payload: {
          seed: options.seed,
          added: rows.shipments,
          total: counted.total + rows.shipments,
          requests: rows.requests,
        },
      }),
    );
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  if (options.analyze !== false) {
    const analyzing = performance.now();
    await sql`analyze`.execute(db);
    log(`ANALYZE in ${((performance.now() - analyzing) / 1000).toFixed(1)} s.`);
  }
  const seconds = (performance.now() - started) / 1000;
  const allRows = Object.values(rows).reduce((a, b) => a + b, 0);
  log(
    `Added ${rows.shipments.toLocaleString("en-US")} shipments (${allRows.toLocaleString("en-US")} rows: ${Object.entries(
      rows,
    )
      .map(([k, v]) => `${v.toLocaleString("en-US")} ${k}`)
      .join(", ")}) in ${loadSeconds.toFixed(1)} s of loading` +
      (loadSeconds > 0
        ? ` (${Math.round(rows.shipments / loadSeconds).toLocaleString("en-US")} shipments/s, ${Math.round(allRows / loadSeconds).toLocaleString("en-US")} rows/s)`
        : "") +
      `; ${seconds.toFixed(1)} s in all. The database holds ${(counted.total + rows.shipments).toLocaleString("en-US")} shipments.`,
  );
  return {
    before: counted.total,
    added: rows.shipments,
    total: counted.total + rows.shipments,
    seconds,
    rows,
    demoPassword: demo.password,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      shipments: { type: "string" },
      "database-url": { type: "string" },
      seed: { type: "string" },
      chunk: { type: "string" },
      password: { type: "string" },
      "demo-shipments": { type: "string" },
      anchor: { type: "string" },
      writers: { type: "string" },
      "no-analyze": { type: "boolean" },
      verbose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const usage =
    "usage: node --import tsx scripts/load-scale.ts --shipments N [--database-url URL] [--seed N] [--chunk 10000] [--writers 2] [--password P] [--demo-shipments 2000] [--anchor YYYY-MM-DD] [--no-analyze] [--verbose]";
  if (values.help) {
    console.log(usage);
    return;
  }
  const count = (name: string, raw: string | undefined, fallback?: number): number => {
    const n = raw === undefined ? fallback : Number(raw.replace(/_/g, ""));
    if (n === undefined || !Number.isInteger(n) || n < 0) {
      console.error(`--${name} must be a whole number\n${usage}`);
      process.exit(2);
    }
    return n;
  };
  const url = values["database-url"] ?? process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    console.error(
      `load-scale writes to PostgreSQL only: pass --database-url postgres://… or set DATABASE_URL\n${usage}`,
    );
    process.exit(2);
  }
  const anchor = values.anchor ? new Date(`${values.anchor}T00:00:00Z`) : undefined;
  if (anchor && Number.isNaN(anchor.getTime())) {
    console.error(`--anchor ${values.anchor} is not a date`);
    process.exit(2);
  }
  const password = values.password ?? process.env.RECIPROCITY_DEMO_PASSWORD;
  const database = await openDatabase({ url });
  try {
    await loadScale(database.db, {
      shipments: count("shipments", values.shipments),
      seed: count("seed", values.seed, Number(process.env.RECIPROCITY_DEMO_SEED ?? 20021)),
      chunk: Math.max(1, count("chunk", values.chunk, 10_000)),
      demoShipments: count("demo-shipments", values["demo-shipments"], 2000),
      ...(password ? { password } : {}),
      ...(anchor ? { anchor } : {}),
      writers: Math.max(1, count("writers", values.writers, 2)),
      analyze: !values["no-analyze"],
      verbose: values.verbose ?? false,
    });
  } finally {
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
