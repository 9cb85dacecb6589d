/**
 * UN/LOCODE lookups over the shipped 2024-2 subset: by code, by name (diacritic-insensitive
 * prefix), by country. Format helpers (function string, coordinates) are re-exported.
 */
import { foldPlaceName, parseLocode } from "./unlocode-format.ts";
import { locodeStore, type UnLocode } from "./unlocode-store.ts";

export { decodeCoordinates, decodeFunctions, foldPlaceName, normaliseLocode, parseLocode } from "./unlocode-format.ts";
export type { LatLon, LocodeParts, LocodeResult, PortFunctions } from "./unlocode-format.ts";
export type { LocodeAlias, UnLocode } from "./unlocode-store.ts";

/** Outcome of lookupLocode. */
export type LocodeLookup = { ok: true; value: UnLocode } | { ok: false; reason: string };

/** Options for name search and country listing. */
export interface LocodeQueryOptions {
  /** Restrict to one ISO country code. */
  country?: string;
  /** Only entries with function position 1 (sea port). */
  seaportsOnly?: boolean;
  /** Maximum results (default 20). */
  limit?: number;
}

/** The entry for a code such as "JPUKB" or "jp ukb"; undefined when malformed or not in the shipped subset. */
export function findLocode(raw: string): UnLocode | undefined {
  const parsed = parseLocode(raw);
  return parsed.ok ? locodeStore().byCode.get(parsed.value.code) : undefined;
}

/** Like findLocode but says why nothing was found; never throws. */
export function lookupLocode(raw: string): LocodeLookup {
  const parsed = parseLocode(raw);
  if (!parsed.ok) {
    return { ok: false, reason: parsed.reason };
  }
  const entry = locodeStore().byCode.get(parsed.value.code);
  if (!entry) {
    return { ok: false, reason: `${parsed.value.code} is not in the shipped UN/LOCODE subset` };
  }
  return { ok: true, value: entry };
}

/** All shipped entries of a country, sorted by code (optionally sea ports only). */
export function listLocodesByCountry(
  country: string,
  options: Omit<LocodeQueryOptions, "country" | "limit"> = {},
): UnLocode[] {
  const list = locodeStore().byCountry.get(country.trim().toUpperCase()) ?? [];
  return list.filter((entry) => !options.seaportsOnly || entry.functions.seaport);
}

/** Sea ports (function position 1) of a country. */
export function listSeaports(country: string): UnLocode[] {
  return listLocodesByCountry(country, { seaportsOnly: true });
}

function aliasTargets(query: string, country: string | undefined): Set<string> {
  const targets = new Set<string>();
  for (const alias of locodeStore().aliases) {
    if ((!country || alias.country === country) && foldPlaceName(alias.alias).startsWith(query)) {
      targets.add(`${alias.country}:${foldPlaceName(alias.target)}`);
    }
  }
  return targets;
}

/** 0 exact, 1 name prefix or alias, 2 word prefix; undefined = no match. */
function matchRank(entry: UnLocode, query: string, aliases: Set<string>): number | undefined {
  const names = locodeStore().foldedNames.get(entry) ?? [];
  if (names.includes(query)) {
    return 0;
  }
  if (names.some((name) => name.startsWith(query)) || names.some((name) => aliases.has(`${entry.country}:${name}`))) {
    return 1;
  }
  return names.some((name) => name.includes(` ${query}`)) ? 2 : undefined;
}

function seaportFirst(a: UnLocode, b: UnLocode): number {
  return Number(b.functions.seaport) - Number(a.functions.seaport);
}

/** Entries whose name (or an "=" alias) starts with the query, diacritics and case ignored; best matches first. */
export function searchLocodesByName(query: string, options: LocodeQueryOptions = {}): UnLocode[] {
  const folded = foldPlaceName(query);
  if (folded === "") {
    return [];
  }
  const country = options.country?.trim().toUpperCase();
  const aliases = aliasTargets(folded, country);
  const ranked: { entry: UnLocode; rank: number }[] = [];
  for (const entry of locodeStore().entries) {
    if ((country && entry.country !== country) || (options.seaportsOnly && !entry.functions.seaport)) {
      continue;
    }
    const rank = matchRank(entry, folded, aliases);
    if (rank !== undefined) {
      ranked.push({ entry, rank });
    }
  }
  // Same rank: sea ports first (our domain), then shorter names, then code for a stable order.
  ranked.sort(
    (a, b) =>
      a.rank - b.rank ||
      seaportFirst(a.entry, b.entry) ||
      a.entry.name.length - b.entry.name.length ||
      a.entry.code.localeCompare(b.entry.code),
  );
  return ranked.slice(0, options.limit ?? 20).map((item) => item.entry);
}

/** English short name of an ISO 3166-1 alpha-2 country, e.g. "JP" → "Japan". */
export function countryName(code: string): string | undefined {
  return locodeStore().countries.get(code.trim().toUpperCase());
}

/** Summary of the shipped data: entry count, curated count, countries present. */
export function locodeDataInfo(): { release: string; entries: number; curated: number; countries: string[] } {
  const { entries, byCountry } = locodeStore();
  return {
    release: "2024-2",
    entries: entries.length,
    curated: entries.filter((entry) => entry.curated).length,
    countries: [...byCountry.keys()].sort(),
  };
}
