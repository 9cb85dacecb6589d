// Text patterns without user-written regular expressions: words, phrases, substrings and `*`/`?` globs,
// escaped and compiled by us (globs matched without regex), so no rule can smuggle in a catastrophic-backtracking regex.

/** A text condition: matches when any listed word, phrase, substring or glob occurs (case- and punctuation-insensitive). */
export interface TextPattern {
  /** Whole words or phrases ("FAK", "SAID TO CONTAIN"). */
  words?: string[];
  /** Substrings anywhere ("SCRAP" also in "SCRAPS"). */
  contains?: string[];
  /** Whole-text globs: `*` any run, `?` one character ("STC *", "*GENERAL CARGO*"). */
  globs?: string[];
  /**
   * The whole text is made of these words and numbers only ("MACHINERY & SPARES", "2 PALLETS OF PARTS" against a list
   * of vague words); a phrase adds each of its words.
   */
  onlyWords?: string[];
  /** Matches when the text is empty (after normalisation). */
  empty?: boolean;
}

/** Longest text a pattern looks at; manifests lines are short, this only bounds the work. */
const MAX_TEXT = 2000;

/** Upper-cases, folds diacritics and turns punctuation runs into one space ("S.T.C." → "S T C"). */
export function normaliseText(text: string): string {
  if (/^[A-Z0-9]+(?: [A-Z0-9]+)*$/.test(text)) {
    return text;
  }
  return text
    .slice(0, MAX_TEXT)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Normalises around the wildcards only, so "*general cargo*" keeps its stars. */
function normaliseGlob(glob: string): string {
  return glob
    .split(/([*?])/)
    .map((part) => (part === "*" || part === "?" ? part : normaliseText(part)))
    .join("");
}

/** Whole-text wildcard match in O(text × glob) without regular expressions (resume after the last star). */
export function globMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (g < glob.length && (glob[g] === "?" || glob[g] === text[t])) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === "*") {
      star = g++;
      resume = t;
    } else if (star >= 0) {
      g = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (glob[g] === "*") {
    g++;
  }
  return g === glob.length;
}

/** Every word of a normalised text is in the set or a number, and at least one is a word of the set. */
function madeOf(text: string, words: ReadonlySet<string>): boolean {
  let listed = false;
  for (const word of text.split(" ")) {
    if (words.has(word)) {
      listed = true;
    } else if (!/^\d+$/.test(word)) {
      return false;
    }
  }
  return listed;
}

/** Compiles a pattern into one predicate over normalised text; returns the matched fragment or undefined. */
export function compileTextPattern(pattern: TextPattern): (normalised: string) => string | undefined {
  // A literal that normalises to nothing would match every text.
  for (const literal of [
    ...(pattern.words ?? []),
    ...(pattern.contains ?? []),
    ...(pattern.onlyWords ?? []),
    ...(pattern.globs ?? []).map((g) => g.replace(/[*?]/g, " ")),
  ]) {
    if (normaliseText(literal) === "") {
      throw new Error(`text pattern ${JSON.stringify(literal)} has no letters or digits`);
    }
  }
  const parts: string[] = [];
  for (const w of pattern.words ?? []) {
    parts.push(`(?<![\\p{L}\\p{N}])${escape(normaliseText(w))}(?![\\p{L}\\p{N}])`);
  }
  for (const c of pattern.contains ?? []) {
    parts.push(escape(normaliseText(c)));
  }
  const globs = (pattern.globs ?? []).map(normaliseGlob);
  // Only escaped literals and fixed lookarounds go into the expression: linear-time matching.
  const re = parts.length > 0 ? new RegExp(parts.map((p) => `(?:${p})`).join("|"), "u") : undefined;
  const matchEmpty = pattern.empty === true;
  const only = pattern.onlyWords ? new Set(pattern.onlyWords.flatMap((w) => normaliseText(w).split(" "))) : undefined;
  return (text) => {
    if (matchEmpty && text === "") {
      return "(empty)";
    }
    const hit = re?.exec(text)?.[0];
    if (hit !== undefined) {
      return hit;
    }
    if (only && text !== "" && madeOf(text, only)) {
      return text;
    }
    return globs.find((g) => globMatches(g, text)) === undefined ? undefined : text;
  };
}
