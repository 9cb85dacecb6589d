// Public API of the screening library. Everything here is pure except loadShippedLists/readShippedManifest (read src/screening/data);
// shipped-update.ts (imported directly by the CLI) writes there.
import { loadShippedLists } from "./shipped.ts";
import { createScreener, type ScreenOptions, type ScreenQuery, type ScreenResult, type Screener } from "./screener.ts";

export type { BadRow, EntityType, ListCode, LoadResult, ScreeningEntry } from "./types.ts";
export type { AlignedToken, MatchEvidence } from "./match/score.ts";
export type { NormalizedName } from "./normalize/name.ts";
export type { LegalForm } from "./normalize/legal-forms.ts";
export type { ListReport, ShippedLists } from "./shipped.ts";
export { createScreener, DEFAULT_THRESHOLD, DEFAULT_TOP_K } from "./screener.ts";
export type { ScreenMatch, ScreenOptions, ScreenQuery, ScreenResult, Screener } from "./screener.ts";
export type { ShippedSource } from "./shipped.ts";
export { loadShippedLists, readShippedManifest, shippedDataDir, shippedFilePath } from "./shipped.ts";
export type { DetectedList, ListFormat } from "./lists/detect.ts";
export { detectListFormat, loadListAs, loadListFile } from "./lists/detect.ts";
export { cslSourceCode, loadConsolidatedCsv } from "./lists/csl-consolidated.ts";
export { loadSdnCsv } from "./lists/sdn-csv.ts";
export { loadSdnXml } from "./lists/sdn-xml.ts";
export { loadDplTxt, loadEntityListCsv, loadIsnCsv, loadItarDebarredCsv, loadUvlCsv } from "./lists/csl-sources.ts";
export { decodeWindows1252 } from "./lists/decode.ts";
export { normalizeName, guessEntityType } from "./normalize/name.ts";
export { phoneticKey, transliterationKey } from "./normalize/phonetic.ts";
export { isValidImo, normalizeImo } from "./imo.ts";

let defaultScreener: Screener | undefined;

/** The screener over the shipped lists, built on first use. */
export function getDefaultScreener(): Screener {
  defaultScreener ??= createScreener(loadShippedLists().entries);
  return defaultScreener;
}

/** Screens one party against the shipped lists (builds the default screener on first call). */
export function screen(query: ScreenQuery, options: ScreenOptions = {}): ScreenResult {
  return getDefaultScreener().screen(query, options);
}
