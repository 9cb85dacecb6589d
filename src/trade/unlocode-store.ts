/**
 * Lazy, read-once store of the shipped UN/LOCODE subset (src/trade/data/unlocode*.tsv).
 * Files are read relative to this module on first use, so importing the library costs nothing.
 */
import { readFileSync } from "node:fs";
import {
  decodeCoordinates,
  decodeFunctions,
  foldPlaceName,
  type LatLon,
  type PortFunctions,
} from "./unlocode-format.ts";
import { parseLocodeTsv, parseSimpleTsv, type LocodeRow } from "./unlocode-tsv.ts";

/** One UN/LOCODE entry. */
export interface UnLocode {
  /** 5 characters, e.g. "JPUKB". */
  code: string;
  country: string;
  location: string;
  name: string;
  /** Name without diacritics (same as name when it has none). */
  nameAscii: string;
  /** Names of further rows with the same code (UNECE lists 45 codes twice, e.g. INNSA). */
  otherNames: string[];
  /** ISO 3166-2 subdivision suffix, e.g. "CA" or "23". */
  subdivision: string | undefined;
  /** Raw 8-position function string, e.g. "1--45---". */
  functionCode: string;
  functions: PortFunctions;
  /** Status code (AA, AC, AF, AI, RL, RQ …). */
  status: string | undefined;
  /** YYMM of the last UNECE change. */
  date: string | undefined;
  iata: string | undefined;
  coordinates: LatLon | undefined;
  /** Coordinates as published, e.g. "3346N 11811W". */
  coordinatesText: string | undefined;
  /** UNECE change marker of this release (+, X, |, #, !). */
  change: string | undefined;
  /** True for hand-curated rows (countries missing from the collected release). */
  curated: boolean;
  note: string | undefined;
}

/** An "=" reference row: an old or alternative name pointing to the current one. */
export interface LocodeAlias {
  country: string;
  alias: string;
  target: string;
}

/** Everything loaded from the data files, with indexes. */
export interface LocodeStore {
  entries: readonly UnLocode[];
  byCode: ReadonlyMap<string, UnLocode>;
  byCountry: ReadonlyMap<string, readonly UnLocode[]>;
  aliases: readonly LocodeAlias[];
  countries: ReadonlyMap<string, string>;
  /** Folded name and ASCII name of each entry, for search. */
  foldedNames: ReadonlyMap<UnLocode, readonly string[]>;
}

function optional(value: string): string | undefined {
  return value === "" ? undefined : value;
}

function toEntry(row: LocodeRow): UnLocode {
  return {
    code: row.code,
    country: row.code.slice(0, 2),
    location: row.code.slice(2),
    name: row.name,
    nameAscii: row.nameAscii === "" ? row.name : row.nameAscii,
    otherNames: [],
    subdivision: optional(row.subdivision),
    functionCode: row.function,
    functions: decodeFunctions(row.function),
    status: optional(row.status),
    date: optional(row.date),
    iata: optional(row.iata),
    coordinates: decodeCoordinates(row.coordinates),
    coordinatesText: optional(row.coordinates),
    change: optional(row.change),
    curated: row.source === "curated",
    note: optional(row.note),
  };
}

function readData(file: string): string {
  return readFileSync(new URL(`./data/${file}`, import.meta.url), "utf8");
}

function indexEntries(rows: readonly LocodeRow[]): { entries: UnLocode[]; byCode: Map<string, UnLocode> } {
  const entries: UnLocode[] = [];
  const byCode = new Map<string, UnLocode>();
  for (const row of rows) {
    const existing = byCode.get(row.code);
    // A repeated code is the same place under another name: the first row stays primary.
    if (existing) {
      existing.otherNames.push(row.name);
      continue;
    }
    const entry = toEntry(row);
    entries.push(entry);
    byCode.set(entry.code, entry);
  }
  return { entries, byCode };
}

function loadStore(): LocodeStore {
  const { entries, byCode } = indexEntries(parseLocodeTsv(readData("unlocode.tsv")));
  const byCountry = new Map<string, UnLocode[]>();
  for (const entry of entries) {
    const list = byCountry.get(entry.country) ?? [];
    list.push(entry);
    byCountry.set(entry.country, list);
  }
  const aliases = parseSimpleTsv(readData("unlocode-aliases.tsv")).map(([country = "", alias = "", target = ""]) => ({
    country,
    alias,
    target,
  }));
  const countries = new Map(parseSimpleTsv(readData("countries.tsv")).map(([code = "", name = ""]) => [code, name]));
  const foldedNames = new Map(entries.map((entry) => [entry, foldedNamesOf(entry)]));
  return { entries, byCode, byCountry, aliases, countries, foldedNames };
}

function foldedNamesOf(entry: UnLocode): string[] {
  return [...new Set([entry.name, entry.nameAscii, ...entry.otherNames].map(foldPlaceName))];
}

let store: LocodeStore | undefined;

/** The loaded store; reads the data files on the first call only. */
export function locodeStore(): LocodeStore {
  store ??= loadStore();
  return store;
}
