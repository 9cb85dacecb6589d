import type { EntityType } from "../types.ts";
import { foldRomaji, hasKana, romaniseKana } from "./japanese.ts";
import { isLegalFormOnly, romaniseScriptLegalForms, stripLegalForms, type LegalForm } from "./legal-forms.ts";
import { foldText, tokenize } from "./text.ts";

/** A name reduced to comparable tokens, with what normalisation removed kept as features. */
export interface NormalizedName {
  /** The name as given. */
  source: string;
  /** Match tokens: folded, legal forms removed, romaji folded; given names first for "SURNAME, Given" input. */
  tokens: string[];
  /** The same tokens before romaji folding (for evidence), index-aligned with `tokens`. */
  display: string[];
  legalForms: LegalForm[];
  /** True when the input was comma-inverted ("SHINODA, Kenichi"). */
  inverted: boolean;
  /** The name with its kana romanised (modified Hepburn), when it had any: what was matched. */
  romanised?: string;
}

/** Splits at commas and detects "SURNAME, Given" (a trailing ", K.K." / ", S.A." is a legal form, not an inversion). */
function orderedSegments(text: string, type: EntityType | undefined): { segments: string[][]; inverted: boolean } {
  const segments = text
    .split(",")
    .map((s) => tokenize(foldText(s)))
    .filter((s) => s.length > 0);
  const core = [...segments];
  const tail: string[][] = [];
  while (core.length > 1 && isLegalFormOnly(core[core.length - 1] ?? [])) {
    tail.unshift(core.pop() ?? []);
  }
  const personish = type === "individual" || type === "unknown" || type === undefined;
  if (core.length === 2 && personish && !isLegalFormOnly(core[0] ?? [])) {
    return { segments: [core[1] ?? [], core[0] ?? [], ...tail], inverted: true };
  }
  return { segments, inverted: false };
}

/** Drops "(SSI)", "(HK)", "(Kaliningrad)": qualifiers that lists add inconsistently; keeps the text if nothing else is left. */
function withoutParentheticals(text: string): string {
  const out = text
    .replace(/\([^()]*\)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return /[\p{L}\p{N}]/u.test(out) ? out : text;
}

/** Normalises a party name for matching (case, diacritics, Cyrillic, punctuation, legal forms, romaji, inversion). */
export function normalizeName(name: string, type?: EntityType): NormalizedName {
  const scriptFree = romaniseScriptLegalForms(name);
  const romanised = hasKana(scriptFree) ? romaniseKana(scriptFree) : undefined;
  const text = withoutParentheticals(romanised ?? scriptFree);
  const { segments, inverted } = orderedSegments(text, type);
  const folded = segments.flat();
  const stripped = type === "individual" ? { tokens: folded, forms: [] } : stripLegalForms(folded);
  const normalized: NormalizedName = {
    source: name,
    tokens: stripped.tokens.map(foldRomaji),
    display: stripped.tokens,
    legalForms: stripped.forms,
    inverted,
  };
  if (romanised !== undefined) {
    normalized.romanised = romanised;
  }
  return normalized;
}

/** Guesses individual/entity for lists that do not say: a legal form means entity, "SURNAME, Given" an individual. */
export function guessEntityType(name: string): EntityType {
  const n = normalizeName(name, "unknown");
  if (n.legalForms.length > 0) {
    return "entity";
  }
  return n.inverted ? "individual" : "unknown";
}
