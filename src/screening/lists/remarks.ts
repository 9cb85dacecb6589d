import { addCountry } from "./countries.ts";

/** What we can recover from an OFAC free-text Remarks field. */
export interface RemarkFacts {
  aliases: string[];
  imo?: string;
  countries: string[];
}

const ALIAS_RE = /^(?:a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(.*?)'?\.?$/i;
const IMO_RE = /\bIMO\s*(\d{7})\b/i;
const COUNTRY_PREFIX_RE = /^(?:alt\.\s+)?(?:nationality|citizen|Vessel Flag|Former Vessel Flag)\s+(.+?)\.?$/i;
const PAREN_COUNTRY_RE = /\(([A-Za-z][A-Za-z ,.'-]+)\)\.?$/;

/** Splits OFAC remarks into "; "-separated clauses, keeping quoted aliases containing ";" intact. */
export function splitRemarks(remarks: string): string[] {
  return remarks
    .split(/;\s+(?=(?:alt\.\s+)?[a-zA-Z])/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/** Extracts a.k.a./f.k.a./n.k.a. aliases, the IMO number and country mentions from OFAC remarks. */
export function parseRemarks(remarks: string | undefined): RemarkFacts {
  const facts: RemarkFacts = { aliases: [], countries: [] };
  if (!remarks) {
    return facts;
  }
  for (const clause of splitRemarks(remarks)) {
    readClause(clause, facts);
  }
  return facts;
}

function readClause(clause: string, facts: RemarkFacts): void {
  const alias = ALIAS_RE.exec(clause);
  if (alias?.[1]) {
    const name = alias[1].replace(/'\.?$/, "").trim();
    if (name && !facts.aliases.includes(name)) {
      facts.aliases.push(name);
    }
    return;
  }
  const imo = IMO_RE.exec(clause);
  if (imo?.[1] && !facts.imo) {
    facts.imo = imo[1];
  }
  const prefixed = COUNTRY_PREFIX_RE.exec(clause);
  if (prefixed?.[1]) {
    addCountry(facts.countries, prefixed[1]);
    return;
  }
  if (/^(?:alt\.\s+)?POB\s/i.test(clause)) {
    addCountry(facts.countries, lastPlacePart(clause));
    return;
  }
  const paren = PAREN_COUNTRY_RE.exec(clause);
  if (paren?.[1] && paren[1].length > 3) {
    addCountry(facts.countries, paren[1]);
  }
}

/** "POB Oita Kyushu, Japan." → "Japan"; keeps OFAC's "Korea, North" together. */
function lastPlacePart(clause: string): string {
  const text = clause.replace(/\.$/, "");
  const korea = /Korea, (North|South)$/i.exec(text);
  if (korea) {
    return korea[0];
  }
  const parts = text.split(",");
  return (parts[parts.length - 1] ?? "").trim();
}
