import { makeContainerNumber, makeImoNumber, type ManifestShipment } from "../../trade/index.ts";
import { mulberry32 } from "../demo/random.ts";

// Seeded synthetic manifests for the ingest benchmark and the streaming tests: valid container
// and IMO numbers, real UN/LOCODE ports, HS codes the radiation portals care about, and runs of
// shipments on the same voyage, so files written from them read back without findings.

const CARRIERS = [
  ["ONEY", "ONEU"],
  ["MAEU", "MSKU"],
  ["MSCU", "MEDU"],
  ["CMDU", "CMAU"],
  ["EGLV", "EGHU"],
  ["HLCU", "HLXU"],
] as const;
const DISCHARGE = ["JPTYO", "JPYOK", "JPUKB", "JPNGO", "KRPUS", "CNSHA", "TWKHH", "VNSGN", "AUSYD"];
const GOODS = [
  ["310420", "POTASSIUM CHLORIDE FERTILIZER", "BG"],
  ["690721", "PORCELAIN FLOOR TILES", "PX"],
  ["680293", "POLISHED GRANITE SLABS", "CR"],
  ["080390", "FRESH BANANAS", "CT"],
  ["080212", "CALIFORNIA ALMONDS SHELLED", "CT"],
  ["250810", "SODIUM BENTONITE", "BG"],
] as const;
const SHIPPERS = [
  "PACIFIC AG EXPORTS LLC",
  "GOLDEN STATE FARMS INC",
  "SIERRA METALS RECYCLING CORP",
  "HARBOR PAPER FIBER LP",
];
const CONSIGNEES = [
  "ASAHI TRADING KK",
  "DAIICHI SHOJI CO LTD",
  "HANIL CO LTD",
  "SAKURA BUSSAN CO LTD",
  "KERAMIK TRADING KK",
];
/** Consecutive shipments on one voyage. */
const PER_VOYAGE = 400;
const ANCHOR = Date.UTC(2026, 11, 1, 6, 0);

function pick<T>(list: readonly T[], r: () => number): T {
  return list[Math.floor(r() * list.length)] as T;
}

/** Options for syntheticShipments. */
export interface SyntheticOptions {
  seed: number;
  /** Bills are `${prefix}${index}`: different prefixes never collide. */
  prefix: string;
  /** Index of the first shipment (to continue a series). */
  start?: number;
}

/** `count` synthetic outbound shipments from LA/LB, generated lazily. */
export function* syntheticShipments(
  count: number,
  options: SyntheticOptions,
): Generator<ManifestShipment, void, undefined> {
  const r = mulberry32(options.seed);
  const start = options.start ?? 0;
  for (let i = start; i < start + count; i++) {
    const group = Math.floor(i / PER_VOYAGE);
    const [scac, owner] = CARRIERS[group % CARRIERS.length] as (typeof CARRIERS)[number];
    const boxes = 1 + Math.floor(r() * 3);
    const containers = Array.from({ length: boxes }, (_, k) => ({
      number: makeContainerNumber(owner, (i * 3 + k) % 1_000_000),
      isValid: true,
      equipmentType: "CN",
      sizeType: "22G1",
      seals: [`SL${(i * 3 + k) % 10_000_000}`],
      fullEmpty: "full" as const,
    }));
    const goods = containers.map((c, k) => {
      const [hsCode, description, packageType] = pick(GOODS, r);
      return {
        lineNumber: k + 1,
        hsCode,
        description,
        packages: 10 + Math.floor(r() * 90),
        packageType,
        grossWeightKg: 15000 + Math.floor(r() * 12000),
        containerNumbers: [c.number],
      };
    });
    yield {
      source: { format: "cuscar" },
      messageRef: `${options.prefix}${i}`,
      function: "original",
      billOfLading: `${options.prefix}${String(i).padStart(9, "0")}`,
      carrierScac: scac,
      vessel: { name: `SYNTHETIC ${group % 50}`, imo: makeImoNumber(930000 + (group % 50)) },
      voyage: `${String(100 + (group % 900))}${group % 2 === 0 ? "W" : "E"}`,
      portOfLoading: group % 2 === 0 ? "USLAX" : "USLGB",
      portOfDischarge: pick(DISCHARGE, r),
      etd: new Date(ANCHOR + group * 3_600_000).toISOString().slice(0, 16),
      parties: {
        shipper: { name: pick(SHIPPERS, r), address: ["1200 HARBOR BLVD", "LONG BEACH CA 90802"], country: "US" },
        consignee: { name: pick(CONSIGNEES, r), address: ["2-1 MARUNOUCHI CHIYODA-KU"], country: "JP" },
      },
      goods,
      containers,
    };
  }
}
