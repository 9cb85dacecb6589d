/**
 * Building blocks for the EDIFACT writers: release-character escaping under the default UNA
 * (`:+.? '`), segment assembly with trailing empties dropped, text wrapping and date values.
 */

/** The service string advice the writers emit: component `:`, element `+`, decimal `.`, release `?`, terminator `'`. */
export const WRITER_UNA = "UNA:+.? '";

/**
 * Text that may go beyond ISO 8859-1: a party's name in Japanese script, which only a UNOW
 * (UTF-8) interchange carries. The writer declares UNOW when it writes one.
 */
export class UnicodeText {
  constructor(readonly text: string) {}
}

/** One component value; undefined and "" leave the position empty. */
export type EdiValue = string | number | UnicodeText | undefined;

/** A data element: a single value, or the components of a composite. */
export type EdiElement = EdiValue | readonly EdiValue[];

const SERVICE_CHARACTERS = /[?'+:]/g;

/**
 * Escape a value for UNOC (ISO 8859-1): service characters get the release character, control
 * characters (line breaks, tabs) become spaces because EDIFACT treats them as wrapping. Throws
 * RangeError for characters outside ISO 8859-1, which a UNOC interchange cannot carry.
 */
export function escapeEdifact(value: string, options: { unicode?: boolean } = {}): string {
  let text = "";
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (code > 0xff && !options.unicode) {
      throw new RangeError(`"${value}" contains "${ch}", which is outside ISO 8859-1 (UNOC)`);
    }
    text += code < 0x20 || (code >= 0x7f && code < 0xa0) ? " " : ch;
  }
  return text.replace(SERVICE_CHARACTERS, "?$&");
}

/** A number as EDIFACT text (decimal point, at most 3 decimals); undefined when not finite. */
export function ediNumber(value: number | undefined): string | undefined {
  if (value === undefined || !Number.isFinite(value)) {
    return undefined;
  }
  return String(Math.round(value * 1000) / 1000);
}

function component(value: EdiValue): string {
  if (value === undefined) {
    return "";
  }
  if (value instanceof UnicodeText) {
    return escapeEdifact(value.text, { unicode: true });
  }
  return typeof value === "number" ? (ediNumber(value) ?? "") : escapeEdifact(value);
}

function dropTrailingEmpty(parts: string[]): string[] {
  let end = parts.length;
  while (end > 0 && parts[end - 1] === "") {
    end--;
  }
  return parts.slice(0, end);
}

/** One segment with its terminator, e.g. `edifactSegment("LOC", "9", ["USLAX", "139", "6"])` → `LOC+9+USLAX:139:6'`. */
export function edifactSegment(tag: string, ...elements: EdiElement[]): string {
  const encoded = elements.map((element) => {
    const components = Array.isArray(element) ? (element as readonly EdiValue[]) : [element as EdiValue];
    return dropTrailingEmpty(components.map(component)).join(":");
  });
  return `${[tag, ...dropTrailingEmpty(encoded)].join("+")}'`;
}

/**
 * Split text at spaces into at most maxParts pieces of at most width characters. Readers join
 * components with one space, so when that would not give the text back (long words, doubled
 * spaces at a break) the text is kept whole in one component instead.
 */
export function wrapText(text: string, width: number, maxParts: number): string[] {
  const parts: string[] = [];
  for (const word of text.split(" ")) {
    const last = parts.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) {
      parts[parts.length - 1] = `${last} ${word}`;
    } else {
      parts.push(word);
    }
  }
  const reversible =
    parts.length <= maxParts && parts.every((p) => p !== "" && p === p.trim()) && parts.join(" ") === text;
  return reversible ? parts : [text];
}

/** An EDIFACT date value with its 2379 format qualifier. */
export interface EdiDate {
  value: string;
  format: "102" | "203" | "204";
}

/** ISO 8601 local date-time ("2024-06-15", "2024-06-15T06:00[:30]") as DTM value 102/203/204; undefined otherwise. */
export function edifactDateValue(iso: string | undefined): EdiDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(iso ?? "");
  if (!match) {
    return undefined;
  }
  const [, y = "", mo = "", d = "", h, mi, s] = match;
  if (h === undefined || mi === undefined) {
    return { value: `${y}${mo}${d}`, format: "102" };
  }
  return s === undefined
    ? { value: `${y}${mo}${d}${h}${mi}`, format: "203" }
    : { value: `${y}${mo}${d}${h}${mi}${s}`, format: "204" };
}
