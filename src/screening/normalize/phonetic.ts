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
