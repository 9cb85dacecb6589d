import type { LegalForm } from "../normalize/legal-forms.ts";
import type { NormalizedName } from "../normalize/name.ts";
import { phoneticKey } from "../normalize/phonetic.ts";
import type { EntityType, ScreeningEntry } from "../types.ts";
import { alignTokens, type TokenPair } from "./align.ts";
import { sameTransliteration } from "./token-similarity.ts";
import { nameGrams, tokenWeight, type BlockingIndex, type NameRecord } from "./blocking-index.ts";
import { diceOfSets, levenshteinSimilarity } from "./similarity.ts";

/** Tunable weights; the defaults are what the labeled set in test/screening was tuned on. */
export const WEIGHTS = {
  tokenSet: 0.7,
  phonetic: 0.15,
  ngram: 0.15,
  /** How much an unmatched list-name token costs relative to an unmatched query token. */
  extraCandidateToken: 0.35,
  /** Jaro-Winkler at or below this counts as no agreement once rescaled. */
  similarityFloor: 0.5,
  /** Agreement credited to an initial aligned with a name ("K." ~ "KENICHI"). */
  initialCredit: 0.75,
  typeMismatch: -0.15,
  legalFormVsIndividual: -0.1,
  legalFormMatch: 0.02,
  legalFormMismatch: -0.05,
  countryMatch: 0.03,
  countryMismatch: -0.1,
  imoMismatch: -0.2,
  /** Token similarity from which a pair whose phonetic keys differ is taken for a typo and half agrees phonetically. */
  typoSimilarity: 0.93,
  /** IDF above which a matched word says something about who the party is (rarer than about 1 name in 250). */
  distinctiveIdf: 5.5,
  /** Information credited for each matched word beyond the second, however common (many shared words are telling). */
  extraWordInformation: 0.75,
  /** Distinctive information (IDF above distinctiveIdf, summed over matched words) a name needs to score in full. */
  distinctiveNeeded: 2.5,
  /** Most a name made only of common trade words loses ("PACIFIC INTERNATIONAL" against "INTERNATIONAL PACIFIC TRADING"). */
  genericPenalty: 0.3,
};

/** A query ready for scoring. */
export interface PreparedQuery {
  norm: NormalizedName;
  grams: Set<string>;
  sortedKey: string;
  country?: string;
  type?: EntityType;
  imo?: string;
}

/** One aligned token in the evidence. */
export interface AlignedToken {
  query: string;
  matched: string | null;
  similarity: number;
}

/** Why a list entry matched. */
export interface MatchEvidence {
  via: "imo" | "name" | "alias";
  alignment: AlignedToken[];
  /** Feature name → value for every feature that contributed (name features 0..1, qualifiers as signed adjustments). */
  features: Record<string, number>;
  legalForms: { query: string[]; matched: string[] };
  /** The query with its kana romanised (modified Hepburn), when it had any. */
  romanised?: string;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function rescale(pair: TokenPair): number {
  if (pair.isInitial) {
    return WEIGHTS.initialCredit;
  }
  return Math.max(0, (pair.similarity - WEIGHTS.similarityFloor) / (1 - WEIGHTS.similarityFloor));
}

/** IDF-weighted, asymmetric token-set agreement (unmatched list tokens cost less than unmatched query tokens). */
function tokenSetScore(index: BlockingIndex, q: string[], c: string[], pairs: TokenPair[]): number {
  const wc = c.map((t) => tokenWeight(index, t));
  const wq = q.map((t, i) => {
    const pair = pairs.find((p) => p.query === i);
    return index.vocab.has(t) || !pair ? tokenWeight(index, t) : (wc[pair.candidate] ?? 0);
  });
  let num = 0;
  let den = 0;
  for (const p of pairs) {
    const w = ((wq[p.query] ?? 0) + (wc[p.candidate] ?? 0)) / 2;
    num += w * rescale(p);
    den += w;
  }
  q.forEach((_, i) => {
    den += pairs.some((p) => p.query === i) ? 0 : (wq[i] ?? 0);
  });
  c.forEach((_, j) => {
    den += pairs.some((p) => p.candidate === j) ? 0 : WEIGHTS.extraCandidateToken * (wc[j] ?? 0);
  });
  return den === 0 ? 0 : num / den;
}

function phoneticScore(index: BlockingIndex, q: string[], c: string[], pairs: TokenPair[]): number {
  let agree = 0;
  let total = 0;
  q.forEach((t, i) => {
    const w = tokenWeight(index, t);
    total += w;
    const pair = pairs.find((p) => p.query === i);
    const other = pair ? (c[pair.candidate] ?? "") : "";
    if (pair && t.length > 1 && (phoneticKey(t) === phoneticKey(other) || sameTransliteration(t, other))) {
      agree += w;
    } else if (pair && t.length >= 5 && pair.similarity >= WEIGHTS.typoSimilarity) {
      // One typo can change a consonant skeleton ("KARBDIAM"/"KARDIAM"): a near-identical spelling half agrees.
      agree += 0.5 * w;
    }
  });
  return total === 0 ? 0 : agree / total;
}

/**
 * How much of the agreement rests on words that are rare in the lists and in ordinary trade names: the IDF above
 * WEIGHTS.distinctiveIdf of each matched list word, times how well it matched, plus a little for each matched word
 * beyond the second.
 */
function distinctiveness(index: BlockingIndex, c: string[], pairs: TokenPair[]): number {
  let info = 0;
  let words = 0;
  for (const p of pairs) {
    const credit = rescale(p);
    info += credit * Math.max(0, tokenWeight(index, c[p.candidate] ?? "") - WEIGHTS.distinctiveIdf);
    words += credit >= 0.6 ? 1 : 0;
  }
  return info + WEIGHTS.extraWordInformation * Math.max(0, words - 2);
}

function compactScore(q: string[], c: string[]): number {
  const a = q.join("");
  const b = c.join("");
  if (Math.abs(a.length - b.length) > 0.1 * Math.max(a.length, b.length)) {
    return 0;
  }
  const sorted = (t: string[]): string => [...t].sort().join("");
  return Math.max(levenshteinSimilarity(a, b), levenshteinSimilarity(sorted(q), sorted(c)));
}

/** Name-only similarity of a query against one list name, with its features. */
export function scoreName(
  index: BlockingIndex,
  query: PreparedQuery,
  name: NameRecord,
): { score: number; pairs: TokenPair[]; features: Record<string, number> } {
  const q = query.norm.tokens;
  const c = name.norm.tokens;
  const pairs = alignTokens(q, c);
  const tokenSet = tokenSetScore(index, q, c, pairs);
  const phonetic = phoneticScore(index, q, c, pairs);
  const ngram = diceOfSets(query.grams, nameGrams(name));
  const compact = compactScore(q, c);
  const features: Record<string, number> = {
    token_set: round(tokenSet),
    phonetic: round(phonetic),
    ngram: round(ngram),
  };
  let score = WEIGHTS.tokenSet * tokenSet + WEIGHTS.phonetic * phonetic + WEIGHTS.ngram * ngram;
  if (compact >= 0.9 && compact > score) {
    features.compact = round(compact);
    score = compact;
  }
  if (query.sortedKey === name.sortedKey) {
    features.literal = 1;
    return { score: 1, pairs, features };
  }
  const info = distinctiveness(index, c, pairs);
  if (info < WEIGHTS.distinctiveNeeded) {
    const penalty = WEIGHTS.genericPenalty * (1 - info / WEIGHTS.distinctiveNeeded);
    features.common_words = round(-penalty);
    score -= penalty;
  }
  return { score, pairs, features };
}

function formGroupsAgree(a: LegalForm, b: LegalForm): boolean {
  return a.group === b.group || a.group === "generic" || b.group === "generic";
}

/** Signed adjustments from type, legal form, country and IMO; fills `features` with those that fired. */
export function qualifiers(
  query: PreparedQuery,
  entry: ScreeningEntry,
  matched: NormalizedName,
  features: Record<string, number>,
): number {
  const add = (feature: string, value: number): number => {
    features[feature] = value;
    return value;
  };
  let delta = 0;
  const qType = query.type && query.type !== "unknown" ? query.type : undefined;
  if (qType && entry.type !== "unknown" && qType !== entry.type) {
    delta += add("type_mismatch", WEIGHTS.typeMismatch);
  }
  const qForms = query.norm.legalForms;
  const cForms = matched.legalForms;
  const anyPair = (test: (a: LegalForm, b: LegalForm) => boolean): boolean =>
    qForms.some((a) => cForms.some((b) => test(a, b)));
  if (qForms.length > 0 && entry.type === "individual") {
    delta += add("legal_form_vs_individual", WEIGHTS.legalFormVsIndividual);
  } else if (anyPair((a, b) => a.code === b.code)) {
    delta += add("legal_form_match", WEIGHTS.legalFormMatch);
  } else if (qForms.length > 0 && cForms.length > 0 && !anyPair(formGroupsAgree)) {
    delta += add("legal_form_mismatch", WEIGHTS.legalFormMismatch);
  }
  if (query.country && entry.countries.length > 0) {
    delta += entry.countries.includes(query.country)
      ? add("country_match", WEIGHTS.countryMatch)
      : add("country_mismatch", WEIGHTS.countryMismatch);
  }
  if (query.imo && entry.imo && query.imo !== entry.imo) {
    delta += add("imo_mismatch", WEIGHTS.imoMismatch);
  }
  return delta;
}

/** Scores a query against one candidate name record: name similarity plus qualifiers, clamped to 0..1, with evidence. */
export function scoreCandidate(
  index: BlockingIndex,
  query: PreparedQuery,
  name: NameRecord,
): { score: number; evidence: MatchEvidence } {
  const entry = index.entries[name.entry];
  const { score, pairs, features } = scoreName(index, query, name);
  const delta = entry ? qualifiers(query, entry, name.norm, features) : 0;
  const alignment: AlignedToken[] = query.norm.tokens.map((_, i) => {
    const pair = pairs.find((p) => p.query === i);
    return {
      query: query.norm.display[i] ?? "",
      matched: pair ? (name.norm.display[pair.candidate] ?? null) : null,
      similarity: pair ? round(pair.similarity) : 0,
    };
  });
  const evidence: MatchEvidence = {
    via: name.isAlias ? "alias" : "name",
    alignment,
    features,
    legalForms: { query: query.norm.legalForms.map((f) => f.text), matched: name.norm.legalForms.map((f) => f.text) },
  };
  if (query.norm.romanised !== undefined) {
    evidence.romanised = query.norm.romanised;
  }
  return { score: round(Math.min(1, Math.max(0, score + delta))), evidence };
}
