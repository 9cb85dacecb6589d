import { toRomaji } from "wanakana";

// A token "looks like" Hepburn/Kunrei romaji when it splits into Japanese syllables:
// optional consonant(s) + vowel, syllabic N/M, a doubled (geminate) consonant, or a long-vowel H ("OHNO").
const ROMAJI =
  /^(?:(?:SH|CH|TS|[KGSZTDNHBPMRFJYW])?Y?[AEIOU]|N(?![AEIOUY])|M(?=[BPM])|([KSTPGDBCF])(?=\1|CH)|H(?![AEIOUY]))+$/;

const RULES: Array<[RegExp, string]> = [
  [/SH(?=I)/g, "S"],
  [/SH(?=[AUOE])/g, "SY"],
  [/TCH/g, "TT"],
  [/CH(?=I)/g, "T"],
  [/CH(?=[AUOE])/g, "TY"],
  [/TSU/g, "TU"],
  [/FU/g, "HU"],
  [/J(?=I)/g, "Z"],
  [/J(?=[AUOE])/g, "ZY"],
  [/DZU/g, "ZU"],
  [/M(?=[BP])/g, "N"],
  [/OH(?![AEIOUY])/g, "O"],
  [/O[OU]/g, "O"],
  [/UU/g, "U"],
  [/AA/g, "A"],
  [/II/g, "I"],
  [/EE/g, "E"],
];

/** True when a folded token can be read as Japanese romaji (so Hepburn/Kunrei folding is safe). */
export function isRomaji(token: string): boolean {
  return token.length >= 2 && ROMAJI.test(token);
}

/** Folds Hepburn and Kunrei spellings to one key: shi/si, chi/ti, tsu/tu, fu/hu, ji/zi, ō/ou/oo/oh → o, mb → nb. */
export function foldRomaji(token: string): string {
  if (!isRomaji(token)) {
    return token;
  }
  let out = token;
  for (const [re, to] of RULES) {
    out = out.replace(re, to);
  }
  return out;
}

// Hiragana, katakana (with the long-vowel mark) and half-width katakana.
const KANA_RUN = /[\u3041-\u3096\u309D\u309E\u30A1-\u30FA\u30FC-\u30FE\uFF66-\uFF9F]+/g;

/** True when the text holds hiragana or katakana. */
export function hasKana(text: string): boolean {
  KANA_RUN.lastIndex = 0;
  return KANA_RUN.test(text);
}

/**
 * Romanises the kana in a text (modified Hepburn, by wanakana), leaving other scripts as they are: "シノダ・ケンイチ" →
 * "SHINODA KENICHI". Long vowels come out as "OU"/"OO" ("ゴトウ" → "GOTOU"); foldRomaji then makes ou/o/oh,
 * shi/si and tsu/tu agree with list spellings.
 */
export function romaniseKana(text: string): string {
  return text
    .replace(/[・･]/g, " ")
    .replace(KANA_RUN, (run) => ` ${toRomaji(run.normalize("NFKC")).toUpperCase()} `)
    .replace(/\s+/g, " ")
    .trim();
}
