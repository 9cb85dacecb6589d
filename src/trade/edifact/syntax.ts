/**
 * EDIFACT service characters: defaults, and reading them from a UNA service string advice.
 */

/** The separators and release character in force for an interchange. */
export interface EdifactDelimiters {
  component: string;
  element: string;
  decimal: string;
  release: string;
  /** Syntax 4 repetition separator (UNA position 8); a space means "not used". */
  reserved: string;
  segment: string;
}

/** ISO 9735 defaults, i.e. `UNA:+.? '`. */
export const DEFAULT_DELIMITERS: Readonly<EdifactDelimiters> = Object.freeze({
  component: ":",
  element: "+",
  decimal: ".",
  release: "?",
  reserved: " ",
  segment: "'",
});

/** Outcome of reading a UNA string: delimiters, or why the defaults were kept. */
export type UnaResult = { ok: true; delimiters: EdifactDelimiters } | { ok: false; reason: string };

/** Read the six service characters after "UNA"; rejects duplicates among the separators that matter. */
export function parseUna(una: string): UnaResult {
  if (una.length < 9 || una.slice(0, 3).toUpperCase() !== "UNA") {
    return { ok: false, reason: "UNA service string is shorter than 9 characters" };
  }
  const [component, element, decimal, release, reserved, segment] = [...una.slice(3, 9)] as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const active = [component, element, segment, release === " " ? "" : release].filter((c) => c !== "");
  if (new Set(active).size !== active.length) {
    return { ok: false, reason: `UNA "${una.slice(0, 9)}" uses the same character for two roles` };
  }
  return { ok: true, delimiters: { component, element, decimal, release, reserved, segment } };
}
