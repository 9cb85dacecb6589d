// A labeled screening set generated from a list with a seed: variants of listed names (typos, dropped or swapped
// words, legal-form changes, transliteration variants) plus names that are not listed. Used by bench/screening.ts.
import type { ScreeningEntry } from "../../src/screening/index.ts";

/** One labeled query: `expected` is "LIST:id", empty for a name that must not alert. */
export interface LabeledQuery {
  query: string;
  expected: string;
  kind: string;
}

type Rand = () => number;

function rng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function typo(r: Rand, name: string): string | undefined {
  const words = name.split(" ");
  const candidates = words.map((w, i) => [w, i] as const).filter(([w]) => /^[A-Z]{5,}$/i.test(w));
  if (candidates.length === 0) {
    return undefined;
  }
  const [word, at] = pick(r, candidates);
  const i = 1 + Math.floor(r() * (word.length - 2));
  const edits = [
    () => word.slice(0, i) + pick(r, [...LETTERS]) + word.slice(i + 1),
    () => word.slice(0, i) + word.slice(i + 1),
    () => word.slice(0, i) + pick(r, [...LETTERS]) + word.slice(i),
    () => word.slice(0, i) + (word[i + 1] ?? "") + (word[i] ?? "") + word.slice(i + 2),
  ];
  words[at] = pick(r, edits)();
  return words.join(" ");
}

const FORMS: Array<[RegExp, string[]]> = [
  [/\b(CO\.?,? LTD\.?|COMPANY LIMITED)$/i, ["LIMITED", "CO LTD", "COMPANY LTD", "CORPORATION"]],
  [/\b(LTD\.?|LIMITED)$/i, ["LIMITED", "LTD", "CO LTD", "PLC"]],
  [/\b(LLC|L\.L\.C\.)$/i, ["LIMITED LIABILITY COMPANY", "OOO", "LTD"]],
  [/\b(K\.K\.|KABUSHIKI KAISHA)$/i, ["KABUSHIKI KAISHA", "CO., LTD.", "KK", "CORPORATION"]],
  [/\b(INC\.?|INCORPORATED)$/i, ["INCORPORATED", "CORP", "CO"]],
  [/\b(S\.A\.|SA)$/i, ["SOCIEDAD ANONIMA", "S A"]],
  [/\b(CORP\.?|CORPORATION)$/i, ["CORP", "INC", "CO LTD"]],
  [/\b(JSC|OAO|ZAO|PAO|OJSC|CJSC)$/i, ["JOINT STOCK COMPANY", "AO", "PJSC"]],
];

function legalForm(r: Rand, name: string, type: string): string | undefined {
  if (type === "individual") {
    return undefined;
  }
  const clean = name.replace(/,\s*$/, "");
  for (const [re, replacements] of FORMS) {
    if (re.test(clean)) {
      return clean.replace(re, pick(r, replacements));
    }
  }
  return `${clean} ${pick(r, ["LTD", "CO., LTD.", "LLC", "INC", "K.K."])}`;
}

const TRANSLIT: Array<[RegExp, string]> = [
  [/OU/g, "O"], [/OO/g, "O"], [/SHI/g, "SI"], [/TSU/g, "TU"], [/CHI/g, "TI"], [/MOHAMMAD/g, "MUHAMMAD"], [/MOHAMMED/g, "MUHAMMAD"],
  [/MUHAMMAD/g, "MOHAMED"], [/KH/g, "H"], [/YEV/g, "EV"], [/IY/g, "I"], [/YU/g, "IU"], [/YA/g, "IA"], [/J/g, "DJ"], [/EI/g, "EY"],
  [/OV\b/g, "OFF"], [/SCH/g, "SH"], [/PH/g, "F"], [/QU/g, "K"], [/AI/g, "AY"],
];

function transliterate(r: Rand, name: string): string | undefined {
  const upper = name.toUpperCase();
  const options = TRANSLIT.filter(([re]) => re.test(upper));
  if (options.length === 0) {
    return undefined;
  }
  const [re, to] = pick(r, options);
  re.lastIndex = 0;
  return upper.replace(re, to);
}

function dropWord(r: Rand, name: string): string | undefined {
  const words = name.replace(/,/g, "").split(" ").filter((w) => w !== "");
  if (words.length < 3) {
    return undefined;
  }
  words.splice(1 + Math.floor(r() * (words.length - 1)), 1);
  return words.join(" ");
}

function swapWords(r: Rand, name: string): string | undefined {
  const comma = /^([^,]+),\s*([^,]+)$/.exec(name);
  if (comma) {
    return `${comma[2] ?? ""} ${comma[1] ?? ""}`;
  }
  const words = name.split(" ");
  if (words.length < 2) {
    return undefined;
  }
  const i = Math.floor(r() * (words.length - 1));
  [words[i], words[i + 1]] = [words[i + 1] ?? "", words[i] ?? ""];
  return words.join(" ");
}

const VARIANTS: Array<[string, (r: Rand, name: string, type: string) => string | undefined]> = [
  ["typo", typo], ["drop-word", dropWord], ["swap-words", swapWords], ["legal-form", legalForm], ["transliteration", transliterate],
];

const SURNAMES = ["TAKAHASHI", "WATANABE", "NAKAMURA", "KOBAYASHI", "YOSHIDA", "YAMADA", "SASAKI", "MATSUMOTO", "INOUE", "KIMURA", "JOHNSON", "MILLER", "GARCIA", "ANDERSON", "THOMPSON", "MARTINEZ", "ROBINSON", "CLARK", "LEWIS", "WALKER"];
const GIVEN = ["HIROSHI", "YUKI", "KENJI", "AYAKO", "MICHAEL", "JENNIFER", "ROBERT", "LINDA", "DAVID", "SUSAN"];
const WORDS = ["PACIFIC", "SUNRISE", "GOLDEN", "WESTERN", "HARBOR", "SIERRA", "CASCADE", "EVERGREEN", "SUMMIT", "PIONEER", "MAPLE", "CEDAR", "BAYSIDE", "REDWOOD", "COASTAL", "PRAIRIE"];
const TRADES = ["FOODS", "PRECISION", "LOGISTICS", "TEXTILES", "FURNITURE", "PAPER", "FARMS", "AUTOMOTIVE", "ELECTRONICS", "CERAMICS", "LUMBER", "PACKAGING", "ORCHARDS", "APPAREL", "TOOLS"];
const LEGAL = ["KK", "CO., LTD.", "INC", "LLC", "CORPORATION", "", "LTD"];

function negative(r: Rand): string {
  switch (Math.floor(r() * 3)) {
    case 0:
      return `${pick(r, SURNAMES)} ${pick(r, TRADES)} ${pick(r, LEGAL)}`.trim();
    case 1:
      return `${pick(r, WORDS)} ${pick(r, WORDS)} ${pick(r, TRADES)} ${pick(r, LEGAL)}`.trim();
    default:
      return `${pick(r, GIVEN)} ${pick(r, SURNAMES)}`;
  }
}

/** Generates `positives` variants of listed names and `negatives` unlisted names, deterministically from `seed`. */
export function generateLabeledSet(entries: ScreeningEntry[], seed: number, positives: number, negatives: number): LabeledQuery[] {
  const r = rng(seed);
  const pool = entries.filter((e) => e.type !== "vessel" && e.type !== "aircraft");
  const listed = new Set(entries.flatMap((e) => [e.name, ...e.aliases]).map((n) => n.toUpperCase().replace(/[^A-Z0-9]+/g, " ").trim()));
  const out: LabeledQuery[] = [];
  while (out.length < positives) {
    const entry = pick(r, pool);
    const source = r() < 0.8 || entry.aliases.length === 0 ? entry.name : pick(r, entry.aliases);
    const [kind, make] = pick(r, VARIANTS);
    const query = make(r, source, entry.type);
    if (query && query.replace(/[^A-Za-z]/g, "").length >= 4) {
      out.push({ query, expected: `${entry.list}:${entry.id}`, kind });
    }
  }
  while (out.length < positives + negatives) {
    const query = negative(r);
    if (!listed.has(query.toUpperCase().replace(/[^A-Z0-9]+/g, " ").trim())) {
      out.push({ query, expected: "", kind: "not-listed" });
    }
  }
  return out;
}
