import { toCountryCode } from "./lists/countries.ts";
import { buildIndex, findCandidates, gramSet, sortedKey, type BlockingIndex } from "./match/blocking-index.ts";
import { scoreCandidate, type MatchEvidence, type PreparedQuery } from "./match/score.ts";
import { normalizeImo, isValidImo } from "./imo.ts";
import { normalizeName } from "./normalize/name.ts";
import type { EntityType, ListCode, ScreeningEntry } from "./types.ts";

/**
 * Default alert threshold, tuned on test/screening/labeled-names.tsv (see the README there):
 * the lowest score that keeps precision high while catching transliteration, legal-form and typo variants.
 */
export const DEFAULT_THRESHOLD = 0.8;
/** Default number of matches returned. */
export const DEFAULT_TOP_K = 10;
/** Name records scored per query after blocking. */
const CANDIDATE_LIMIT = 30;

/** What to screen: a party name, optionally with country (ISO alpha-2 or English name), type and IMO. */
export interface ScreenQuery {
  name: string;
  country?: string;
  type?: EntityType;
  imo?: string;
}

/** Screening options. */
export interface ScreenOptions {
  /** Minimum score (0..1) to report; defaults to DEFAULT_THRESHOLD. */
  threshold?: number;
  /** Maximum matches to report; defaults to DEFAULT_TOP_K. */
  topK?: number;
}

/** One alert: the listed party, the name/alias that matched, and why. */
export interface ScreenMatch {
  name: string;
  matched: string;
  list: ListCode;
  id: string;
  score: number;
  evidence: MatchEvidence;
}

/** Screening result, best match first; this is the JSON the CLI prints. */
export interface ScreenResult {
  query: ScreenQuery;
  matches: ScreenMatch[];
}

/** A screener over a fixed set of list entries. */
export interface Screener {
  screen(query: ScreenQuery, options?: ScreenOptions): ScreenResult;
  readonly size: { entries: number; names: number; tokens: number };
  /** Milliseconds spent building the index. */
  readonly buildMs: number;
}

function prepare(query: ScreenQuery): PreparedQuery {
  const norm = normalizeName(query.name ?? "", query.type);
  const prepared: PreparedQuery = { norm, grams: gramSet(norm.tokens), sortedKey: sortedKey(norm.tokens) };
  const country = toCountryCode(query.country);
  const imo = normalizeImo(query.imo);
  if (country) {
    prepared.country = country;
  }
  if (query.type) {
    prepared.type = query.type;
  }
  if (imo) {
    prepared.imo = imo;
  }
  return prepared;
}

function imoMatches(index: BlockingIndex, imo: string | undefined): Map<number, ScreenMatch> {
  const found = new Map<number, ScreenMatch>();
  for (const e of imo ? (index.byImo.get(imo) ?? []) : []) {
    const entry = index.entries[e];
    if (!entry || !imo) {
      continue;
    }
    const features: Record<string, number> = { imo_match: 1 };
    if (!isValidImo(imo)) {
      features.imo_check_digit_invalid = 1;
    }
    found.set(e, {
      name: entry.name,
      matched: `IMO ${imo}`,
      list: entry.list,
      id: entry.id,
      score: 1,
      evidence: { via: "imo", alignment: [], features, legalForms: { query: [], matched: [] } },
    });
  }
  return found;
}

function screenWith(index: BlockingIndex, query: ScreenQuery, options: ScreenOptions): ScreenResult {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const topK = options.topK ?? DEFAULT_TOP_K;
  const prepared = prepare(query);
  const best = imoMatches(index, prepared.imo);
  for (const id of findCandidates(index, prepared.norm.tokens, CANDIDATE_LIMIT)) {
    const record = index.names[id];
    const entry = record ? index.entries[record.entry] : undefined;
    if (!record || !entry || best.get(record.entry)?.evidence.via === "imo") {
      continue;
    }
    const { score, evidence } = scoreCandidate(index, prepared, record);
    const current = best.get(record.entry);
    if (!current || score > current.score) {
      best.set(record.entry, {
        name: entry.name,
        matched: record.text,
        list: entry.list,
        id: entry.id,
        score,
        evidence,
      });
    }
  }
  const matches = [...best.values()]
    .filter((m) => m.score >= threshold)
    .sort((a, b) => b.score - a.score || a.list.localeCompare(b.list) || a.id.localeCompare(b.id))
    .slice(0, topK);
  return { query, matches };
}

/** Builds a screener (blocking index included) over the given entries. */
export function createScreener(entries: ScreeningEntry[]): Screener {
  const started = performance.now();
  const index = buildIndex(entries);
  const buildMs = performance.now() - started;
  return {
    screen: (query, options = {}) => screenWith(index, query, options),
    size: { entries: entries.length, names: index.names.length, tokens: index.tokens.length },
    buildMs,
  };
}
