const RULES: Array<[RegExp, string]> = [
  [/[^A-Z]/g, ""],
  [/([A-Z])\1+/g, "$1"],
  [/^[KGP](?=N)|^W(?=R)/, ""],
  [/SCH|SH|ZH|CH/g, "S"],
  [/PH|PF/g, "F"],
  [/TH|DH/g, "T"],
  [/KH|GH|CK|Q/g, "K"],
  [/C(?=[EIY])/g, "S"],
  [/C/g, "K"],
  [/X/g, "KS"],
  [/Z/g, "S"],
  [/G/g, "K"],
  [/D/g, "T"],
  [/B/g, "P"],
  [/[VW]/g, "F"],
];

/**
 * A small consonant-skeleton phonetic key (our own, in the spirit of Metaphone): sibilants, velars,
 * dentals and labials are merged, H and vowels dropped (a leading vowel becomes "A"), repeats collapsed.
 * MOHAMMED / MUHAMAD → "MMT"; ASCOTEC / ASKOTEK → "ASKTK".
 */
export function phoneticKey(token: string): string {
  const cached = cache.get(token);
  if (cached !== undefined) {
    return cached;
  }
  if (cache.size > 200_000) {
    cache.clear();
  }
  const key = computeKey(token);
  cache.set(token, key);
  return key;
}

// Keys are requested for the same vocabulary over and over while scoring; the cache is bounded.
const cache = new Map<string, string>();

function computeKey(token: string): string {
  if (!/^[A-Z]+$/.test(token)) {
    return token;
  }
  let s = token;
  for (const [re, to] of RULES) {
    s = s.replace(re, to);
  }
  s = s.replace(/H/g, "").replace(/([A-Z])\1+/g, "$1");
  const lead = /^[AEIOUY]/.test(s) ? "A" : "";
  const body = s.replace(/[AEIOUY]/g, "");
  const key = (lead + body).slice(0, 8);
  return key || token.slice(0, 1);
}

const TRANSLIT_RULES: Array<[RegExp, string]> = [
  [/[^A-Z]/g, ""],
  [/DJ|DZH|ZH/g, "J"],
  [/TCH/g, "CH"],
  [/SCH/g, "SH"],
  [/KH/g, "H"],
  [/GH/g, "G"],
  [/PH/g, "F"],
  [/W/g, "V"],
  [/[JY]/g, "I"],
  [/OU|OO/g, "U"],
  [/EE/g, "I"],
  [/([A-Z])\1+/g, "$1"],
];

/**
 * Transliteration-folded key of a token: KH→H, ZH/DJ→J, J/Y→I, W→V, OU/OO→U, double letters single, then the
 * vowels dropped (a leading vowel kept as "A"). MINATEKH and MINATEH, PRIGOZHIN and PRIGOJIN, HAJJ and HADJDJ,
 * YEVGENIY and EVGENIY share one key, so each variant finds the other.
 */
export function transliterationKey(token: string): string {
  const cached = translitCache.get(token);
  if (cached !== undefined) {
    return cached;
  }
  if (translitCache.size > 200_000) {
    translitCache.clear();
  }
  let s = token;
  for (const [re, to] of TRANSLIT_RULES) {
    s = s.replace(re, to);
  }
  const key = (/^[AEIOU]/.test(s) ? "A" : "") + s.replace(/[AEIOU]/g, "");
  translitCache.set(token, key);
  return key;
}

const translitCache = new Map<string, string>();
