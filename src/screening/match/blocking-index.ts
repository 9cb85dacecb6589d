import { normalizeName, type NormalizedName } from "../normalize/name.ts";
import { phoneticKey, transliterationKey } from "../normalize/phonetic.ts";
import type { ScreeningEntry } from "../types.ts";
import { MIN_TOKEN_SIMILARITY, tokenSimilarity } from "./token-similarity.ts";
import { trigrams } from "./similarity.ts";
import { CORPUS_NAMES, TRADE_WORD_SHARES } from "./trade-words.ts";

/** One searchable name: an entry's primary name or one of its aliases. */
export interface NameRecord {
  entry: number;
  text: string;
  isAlias: boolean;
  norm: NormalizedName;
  /** Padded 3-grams of all tokens (order-free), filled the first time the name is scored (see nameGrams). */
  grams?: Set<string>;
  /** Tokens sorted and space-joined, for literal (order-free) equality. */
  sortedKey: string;
}

/** Token, phonetic-key, transliteration-key and 3-gram blocks over all names of a list set. */
export interface BlockingIndex {
  entries: ScreeningEntry[];
  names: NameRecord[];
  vocab: Map<string, number>;
  tokens: string[];
  /** Per token id: name record ids containing it. */
  postings: number[][];
  /** Per token id: number of distinct padded 3-grams. */
  gramCounts: number[];
  /** Per token id: IDF weight over the list names and the ordinary-trade-name corpus, filled once all names are in. */
  weights: number[];
  byPhonetic: Map<string, number[]>;
  byTranslit: Map<string, number[]>;
  byTrigram: Map<string, number[]>;
  byImo: Map<string, number[]>;
  /** IDF of a token seen nowhere. */
  unseenWeight: number;
  /** Query token → similar vocabulary tokens, bounded (see similarTokens). */
  similarCache: Map<string, SimilarToken[]>;
}

/** A vocabulary token similar to a query token. */
export interface SimilarToken {
  id: number;
  similarity: number;
}

const SIMILAR_CACHE_SIZE = 50_000;

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/** Builds the blocking index over entries (each name and alias is indexed separately). */
export function buildIndex(entries: ScreeningEntry[]): BlockingIndex {
  const index: BlockingIndex = {
    entries,
    names: [],
    vocab: new Map(),
    tokens: [],
    postings: [],
    gramCounts: [],
    weights: [],
    byPhonetic: new Map(),
    byTranslit: new Map(),
    byTrigram: new Map(),
    byImo: new Map(),
    unseenWeight: 0,
    similarCache: new Map(),
  };
  entries.forEach((entry, e) => {
    if (entry.imo) {
      push(index.byImo, entry.imo, e);
    }
    const texts = [entry.name, ...entry.aliases];
    texts.forEach((text, k) => {
      const norm = normalizeName(text, entry.type);
      const id = index.names.length;
      index.names.push({ entry: e, text, isAlias: k > 0, norm, sortedKey: sortedKey(norm.tokens) });
      for (const token of new Set(norm.tokens)) {
        index.postings[tokenId(index, token)]?.push(id);
      }
    });
  });
  const documents = index.names.length + CORPUS_NAMES;
  index.weights = index.postings.map((p, id) => idf(documents, p.length + corpusFrequency(index.tokens[id] ?? "")));
  index.unseenWeight = idf(documents, 1);
  return index;
}

/** How many names of the ordinary-trade-name corpus hold a token. */
function corpusFrequency(token: string): number {
  return (TRADE_WORD_SHARES.get(token) ?? 0) * CORPUS_NAMES;
}

/** Padded 3-grams of a token list as a set. */
export function gramSet(tokens: readonly string[]): Set<string> {
  return new Set(tokens.flatMap(trigrams));
}

/** A name's 3-grams, computed once on first use: most names are never scored, so the index does not build them. */
export function nameGrams(name: NameRecord): Set<string> {
  name.grams ??= gramSet(name.norm.tokens);
  return name.grams;
}

/** Order-free key of a token list. */
export function sortedKey(tokens: readonly string[]): string {
  return [...tokens].sort().join(" ");
}

function idf(documents: number, df: number): number {
  return Math.log(1 + documents / Math.max(1, df));
}

function tokenId(index: BlockingIndex, token: string): number {
  const known = index.vocab.get(token);
  if (known !== undefined) {
    return known;
  }
  const id = index.tokens.length;
  index.vocab.set(token, id);
  index.tokens.push(token);
  index.postings.push([]);
  const grams = new Set(trigrams(token));
  index.gramCounts.push(grams.size);
  for (const g of grams) {
    push(index.byTrigram, g, id);
  }
  push(index.byPhonetic, phoneticKey(token), id);
  const translit = transliterationKey(token);
  if (translit.length >= 3) {
    push(index.byTranslit, translit, id);
  }
  return id;
}

/** IDF weight of a token over the list names and the trade-name corpus; an unseen token weighs by the corpus alone. */
export function tokenWeight(index: BlockingIndex, token: string): number {
  const id = index.vocab.get(token);
  const known = id === undefined ? undefined : index.weights[id];
  if (known !== undefined) {
    return known;
  }
  const common = corpusFrequency(token);
  return common > 0 ? idf(index.names.length + CORPUS_NAMES, common) : index.unseenWeight;
}

let counter = new Uint16Array(0);

/** A zeroed counter array reused across queries (callers reset the slots they touch). */
function scratch(size: number): Uint16Array {
  if (counter.length < size) {
    counter = new Uint16Array(size);
  }
  return counter;
}

/** 3-grams two tokens must share, relative to length: each allowed edit (1, or 2 from 8 letters) may break 3 grams. */
function sharedGramsNeeded(queryGrams: number, tokenGrams: number, length: number): number {
  const edits = length >= 8 ? 2 : 1;
  return Math.max(2, Math.min(queryGrams, tokenGrams) - 3 * edits);
}

/**
 * Vocabulary tokens similar to `token`: exact, same phonetic or transliteration key, or sharing enough 3-grams for a
 * single edit (two in long words), each confirmed by token similarity; joined/split words ("AEROCARIBBEAN") by Dice.
 */
export function similarTokens(index: BlockingIndex, token: string): SimilarToken[] {
  // Party names share many words (TRADING, BANK, SHIPPING): each token's neighbours are worked out once per index.
  const cached = index.similarCache.get(token);
  if (cached) {
    return cached;
  }
  if (index.similarCache.size >= SIMILAR_CACHE_SIZE) {
    index.similarCache.clear();
  }
  const similar = findSimilarTokens(index, token);
  index.similarCache.set(token, similar);
  return similar;
}

function findSimilarTokens(index: BlockingIndex, token: string): SimilarToken[] {
  const found = new Map<number, number>();
  const exact = index.vocab.get(token);
  if (exact !== undefined) {
    found.set(exact, 1);
  }
  if (token.length === 1) {
    return [...found].map(([id, similarity]) => ({ id, similarity }));
  }
  const consider = (id: number): void => {
    if (found.has(id)) {
      return;
    }
    const s = tokenSimilarity(token, index.tokens[id] ?? "");
    if (s >= MIN_TOKEN_SIMILARITY) {
      found.set(id, s);
    }
  };
  for (const id of index.byPhonetic.get(phoneticKey(token)) ?? []) {
    consider(id);
  }
  for (const id of index.byTranslit.get(transliterationKey(token)) ?? []) {
    consider(id);
  }
  const grams = new Set(trigrams(token));
  const counts = scratch(index.tokens.length);
  const touched: number[] = [];
  for (const g of grams) {
    for (const id of index.byTrigram.get(g) ?? []) {
      if (counts[id] === 0) {
        touched.push(id);
      }
      counts[id] = (counts[id] ?? 0) + 1;
    }
  }
  for (const id of touched) {
    const n = counts[id] ?? 0;
    counts[id] = 0;
    const size = index.gramCounts[id] ?? 0;
    const dice = (2 * n) / (grams.size + size);
    if (n >= sharedGramsNeeded(grams.size, size, token.length) && dice >= 0.35) {
      consider(id);
    }
    // Split/joined words ("AERO CARIBBEAN" vs "AEROCARIBBEAN") fail Jaro-Winkler but share most 3-grams:
    // keep them as candidates; scoring compares the space-free names.
    if (dice >= 0.6 && !found.has(id)) {
      found.set(id, dice);
    }
  }
  return [...found]
    .map(([id, similarity]) => ({ id, similarity }))
    .sort((a, b) => b.similarity - a.similarity || a.id - b.id);
}

let nameScores = new Float64Array(0);
let nameStamps = new Int32Array(0);
let stamp = 0;

/** Candidates whose token agreement is below this share of the best candidate's are not worth scoring. */
const CANDIDATE_FLOOR = 0.5;

/**
 * Name records sharing similar tokens with the query, best `limit` by IDF-weighted token agreement, leaving out those
 * with less than CANDIDATE_FLOOR of the best one's agreement.
 */
export function findCandidates(index: BlockingIndex, queryTokens: string[], limit: number): number[] {
  if (nameScores.length < index.names.length) {
    nameScores = new Float64Array(index.names.length);
    nameStamps = new Int32Array(index.names.length);
  }
  const touched: number[] = [];
  for (const token of new Set(queryTokens)) {
    // A fresh stamp per query token: a name counts once per token, with its best-matching vocabulary token.
    stamp = stamp >= 0x7ffffff0 ? 1 : stamp + 1;
    const tokenStamp = stamp;
    for (const { id, similarity } of similarTokens(index, token)) {
      const w = (index.weights[id] ?? 0) * similarity;
      for (const name of index.postings[id] ?? []) {
        if (nameStamps[name] === tokenStamp) {
          continue;
        }
        if (nameScores[name] === 0) {
          touched.push(name);
        }
        nameStamps[name] = tokenStamp;
        nameScores[name] = (nameScores[name] ?? 0) + w;
      }
    }
  }
  let best = 0;
  for (const name of touched) {
    best = Math.max(best, nameScores[name] ?? 0);
  }
  // Only names near the best are sorted: a common word can touch thousands.
  const floor = best * CANDIDATE_FLOOR;
  const ranked: Array<{ name: number; score: number }> = [];
  for (const name of touched) {
    const score = nameScores[name] ?? 0;
    nameScores[name] = 0;
    if (score >= floor) {
      ranked.push({ name, score });
    }
  }
  return ranked
    .sort((a, b) => b.score - a.score || a.name - b.name)
    .slice(0, limit)
    .map((r) => r.name);
}
