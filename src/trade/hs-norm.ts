/**
 * HS codes of commodities that trip radiation portal monitors (trade-standards.md §3): NORM
 * "nuisance" cargo whose alarm is consistent with the manifest, and codes that must be
 * explained or escalated (true sources, uranium/thorium ores, scrap with orphan-source risk).
 */
import { normaliseHsCode } from "./hs-code.ts";

/** How an alarm on this commodity should be treated. */
export type NormKind = "nuisance" | "explain-or-escalate";

/** The expected-radiation prior for one HS code. */
export interface NormCommodity {
  commodity: string;
  /** Main nuclides, e.g. ["K-40"], ["U", "Th"]. */
  nuclides: string[];
  kind: NormKind;
  /** The table prefix that matched (2–6 digits). */
  hsPrefix: string;
}

type NormRow = readonly [prefix: string, commodity: string, nuclides: readonly string[], kind: NormKind];

const UTHK = ["U", "Th", "K-40"] as const;

/** Longest prefix wins, so specific subheadings may refine their heading. */
const NORM_TABLE: readonly NormRow[] = [
  ["0803", "bananas / plantains", ["K-40"], "nuisance"],
  ["1805", "cocoa powder", ["K-40"], "nuisance"],
  ["3104", "potash fertilizer", ["K-40"], "nuisance"],
  ["3105", "mixed (NPK) fertilizer", ["K-40", "Ra-226"], "nuisance"],
  ["3103", "phosphate fertilizer", ["Ra-226", "U"], "nuisance"],
  ["2510", "phosphate rock", ["Ra-226", "U"], "nuisance"],
  ["2508", "clays (bentonite, kitty litter)", UTHK, "nuisance"],
  ["2516", "granite and other monumental or building stone", UTHK, "nuisance"],
  ["25161", "granite, crude or roughly trimmed", UTHK, "nuisance"],
  ["6802", "worked monumental or building stone", UTHK, "nuisance"],
  ["680223", "granite, worked", UTHK, "nuisance"],
  ["680293", "granite, worked", UTHK, "nuisance"],
  ["6907", "ceramic tiles", UTHK, "nuisance"],
  ["6910", "ceramic sanitary ware", UTHK, "nuisance"],
  ["6911", "porcelain tableware", UTHK, "nuisance"],
  ["6912", "ceramic tableware / pottery", UTHK, "nuisance"],
  ["6913", "ornamental ceramics", UTHK, "nuisance"],
  ["6902", "refractory brick (zircon)", ["Th", "U"], "nuisance"],
  ["6903", "refractory ceramic goods", ["Th", "U"], "nuisance"],
  ["2615", "zirconium, niobium or tantalum ores", ["Th", "U"], "nuisance"],
  ["261510", "zircon sand", ["Th", "U"], "nuisance"],
  ["2614", "titanium sands (rutile, ilmenite)", ["Th", "U"], "nuisance"],
  ["2846", "rare-earth compounds", ["Th"], "nuisance"],
  ["2612", "uranium or thorium ores", ["U", "Th"], "explain-or-escalate"],
  ["261220", "thorium ores (monazite)", ["Th"], "explain-or-escalate"],
  ["2844", "radioactive elements and isotopes", ["various"], "explain-or-escalate"],
  ["9022", "X-ray or ionising-radiation apparatus", ["various"], "explain-or-escalate"],
  ["90222", "apparatus using alpha, beta or gamma radiation (sealed sources)", ["various"], "explain-or-escalate"],
  ["853110", "burglar or fire alarms (smoke detectors)", ["Am-241"], "explain-or-escalate"],
  ["7204", "ferrous scrap (orphan-source risk)", ["Co-60", "Cs-137"], "explain-or-escalate"],
  ["7602", "aluminium scrap (orphan-source risk)", ["Co-60", "Cs-137"], "explain-or-escalate"],
];

/** The NORM / radioactive-commodity prior for an HS code (dirty input tolerated); undefined if none applies. */
export function normCommodity(hsCode: string | number): NormCommodity | undefined {
  const normalised = normaliseHsCode(hsCode);
  if (!normalised.ok) {
    return undefined;
  }
  const { code } = normalised.value;
  let best: NormRow | undefined;
  for (const row of NORM_TABLE) {
    if (code.startsWith(row[0]) && (!best || row[0].length > best[0].length)) {
      best = row;
    }
  }
  if (!best) {
    return undefined;
  }
  const [hsPrefix, commodity, nuclides, kind] = best;
  return { commodity, nuclides: [...nuclides], kind, hsPrefix };
}

/** Description keywords (trade-standards.md §7.3) mapped to a representative HS prefix of the table. */
const NORM_KEYWORDS: readonly (readonly [RegExp, string])[] = [
  [/\bBANANA|\bPLANTAIN/, "0803"],
  [/\bCOCOA\b/, "1805"],
  [/\bPOTASH|\bPOTASSIUM CHLORIDE/, "3104"],
  [/\bPHOSPHATE ROCK/, "2510"],
  [/\bPHOSPHAT\w*\s+FERTILI[SZ]/, "3103"],
  [/\bFERTILI[SZ]/, "3105"],
  [/\bBENTONITE|\bLITTER\b/, "2508"],
  [/\bGRANITE/, "2516"],
  [/\bZIRCON/, "261510"],
  [/\bREFRACTOR/, "6902"],
  [/\bTILES?\b/, "6907"],
  [/\bCERAMIC|\bPORCELAIN|\bPOTTERY/, "6912"],
];

/** NORM prior from a free-text cargo description ("CERAMIC TILES", "POTASH"); first keyword wins. */
export function normCommodityFromText(description: string): NormCommodity | undefined {
  const text = description.toUpperCase();
  const hit = NORM_KEYWORDS.find(([pattern]) => pattern.test(text));
  return hit ? normCommodity(hit[1]) : undefined;
}
