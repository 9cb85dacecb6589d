// Declared weight vs what the goods can plausibly weigh in the boxes they are in.
import { decodeSizeType, normaliseHsCode } from "../trade/index.ts";
import type { ShipmentFacts } from "./facts.ts";

/** Plausible cargo weight per TEU (kg) for one HS chapter range. */
export interface WeightBand {
  chapters: [from: number, to: number];
  goods: string;
  minKgPerTeu: number;
  maxKgPerTeu: number;
}

/**
 * Plausibility bands per HS chapter, in kg of cargo per TEU. A 20' box holds ~33 m³ and ~28 t of cargo, a 40' ~67 m³
 * and ~26.5 t, so dense goods (ores, stone, tiles, fertiliser, steel) weigh out near the payload and a low figure
 * means an under-declaration (or a different cargo), while light goods (apparel, furniture, toys) cube out at a few
 * tonnes and a high figure means something heavy is inside. Bands are deliberately wide: the rule is for the
 * implausible, not the unusual. Chapters not listed only get the payload check.
 */
export const WEIGHT_BANDS: readonly WeightBand[] = [
  { chapters: [1, 5], goods: "animal products (reefer)", minKgPerTeu: 3_000, maxKgPerTeu: 28_500 },
  { chapters: [6, 14], goods: "vegetable products, cereals, oilseeds", minKgPerTeu: 2_500, maxKgPerTeu: 28_500 },
  { chapters: [25, 26], goods: "salt, earths, stone, cement, ores", minKgPerTeu: 12_000, maxKgPerTeu: 28_500 },
  { chapters: [27, 27], goods: "mineral fuels, oils, bitumen", minKgPerTeu: 8_000, maxKgPerTeu: 28_500 },
  {
    chapters: [28, 29],
    goods: "chemicals (incl. isotopes in shielded packages)",
    minKgPerTeu: 800,
    maxKgPerTeu: 28_500,
  },
  { chapters: [31, 31], goods: "fertilisers", minKgPerTeu: 12_000, maxKgPerTeu: 28_500 },
  { chapters: [39, 40], goods: "plastics and rubber", minKgPerTeu: 1_500, maxKgPerTeu: 28_000 },
  { chapters: [44, 44], goods: "wood", minKgPerTeu: 4_000, maxKgPerTeu: 28_000 },
  { chapters: [47, 48], goods: "pulp and paper", minKgPerTeu: 6_000, maxKgPerTeu: 28_000 },
  { chapters: [50, 63], goods: "textiles and apparel", minKgPerTeu: 500, maxKgPerTeu: 12_000 },
  { chapters: [64, 67], goods: "footwear, headgear", minKgPerTeu: 500, maxKgPerTeu: 9_000 },
  { chapters: [68, 68], goods: "stone articles (granite, slabs)", minKgPerTeu: 12_000, maxKgPerTeu: 28_500 },
  { chapters: [69, 69], goods: "ceramic products (tiles, sanitary ware)", minKgPerTeu: 8_000, maxKgPerTeu: 28_500 },
  { chapters: [70, 70], goods: "glass", minKgPerTeu: 5_000, maxKgPerTeu: 28_000 },
  { chapters: [72, 72], goods: "iron and steel (incl. scrap)", minKgPerTeu: 10_000, maxKgPerTeu: 28_500 },
  { chapters: [73, 73], goods: "articles of iron or steel", minKgPerTeu: 3_000, maxKgPerTeu: 28_500 },
  { chapters: [74, 81], goods: "non-ferrous metals (incl. scrap)", minKgPerTeu: 5_000, maxKgPerTeu: 28_500 },
  { chapters: [84, 84], goods: "machinery", minKgPerTeu: 1_500, maxKgPerTeu: 28_000 },
  { chapters: [85, 85], goods: "electrical equipment", minKgPerTeu: 1_000, maxKgPerTeu: 20_000 },
  { chapters: [87, 87], goods: "vehicles and parts", minKgPerTeu: 1_000, maxKgPerTeu: 18_000 },
  { chapters: [94, 94], goods: "furniture, bedding, lamps", minKgPerTeu: 700, maxKgPerTeu: 10_000 },
  { chapters: [95, 96], goods: "toys, sports goods, miscellaneous", minKgPerTeu: 500, maxKgPerTeu: 9_000 },
];

/** Maximum cargo payload (kg) of one container by nominal length; above it the declaration is wrong whatever the goods. */
export function payloadLimitKg(teu: number): number {
  return teu <= 1 ? 28_300 : 28_800;
}

const bandByChapter = new Map<number, WeightBand>();
for (const band of WEIGHT_BANDS) {
  for (let c = band.chapters[0]; c <= band.chapters[1]; c++) {
    bandByChapter.set(c, band);
  }
}

/** The plausibility band of an HS chapter, if the table has one. */
export function weightBandFor(chapter: number): WeightBand | undefined {
  return bandByChapter.get(chapter);
}

const teuCache = new Map<string, number>();

/** TEU of an ISO 6346 size/type code: 20' = 1, 40' = 2, 45' = 2.25; unknown or missing codes count as 1. */
export function teuOf(sizeType: string | undefined): number {
  if (!sizeType) {
    return 1;
  }
  const cached = teuCache.get(sizeType);
  if (cached !== undefined) {
    return cached;
  }
  const decoded = decodeSizeType(sizeType);
  const teu = decoded.ok ? Math.max(0.5, decoded.value.lengthFt / 20) : 1;
  teuCache.set(sizeType, teu);
  return teu;
}

/** A container whose declared cargo weight is implausible, with the numbers behind the call. */
export interface WeightFinding {
  containerNo: string;
  chapter: string;
  goods: string;
  kgPerTeu: number;
  band: string;
  reason: "above payload" | "too heavy for the goods" | "too light for the goods";
}

/** Declared cargo of one container, or of the containers that share untied goods lines. */
export interface Load {
  containers: string[];
  teu: number;
  payloadKg: number;
  kg: number;
  byChapter: Map<number, number>;
}

function chapterOf(hsCode: string | undefined): number {
  const hs = hsCode ? normaliseHsCode(hsCode) : undefined;
  return hs?.ok ? Number(hs.value.chapter) : 0;
}

/**
 * Lines tied to a container weigh on that container; the other lines weigh on the other containers together
 * (how a shipper spreads them is unknown, so the pool is judged on its total TEU and total payload).
 */
export function loadsOf(
  facts: ShipmentFacts,
  chapters: readonly number[] = facts.goods.map((g) => chapterOf(g.hsCode)),
): Load[] {
  const loads = new Map<string, Load>();
  const tied = new Set(facts.goods.map((g) => g.containerNo).filter((c) => c !== undefined));
  const pool: Load = { containers: [], teu: 0, payloadKg: 0, kg: 0, byChapter: new Map() };
  for (const box of facts.containers) {
    const teu = teuOf(box.sizeType);
    const load = tied.has(box.containerNo)
      ? { containers: [box.containerNo], teu: 0, payloadKg: 0, kg: 0, byChapter: new Map<number, number>() }
      : pool;
    load.containers.push(...(load === pool ? [box.containerNo] : []));
    load.teu += teu;
    load.payloadKg += payloadLimitKg(teu);
    loads.set(box.containerNo, load);
  }
  facts.goods.forEach((line, i) => {
    const load =
      (line.containerNo ? loads.get(line.containerNo) : undefined) ??
      (pool.teu > 0 ? pool : loads.values().next().value);
    if (!load) {
      return;
    }
    const kg = line.grossWeightKg ?? 0;
    const chapter = chapters[i] ?? 0;
    load.kg += kg;
    load.byChapter.set(chapter, (load.byChapter.get(chapter) ?? 0) + kg);
  });
  return [...new Set(loads.values())];
}

function dominantChapter(byChapter: Map<number, number>): number {
  let best = 0;
  let bestKg = -1;
  for (const [chapter, kg] of byChapter) {
    if (kg > bestKg) {
      best = chapter;
      bestKg = kg;
    }
  }
  return best;
}

/** Containers whose declared weight per TEU is outside the band of their dominant HS chapter (widened by `tolerance`) or above payload. */
export function findImplausibleWeights(facts: ShipmentFacts, tolerance = 1): WeightFinding[] {
  return judgeLoads(hasWeights(facts) ? loadsOf(facts) : [], tolerance);
}

/** True when weights can be judged at all (containers and at least one declared weight). */
export function hasWeights(facts: ShipmentFacts): boolean {
  return facts.containers.length > 0 && facts.goods.some((g) => g.grossWeightKg !== undefined);
}

/** Judges container loads against the bands (widened by `tolerance`) and the payload. */
export function judgeLoads(loads: Load[], tolerance: number): WeightFinding[] {
  const findings: WeightFinding[] = [];
  for (const load of loads) {
    const kgPerTeu = Math.round(load.kg / load.teu);
    const chapter = dominantChapter(load.byChapter);
    const band = weightBandFor(chapter);
    const containerNo =
      load.containers.length === 1
        ? (load.containers[0] ?? "")
        : `${load.containers[0] ?? ""} (+${load.containers.length - 1})`;
    const base = { containerNo, chapter: String(chapter).padStart(2, "0"), goods: band?.goods ?? "goods", kgPerTeu };
    const range = band
      ? `${Math.round(band.minKgPerTeu / tolerance)}–${Math.round(band.maxKgPerTeu * tolerance)} kg/TEU`
      : "payload only";
    if (load.kg > load.payloadKg) {
      findings.push({ ...base, band: `payload ${load.payloadKg} kg`, reason: "above payload" });
    } else if (band && load.kg > 0 && kgPerTeu > band.maxKgPerTeu * tolerance) {
      findings.push({ ...base, band: range, reason: "too heavy for the goods" });
    } else if (band && load.kg > 0 && kgPerTeu < band.minKgPerTeu / tolerance) {
      findings.push({ ...base, band: range, reason: "too light for the goods" });
    }
  }
  return findings;
}
