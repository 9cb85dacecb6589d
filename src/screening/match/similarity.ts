/** Jaro similarity of two strings (0..1). */
export function jaro(a: string, b: string): number {
  if (a === b) {
    return 1;
  }
  if (a.length === 0 || b.length === 0) {
    return 0;
  }
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aHit = new Uint8Array(a.length);
  const bHit = new Uint8Array(b.length);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (!bHit[j] && a[i] === b[j]) {
        aHit[i] = 1;
        bHit[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) {
    return 0;
  }
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aHit[i]) {
      continue;
    }
    while (!bHit[k]) {
      k++;
    }
    if (a[i] !== b[k]) {
      transpositions++;
    }
    k++;
  }
  const m = matches;
  return (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3;
}

/** Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4). */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  let prefix = 0;
  const max = Math.min(4, a.length, b.length);
  while (prefix < max && a[prefix] === b[prefix]) {
    prefix++;
  }
  return j + prefix * 0.1 * (1 - j);
}

/** Levenshtein distance (two-row DP). */
export function levenshtein(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] ?? 0;
}

/** 1 − distance / longer length. */
export function levenshteinSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - levenshtein(a, b) / longest;
}

/** Character 3-grams of a token padded with a space on each side ("AB" → " AB", "AB "). */
export function trigrams(text: string): string[] {
  const padded = ` ${text} `;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) {
    out.push(padded.slice(i, i + 3));
  }
  return out;
}

/** Sørensen–Dice coefficient of two sets. */
export function diceOfSets(setA: ReadonlySet<string>, setB: ReadonlySet<string>): number {
  if (setA.size === 0 && setB.size === 0) {
    return 1;
  }
  let shared = 0;
  for (const g of setA) {
    if (setB.has(g)) {
      shared++;
    }
  }
  return (2 * shared) / (setA.size + setB.size);
}
