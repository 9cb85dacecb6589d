const CYRILLIC: Record<string, string> = {
  А: "A",
  Б: "B",
  В: "V",
  Г: "G",
  Д: "D",
  Е: "E",
  Ё: "E",
  Ж: "ZH",
  З: "Z",
  И: "I",
  Й: "Y",
  К: "K",
  Л: "L",
  М: "M",
  Н: "N",
  О: "O",
  П: "P",
  Р: "R",
  С: "S",
  Т: "T",
  У: "U",
  Ф: "F",
  Х: "KH",
  Ц: "TS",
  Ч: "CH",
  Ш: "SH",
  Щ: "SHCH",
  Ъ: "",
  Ы: "Y",
  Ь: "",
  Э: "E",
  Ю: "YU",
  Я: "YA",
  І: "I",
  Ї: "YI",
  Є: "YE",
  Ґ: "G",
  Ў: "U",
  Ј: "J",
  Љ: "LJ",
  Њ: "NJ",
  Ћ: "C",
  Ђ: "DJ",
  Џ: "DZ",
  Ѕ: "DZ",
};

/** Letters NFKD does not decompose into ASCII. */
const SPECIAL: Record<string, string> = {
  ß: "SS",
  Æ: "AE",
  Œ: "OE",
  Ø: "O",
  Ł: "L",
  Đ: "D",
  Þ: "TH",
  Ð: "D",
  ı: "I",
  ĸ: "K",
  Ŋ: "NG",
  ẞ: "SS",
};

const STOPWORDS = new Set(["THE", "AND", "OF", "ET", "UND"]);

/** Latinises basic Cyrillic (BGN/PCGN-like, simplified) and special Latin letters; other scripts pass through. */
export function transliterate(text: string): string {
  // Most list names are plain ASCII: nothing to look up.
  if (/^[\x20-\x7e]*$/.test(text)) {
    return text.toUpperCase();
  }
  let out = "";
  for (const ch of text.normalize("NFC").toUpperCase()) {
    out += CYRILLIC[ch] ?? SPECIAL[ch] ?? ch;
  }
  return out;
}

/** Uppercases, transliterates, strips diacritics (NFKD) and turns punctuation into token boundaries. */
export function foldText(text: string): string {
  return (
    transliterate(text)
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toUpperCase()
      .replace(/['’‘`´ʼ]/g, "")
      .replace(/&/g, " AND ")
      // "S.A." / "K.K." → "SA" / "KK", but "K. SHINODA" and "IND.CO" stay two tokens.
      .replace(/(?<=(?:^|[^\p{L}])\p{L})\.(?=\p{L})/gu, "")
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim()
  );
}

/** Splits folded text into tokens, dropping stopwords unless that would leave nothing. */
export function tokenize(folded: string): string[] {
  const tokens = folded.split(/\s+/).filter((t) => t.length > 0);
  const kept = tokens.filter((t) => !STOPWORDS.has(t));
  return kept.length > 0 ? kept : tokens;
}
