/**
 * Value conversions shared by the mappers: EDI dates, weights, message functions.
 */

import type { MessageFunction } from "../records.ts";

/** Date/time format qualifiers (EDIFACT 2379) we understand, by expected length. */
const FORMAT_LENGTHS: Readonly<Record<string, number>> = { "101": 6, "102": 8, "201": 10, "203": 12, "204": 14 };

/**
 * Convert an EDIFACT date value to ISO 8601 ("2022-09-01T08:07"); format 102/203/204/101/201,
 * or guessed from the length when the qualifier is missing. Undefined when not a real date.
 */
export function edifactDate(value: string | undefined, format?: string): string | undefined {
  if (!value) {
    return undefined;
  }
  const digits = value.trim();
  // Senders often state 203 for an 8-digit date: trust the length over the qualifier.
  const fits = format !== undefined && FORMAT_LENGTHS[format] === digits.length;
  const twoDigitYear = fits ? format === "101" || format === "201" : digits.length === 6 || digits.length === 10;
  return isoDateTime(twoDigitYear ? `20${digits}` : digits);
}

/** True when a date value's length contradicts its format qualifier (e.g. 8 digits with 203). */
export function dateFormatMismatch(value: string, format: string | undefined): boolean {
  const expected = format ? FORMAT_LENGTHS[format] : undefined;
  return expected !== undefined && value.trim().length !== expected;
}

/** Turn CCYYMMDD[HHMM[SS]] into ISO 8601, validating the calendar; undefined if invalid. */
export function isoDateTime(digits: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/.exec(digits);
  if (!match) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s] = match as unknown as [string, string, string, string, string?, string?, string?];
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) {
    return undefined;
  }
  if (h === undefined || mi === undefined) {
    return `${y}-${mo}-${d}`;
  }
  if (Number(h) > 24 || Number(mi) > 59 || (s !== undefined && Number(s) > 59)) {
    return undefined;
  }
  return s === undefined ? `${y}-${mo}-${d}T${h}:${mi}` : `${y}-${mo}-${d}T${h}:${mi}:${s}`;
}

const KG_PER_UNIT: Readonly<Record<string, number>> = {
  KGM: 1,
  KG: 1,
  K: 1,
  KGS: 1,
  LBR: 0.45359237,
  LB: 0.45359237,
  LBS: 0.45359237,
  L: 0.45359237,
  TNE: 1000,
  TON: 1000,
  MT: 1000,
  E: 1000,
};

/** Weight in kilograms from a number and a unit code (KGM, K, LBR, L, TNE); undefined if either is unusable. */
export function toKilograms(amount: string | undefined, unit: string | undefined): number | undefined {
  if (amount === undefined) {
    return undefined;
  }
  const value = Number(amount.replace(",", "."));
  const factor = KG_PER_UNIT[(unit ?? "KGM").toUpperCase()];
  if (!Number.isFinite(value) || factor === undefined) {
    return undefined;
  }
  return Math.round(value * factor * 1000) / 1000;
}

/** A whole number of packages, or undefined. */
export function toCount(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

const FUNCTIONS: Readonly<Record<string, MessageFunction>> = {
  "1": "cancel",
  "3": "cancel",
  "4": "replace",
  "5": "replace",
  "9": "original",
  "7": "original",
  "22": "original",
  "31": "original",
  "43": "original",
  "46": "original",
  "47": "original",
};

/** Message function from an EDIFACT 1225 code (BGM); undefined for codes we do not know. */
export function messageFunction(code: string | undefined): MessageFunction | undefined {
  return code === undefined ? undefined : FUNCTIONS[code];
}
