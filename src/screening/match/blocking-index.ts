import { normalizeName, type NormalizedName } from "../normalize/name.ts";
import { phoneticKey } from "../normalize/phonetic.ts";
import type { ScreeningEntry } from "../types.ts";
import { MIN_TOKEN_SIMILARITY, tokenSimilarity } from "./token-similarity.ts";
import { trigrams } from "./similarity.ts";

/** One searchable name: an entry's primary name or one of its aliases. */
export interface NameRecord {
  entry: number;
  text: string;
  isAlias: boolean;
  norm: NormalizedName;
  /** Padded 3-grams of all tokens (order-free). */
  grams: Set<string>;
  /** Tokens sorted and space-joined, for literal (order-free) equality. */
  sortedKey: string;
}

/** Token, phonetic-key and 3-gram blocks over all names of a list set. */
export interface BlockingIndex {
  entries: ScreeningEntry[];
  names: NameRecord[];
  vocab: Map<string, number>;
  tokens: string[];
  /** Per token id: name record ids containing it. */
  postings: number[][];
  /** Per token id: number of distinct padded 3-grams. */
  gramCounts: number[];
  /** Per token id: IDF weight, filled once all names are in. */
  weights: number[];
  byPhonetic: Map<string, number[]>;
  byTrigram: Map<string, number[]>;
  byImo: Map<string, number[]>;
}

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
    entries, names: [], vocab: new Map(), tokens: [], postings: [], gramCounts: [], weights: [],
    byPhonetic: new Map(), byTrigram: new Map(), byImo: new Map(),
  };
  entries.forEach((entry, e) => {
    if (entry.imo) {
      push(index.byImo, entry.imo, e);
    }
    const texts = [entry.name, ...entry.aliases];
    texts.forEach((text, k) => {
      const norm = normalizeName(text, entry.type);
      const id = index.names.length;
      index.names.push({ entry: e, text, isAlias: k > 0, norm, grams: gramSet(norm.tokens), sortedKey: sortedKey(norm.tokens) });
      for (const token of new Set(norm.tokens)) {
        index.postings[tokenId(index, token)]?.push(id);
      }
    });
  });
  index.weights = index.postings.map((p) => idf(index.names.length, p.length));
  return index;
}

/** Padded 3-grams of a token list as a set. */
export function gramSet(tokens: readonly string[]): Set<string> {
  return new Set(tokens.flatMap(trigrams));
}

/** Order-free key of a token list. */
export function sortedKey(tokens: readonly string[]): string {
  return [...tokens].sort().join(" ");
}

function idf(names: number, df: number): number {
  return Math.log(1 + names / Math.max(1, df));
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
  return id;
}

/** Inverse document frequency weight of a token over name records; unseen tokens weigh as if seen once. */
export function tokenWeight(index: BlockingIndex, token: string): number {
  const id = index.vocab.get(token);
  const known = id === undefined ? undefined : index.weights[id];
  return known ?? idf(index.names.length, 1);
}

let counter = new Uint16Array(0);

/** A zeroed counter array reused across queries (callers reset the slots they touch). */
function scratch(size: number): Uint16Array {
  if (counter.length < size) {
    counter = new Uint16Array(size);
  }
  return counter;
}

/** Vocabulary tokens similar to `token`: exact, same phonetic key or ≥ 40 % 3-gram Dice with Jaro-Winkler ≥ 0.8, or ≥ 60 % Dice. */
export function similarTokens(index: BlockingIndex, token: string): Array<{ id: number; similarity: number }> {
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
    const dice = (2 * n) / (grams.size + (index.gramCounts[id] ?? 0));
    if (dice >= 0.4) {
      consider(id);
    }
    // Split/joined words ("AERO CARIBBEAN" vs "AEROCARIBBEAN") fail Jaro-Winkler but share most 3-grams:
    // keep them as candidates; scoring compares the space-free names.
    if (dice >= 0.6 && !found.has(id)) {
      found.set(id, dice);
    }
  }
  return [...found].map(([id, similarity]) => ({ id, similarity })).sort((a, b) => b.similarity - a.similarity);
}

let nameScores = new Float64Array(0);
let nameStamps = new Int32Array(0);
let stamp = 0;

/** Name records sharing similar tokens with the query, best `limit` by IDF-weighted token agreement. */
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
  const ranked = touched.map((name) => ({ name, score: nameScores[name] ?? 0 }));
  for (const name of touched) {
    nameScores[name] = 0;
  }
  return ranked
    .sort((a, b) => b.score - a.score || a.name - b.name)
    .slice(0, limit)
    .map((r) => r.name);
}
