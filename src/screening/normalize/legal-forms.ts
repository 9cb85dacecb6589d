import { FORMS, LEADING_ONLY_AT_EDGES, MAY_OPEN, SCRIPT_FORMS, type LegalFormGroup } from "./legal-form-table.ts";

export type { LegalFormGroup } from "./legal-form-table.ts";

/** A legal form found in a name (and kept out of its match tokens). */
export interface LegalForm {
  /** Canonical code, e.g. "KK", "LLC", "JSC". */
  code: string;
  group: LegalFormGroup;
  /** The tokens that were recognised, as written (typos included), e.g. "KABUSHIKI KAISHA", "COMPNY". */
  text: string;
}

interface Variant {
  code: string;
  group: LegalFormGroup;
  words: string[];
  /** Only recognised at the end of a name (or at its start when it may open one): short forms that are also words. */
  edgeOnly: boolean;
  mayOpen: boolean;
}

const STOPWORDS = new Set(["AND", "THE", "OF", "ET", "UND"]);

const VARIANTS: Variant[] = FORMS.flatMap(([code, group, spellings]) =>
  spellings.map((spelling) => ({
    code,
    group,
    words: spelling.split(" ").filter((w) => !STOPWORDS.has(w)),
    edgeOnly: LEADING_ONLY_AT_EDGES.has(spelling),
    mayOpen: MAY_OPEN.has(spelling),
  })),
);

/** Variants by their first word, longest first, so the longest spelling wins. */
const BY_FIRST = new Map<string, Variant[]>();
for (const v of [...VARIANTS].sort((a, b) => b.words.length - a.words.length)) {
  const first = v.words[0] ?? "";
  BY_FIRST.set(first, [...(BY_FIRST.get(first) ?? []), v]);
}

/** Words that are a legal form on their own ("LIMITED") versus words that are one only with others ("JOINT"). */
const SOLO_WORDS = new Set(VARIANTS.filter((v) => v.words.length === 1).map((v) => v.words[0] ?? ""));
/** Legal-form words by first letter (a typo must keep the first letter, so only these are compared). */
const WORDS_BY_INITIAL = new Map<string, string[]>();
for (const word of new Set(VARIANTS.flatMap((v) => v.words))) {
  WORDS_BY_INITIAL.set(word[0] ?? "", [...(WORDS_BY_INITIAL.get(word[0] ?? "") ?? []), word]);
}
const VOWELS = /[AEIOUY]/g;

/** Optimal-string-alignment distance (Levenshtein plus adjacent transposition), stopping early above `max`. */
export function osaDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) {
    return max + 1;
  }
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((rows[i - 1]?.[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (rows[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) {
      return max + 1;
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? max + 1;
}

/** Edits allowed between a typed word and a legal-form word: scaled to length (1 up to 8 letters, 2 from 9). */
function allowedEdits(a: string, b: string): number {
  return Math.max(a.length, b.length) >= 9 ? 2 : 1;
}

/**
 * Does `token` spell legal-form word `word`, allowing typos? Typos must keep the first letter. A word that is a form
 * on its own needs 7+ letters to be matched fuzzily (BERHAD/BEHRAD, KAISHA/KAISAR are names); words that only count
 * inside a longer form ("JONT STOCK") need 5+; consonant abbreviations (LTD, LLC, JSC) accept one edit from a
 * token with at most one vowel ("LTAD", "LDT", "LCC").
 */
function spells(token: string, word: string): boolean {
  if (token === word) {
    return true;
  }
  if (token[0] !== word[0]) {
    return false;
  }
  const vowels = (s: string): number => s.match(VOWELS)?.length ?? 0;
  if (word.length <= 4) {
    const abbreviation =
      word.length >= 3 && vowels(word) === 0 && token.length >= 3 && token.length <= 5 && vowels(token) <= 1;
    return abbreviation && osaDistance(token, word, 1) <= 1;
  }
  const minimum = SOLO_WORDS.has(word) ? 7 : 5;
  if (word.length < minimum || token.length < 4) {
    return false;
  }
  const max = allowedEdits(token, word);
  return osaDistance(token, word, max) <= max;
}

const NO_WORDS: ReadonlySet<string> = new Set();

// Every list token is looked up once at index build; the cache keeps that to one comparison pass per distinct token.
const wordCache = new Map<string, ReadonlySet<string>>();

/** Legal-form words a token may spell (empty set for ordinary words). */
function formWords(token: string): ReadonlySet<string> {
  const cached = wordCache.get(token);
  if (cached) {
    return cached;
  }
  if (wordCache.size > 200_000) {
    wordCache.clear();
  }
  const words = /^[A-Z]+$/.test(token)
    ? (WORDS_BY_INITIAL.get(token[0] ?? "") ?? []).filter(
        (word) => Math.abs(word.length - token.length) <= 2 && spells(token, word),
      )
    : [];
  const found = words.length === 0 ? NO_WORDS : new Set(words);
  wordCache.set(token, found);
  return found;
}

interface Span {
  start: number;
  end: number;
  variant: Variant;
}

/** The longest legal-form spelling starting at `start`, if any. */
function spanAt(tokens: string[], start: number): Span | undefined {
  let best: { span: Span; exact: number } | undefined;
  for (const first of formWords(tokens[start] ?? "")) {
    for (const variant of BY_FIRST.get(first) ?? []) {
      const n = variant.words.length;
      if (
        start + n > tokens.length ||
        !variant.words.every((w, k) => k === 0 || formWords(tokens[start + k] ?? "").has(w))
      ) {
        continue;
      }
      const exact = variant.words.filter((w, k) => tokens[start + k] === w).length;
      // A fuzzy match of a one-letter-per-word form ("S A") would be noise: those must be exact.
      if (variant.words.every((w) => w.length === 1) && exact < n) {
        continue;
      }
      // Longest spelling first, then the one typed most exactly ("LLP" is LLP, not a typo of LLC).
      const length = best ? best.span.end - best.span.start : 0;
      if (!best || n > length || (n === length && exact > best.exact)) {
        best = { span: { start, end: start + n, variant }, exact };
      }
    }
  }
  return best?.span;
}

/** Spans of legal forms anywhere in the name; short forms that are also words count only at its ends. */
function findSpans(tokens: string[]): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < tokens.length;) {
    const span = spanAt(tokens, i);
    if (span) {
      spans.push(span);
      i = span.end;
    } else {
      i++;
    }
  }
  const kept = spans.filter((s) => !s.variant.edgeOnly);
  const edge = spans.filter((s) => s.variant.edgeOnly);
  // Peel edge-only forms from the end inwards ("… GMBH AND CO KG"), and from the start for those that open names ("AO …").
  for (let changed = true; changed;) {
    changed = false;
    const covered = (i: number): boolean => kept.some((s) => i >= s.start && i < s.end);
    for (const s of edge) {
      if (kept.includes(s)) {
        continue;
      }
      const tail = Array.from({ length: tokens.length - s.end }, (_, k) => s.end + k).every(covered);
      const head = s.variant.mayOpen && Array.from({ length: s.start }, (_, k) => k).every(covered);
      if (tail || head) {
        kept.push(s);
        changed = true;
      }
    }
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Replaces 株式会社-style script legal forms with romanised codes so they survive folding. */
export function romaniseScriptLegalForms(text: string): string {
  let out = text;
  for (const [re, code] of SCRIPT_FORMS) {
    out = out.replace(re, code);
  }
  return out;
}

/**
 * Finds legal forms anywhere in a token list, typos and every spelling of the table included, and returns the other
 * tokens (never none: a name that is only a legal form keeps its tokens) and the forms in the order they appear.
 */
export function stripLegalForms(tokens: string[]): { tokens: string[]; forms: LegalForm[] } {
  const spans = findSpans(tokens);
  if (spans.length === 0) {
    return { tokens, forms: [] };
  }
  const inForm = new Set(spans.flatMap((s) => Array.from({ length: s.end - s.start }, (_, k) => s.start + k)));
  const rest = tokens.filter((_, i) => !inForm.has(i));
  if (rest.length === 0) {
    return { tokens, forms: [] };
  }
  const forms = spans.map((s) => ({
    code: s.variant.code,
    group: s.variant.group,
    text: tokens.slice(s.start, s.end).join(" "),
  }));
  return { tokens: rest, forms };
}

/** True if the whole token list is a legal form ("K.K.", "Co., Ltd."). */
export function isLegalFormOnly(tokens: string[]): boolean {
  if (tokens.length === 0) {
    return false;
  }
  const spans = findSpans(tokens);
  return spans.reduce((n, s) => n + s.end - s.start, 0) === tokens.length;
}
