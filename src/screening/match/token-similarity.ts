import { phoneticKey, transliterationKey } from "../normalize/phonetic.ts";
import { jaroWinkler } from "./similarity.ts";

/** Similarity credited to an initial ("K") against a name starting with that letter ("KENICHI"). */
export const INITIAL_SIMILARITY = 0.85;
/** Similarity floor for two tokens (length ≥ 3) sharing a phonetic key. */
export const PHONETIC_SIMILARITY = 0.9;
/** Phonetic agreement only lifts pairs that already look alike (YUSEN/ASIAN share a key but are different words). */
const PHONETIC_MIN_JW = 0.75;
/** Similarity floor for two tokens (length ≥ 4) that are one transliteration apart (KH/H, ZH/J, Y/I, doubled letters). */
export const TRANSLITERATION_SIMILARITY = 0.92;
/** Transliteration agreement only lifts pairs that already look somewhat alike. */
const TRANSLITERATION_MIN_JW = 0.7;
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

/**
 * "INTL" for "INTERNATIONAL", "TRDG" for "TRADING", "MFG" for "MANUFACTURING": a 3–5-letter token with the same first
 * and its letters in order in a word at least twice as long counts as just-aligned (0.8).
 */
function contraction(a: string, b: string): number {
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (short.length < 3 || short.length > 5 || long.length < 2 * short.length || short[0] !== long[0]) {
    return 0;
  }
  let at = 1;
  for (let i = 1; i < short.length; i++) {
    at = long.indexOf(short[i] ?? "", at) + 1;
    if (at === 0) {
      return 0;
    }
  }
  return MIN_TOKEN_SIMILARITY;
}

/** Same transliteration-folded key, long enough (3+ consonants) to mean something: DEERE/DERYA share only "DR". */
export function sameTransliteration(a: string, b: string): boolean {
  const key = transliterationKey(a);
  return key.length >= 3 && key === transliterationKey(b);
}

/** Similarity of two match tokens: exact 1, initial vs name 0.85, else Jaro-Winkler lifted by phonetic agreement. */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) {
    return 1;
  }
  if (a.length === 1 || b.length === 1) {
    return a[0] === b[0] ? INITIAL_SIMILARITY : 0;
  }
  const jw = Math.max(jaroWinkler(a, b) * shortTokenFactor(a, b), abbreviation(a, b), contraction(a, b));
  if (
    jw < TRANSLITERATION_SIMILARITY &&
    jw >= TRANSLITERATION_MIN_JW &&
    a.length >= 4 &&
    b.length >= 4 &&
    sameTransliteration(a, b)
  ) {
    return TRANSLITERATION_SIMILARITY;
  }
  if (
    jw < PHONETIC_SIMILARITY &&
    jw >= PHONETIC_MIN_JW &&
    a.length >= 3 &&
    b.length >= 3 &&
    phoneticKey(a) === phoneticKey(b)
  ) {
    return PHONETIC_SIMILARITY;
  }
  return jw;
}
