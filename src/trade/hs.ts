/**
 * HS 2022 nomenclature lookups (datasets/harmonized-system, PDDL, data from UN Comtrade),
 * read lazily from src/trade/data. Matching is prefix-based: chapter → heading → subheading.
 */
import { readFileSync } from "node:fs";
import { parseCsvRows, stripBom } from "./codes-csv.ts";
import { normaliseHsCode } from "./hs-code.ts";

export { normaliseHsCode } from "./hs-code.ts";
export type { HsCodeResult, NormalisedHs } from "./hs-code.ts";

/** One HS 2022 row. */
export interface HsEntry {
  /** 2, 4 or 6 digits. */
  code: string;
  level: 2 | 4 | 6;
  description: string;
  /** Code of the parent level; undefined for chapters. */
  parent: string | undefined;
  /** Section roman numeral (I…XXI), "TOTAL" for chapter 99. */
  section: string;
}

/** Result of describeHs: the most specific existing level for a code. */
export interface HsDescription {
  /** The normalised code that was asked for. */
  requested: string;
  /** The most specific existing entry (may be less specific than requested). */
  entry: HsEntry;
  /** Existing entries from chapter down to entry. */
  path: HsEntry[];
  /** True when the requested code itself exists. */
  exact: boolean;
  section: { id: string; name: string } | undefined;
  warnings: string[];
}

/** Outcome of describeHs. */
export type HsDescribeResult = { ok: true; value: HsDescription } | { ok: false; reason: string };

interface HsStore {
  entries: readonly HsEntry[];
  byCode: ReadonlyMap<string, HsEntry>;
  sections: ReadonlyMap<string, string>;
}

function readCsv(file: string): string[][] {
  return parseCsvRows(stripBom(readFileSync(new URL(`./data/${file}`, import.meta.url), "utf8"))).slice(1);
}

function loadStore(): HsStore {
  const entries: HsEntry[] = [];
  for (const [section = "", code = "", description = "", parent = "", level = ""] of readCsv(
    "harmonized-system-2022.csv",
  )) {
    // The file's one level-5 "TOTAL" row is not a code.
    if (level !== "2" && level !== "4" && level !== "6") {
      continue;
    }
    entries.push({
      code,
      level: Number(level) as HsEntry["level"],
      description,
      parent: level === "2" ? undefined : parent,
      section,
    });
  }
  const sections = new Map(readCsv("hs-sections.csv").map(([id = "", name = ""]) => [id, name]));
  return { entries, byCode: new Map(entries.map((entry) => [entry.code, entry])), sections };
}

let store: HsStore | undefined;

function hsStore(): HsStore {
  store ??= loadStore();
  return store;
}

/** The HS entry for exactly this code ("8451", "8451.10", "845110"); undefined if invalid or absent. */
export function findHs(raw: string | number): HsEntry | undefined {
  const normalised = normaliseHsCode(raw);
  return normalised.ok ? hsStore().byCode.get(normalised.value.code) : undefined;
}

/** Describe a (possibly dirty or national) code by its most specific existing HS level; never throws. */
export function describeHs(raw: string | number): HsDescribeResult {
  const normalised = normaliseHsCode(raw);
  if (!normalised.ok) {
    return normalised;
  }
  const { code, warnings } = normalised.value;
  const { byCode, sections } = hsStore();
  const path: HsEntry[] = [];
  for (const length of [2, 4, 6]) {
    const entry = code.length >= length ? byCode.get(code.slice(0, length)) : undefined;
    if (!entry) {
      break;
    }
    path.push(entry);
  }
  const entry = path.at(-1);
  if (!entry) {
    return { ok: false, reason: `HS chapter ${code.slice(0, 2)} does not exist` };
  }
  const exact = entry.code === code;
  const notes = exact ? warnings : [...warnings, `${code} is not an HS 2022 code; using ${entry.code}`];
  const sectionName = sections.get(entry.section);
  const section = sectionName === undefined ? undefined : { id: entry.section, name: sectionName };
  return { ok: true, value: { requested: code, entry, path, exact, section, warnings: notes } };
}

/** All entries whose code starts with the given digits (dots and spaces ignored), in code order. */
export function hsByPrefix(prefix: string): HsEntry[] {
  const digits = prefix.replace(/[\s.]/g, "");
  if (!/^\d+$/.test(digits)) {
    return [];
  }
  return hsStore().entries.filter((entry) => entry.code.startsWith(digits));
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== "");
}

/** Entries whose description contains every query word as a word prefix ("granit" finds granite); code order. */
export function searchHs(text: string, limit = 20): HsEntry[] {
  const query = words(text);
  if (query.length === 0) {
    return [];
  }
  const hits: HsEntry[] = [];
  for (const entry of hsStore().entries) {
    const description = words(entry.description);
    if (query.every((term) => description.some((word) => word.startsWith(term)))) {
      hits.push(entry);
      if (hits.length >= limit) {
        break;
      }
    }
  }
  return hits;
}

/** Name of an HS section (I…XXI). */
export function hsSectionName(section: string): string | undefined {
  return hsStore().sections.get(section.trim().toUpperCase());
}
