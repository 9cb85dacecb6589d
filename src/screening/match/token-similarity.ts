import { phoneticKey } from "../normalize/phonetic.ts";
import { jaroWinkler } from "./similarity.ts";

/** Similarity credited to an initial ("K") against a name starting with that letter ("KENICHI"). */
export const INITIAL_SIMILARITY = 0.85;
/** Similarity floor for two tokens (length ≥ 3) sharing a phonetic key. */
export const PHONETIC_SIMILARITY = 0.9;
/** Phonetic agreement only lifts pairs that already look alike (YUSEN/ASIAN share a key but are different words). */
const PHONETIC_MIN_JW = 0.75;
/** Token pairs below this are not aligned at all. */
export const MIN_TOKEN_SIMILARITY = 0.8;

/** Jaro-Winkler overrates a short token that is a prefix of a longer one (MIT/MITSUI, HM/HMM): damp by length gap. */
function shortTokenFactor(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  const longer = Math.max(a.length, b.length);
  return shorter > 4 ? 1 : 1 - (0.5 * (longer - shorter)) / longer;
}

/** "REP" for "REPUBLIC": a ≥ 3-letter prefix counts as just-aligned (0.8). */
function abbreviation(a: string, b: string): number {
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= 3 && long.startsWith(short) ? MIN_TOKEN_SIMILARITY : 0;
}

/** Similarity of two match tokens: exact 1, initial vs name 0.85, else Jaro-Winkler lifted by phonetic agreement. */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) {
    return 1;
  }
  if (a.length === 1 || b.length === 1) {
    return a[0] === b[0] ? INITIAL_SIMILARITY : 0;
  }
  const jw = Math.max(jaroWinkler(a, b) * shortTokenFactor(a, b), abbreviation(a, b));
  if (jw < PHONETIC_SIMILARITY && jw >= PHONETIC_MIN_JW && a.length >= 3 && b.length >= 3 && phoneticKey(a) === phoneticKey(b)) {
    return PHONETIC_SIMILARITY;
  }
  return jw;
}
