/**
 * ISO 6346 container identification: check digit, parsing of printed forms, id generation.
 * Size/type codes live in ./size-type.ts and are re-exported here.
 */

export { decodeSizeType } from "./size-type.ts";
export type { SizeType, SizeTypeResult } from "./size-type.ts";

/** Equipment category identifiers accepted by default (freight container, detachable equipment, chassis). */
export type EquipmentCategory = "U" | "J" | "Z";

/** Extra category letters used by EN 13044 swap bodies; accepted only when asked for. */
export type SwapBodyCategory = "A" | "B" | "D" | "E" | "K";

/** A validated ISO 6346 container number. */
export interface ContainerNumber {
  /** 11 characters, uppercase, no separators, e.g. "CSQU3054383". */
  id: string;
  /** 3-letter BIC owner code, e.g. "CSQ". */
  owner: string;
  category: EquipmentCategory | SwapBodyCategory;
  /** 6-digit serial number as printed (leading zeros kept). */
  serial: string;
  checkDigit: number;
}

/** Outcome of parseContainerNumber: the id, or why it is not valid plus the normalised input. */
export type ContainerNumberResult =
  { ok: true; value: ContainerNumber } | { ok: false; reason: string; normalised: string };

/** Options for parseContainerNumber. */
export interface ParseContainerOptions {
  /** Also accept the EN 13044 swap-body categories A B D E K (default false). */
  allowSwapBodies?: boolean;
}

const DEFAULT_CATEGORIES: readonly string[] = ["U", "J", "Z"];
const SWAP_BODY_CATEGORIES: readonly string[] = ["A", "B", "D", "E", "K"];

/** Letter values A=10 upward, skipping multiples of 11 (so A10 B12 … K21 L23 … U32 V34 … Z38). */
const LETTER_VALUES: ReadonlyMap<string, number> = buildLetterValues();

function buildLetterValues(): Map<string, number> {
  const values = new Map<string, number>();
  let value = 10;
  for (let code = 65; code <= 90; code++) {
    if (value % 11 === 0) {
      value++;
    }
    values.set(String.fromCharCode(code), value);
    value++;
  }
  return values;
}

function charValue(ch: string): number | undefined {
  if (ch >= "0" && ch <= "9") {
    return ch.charCodeAt(0) - 48;
  }
  return LETTER_VALUES.get(ch);
}

/**
 * ISO 6346 check digit of the first 10 characters (owner, category, serial); NaN if they are not 10 of [A-Z0-9].
 * Remainder 10 maps to 0.
 */
export function iso6346CheckDigit(first10: string): number {
  const text = first10.toUpperCase();
  if (text.length !== 10) {
    return Number.NaN;
  }
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const value = charValue(text.charAt(i));
    if (value === undefined) {
      return Number.NaN;
    }
    // Weight 2^i with i = 0 at the first owner letter (not counted from the right).
    sum += value * 2 ** i;
  }
  return (sum % 11) % 10;
}

/** Uppercase and strip whitespace and dashes, as printed on doors and in documents ("CXRU 125502-2"). */
export function normaliseContainerNumber(raw: string): string {
  return raw.toUpperCase().replace(/[\s\-\u2010-\u2015]/g, "");
}

function listOr(items: readonly string[]): string {
  if (items.length <= 1) {
    return items.join("");
  }
  return `${items.slice(0, -1).join(", ")} or ${items.at(-1) ?? ""}`;
}

function structureProblem(id: string, categories: readonly string[]): string | undefined {
  if (id.length === 0) {
    return "container number is empty";
  }
  const bad = /[^A-Z0-9]/.exec(id);
  if (bad) {
    return `container number contains invalid character "${bad[0]}"`;
  }
  if (/^\d+$/.test(id)) {
    return "owner code and category are missing (digits only)";
  }
  if (!/^[A-Z]{3}/.test(id)) {
    return "owner code must be 3 letters";
  }
  if (id.length !== 11) {
    return `container number must be 11 characters, got ${id.length}`;
  }
  const category = id.charAt(3);
  if (!categories.includes(category)) {
    return `equipment category must be ${listOr(categories)}, got "${category}"`;
  }
  if (!/^\d{6}$/.test(id.slice(4, 10))) {
    return "serial number must be 6 digits";
  }
  if (!/^\d$/.test(id.charAt(10))) {
    return "check digit must be a digit";
  }
  return undefined;
}

/** Parse and validate a container number; never throws, invalid ids come back with a reason and the normalised text. */
export function parseContainerNumber(raw: string, options: ParseContainerOptions = {}): ContainerNumberResult {
  const normalised = normaliseContainerNumber(raw);
  const categories = options.allowSwapBodies ? [...DEFAULT_CATEGORIES, ...SWAP_BODY_CATEGORIES] : DEFAULT_CATEGORIES;
  const problem = structureProblem(normalised, categories);
  if (problem !== undefined) {
    return { ok: false, reason: problem, normalised };
  }
  const expected = iso6346CheckDigit(normalised.slice(0, 10));
  const given = Number(normalised.charAt(10));
  if (given !== expected) {
    return { ok: false, reason: `check digit is ${given}, expected ${expected}`, normalised };
  }
  const value: ContainerNumber = {
    id: normalised,
    owner: normalised.slice(0, 3),
    category: normalised.charAt(3) as ContainerNumber["category"],
    serial: normalised.slice(4, 10),
    checkDigit: given,
  };
  return { ok: true, value };
}

/** Parse an id printed in separate fields, e.g. X12 B4 "GMCU" * "609413" * check "7"; never throws. */
export function parseContainerNumberParts(
  ownerAndCategory: string,
  serial: string,
  checkDigit: string,
  options: ParseContainerOptions = {},
): ContainerNumberResult {
  return parseContainerNumber(`${ownerAndCategory}${serial}${checkDigit}`, options);
}

/** True when raw is a valid container number (separators and case ignored). */
export function isValidContainerNumber(raw: string, options: ParseContainerOptions = {}): boolean {
  return parseContainerNumber(raw, options).ok;
}

/**
 * Build a valid 11-character id from owner+category ("MSKU") and a serial 0…999999.
 * Throws RangeError on malformed arguments (a programming error, not user input).
 */
export function makeContainerNumber(ownerAndCategory: string, serial: number): string {
  const prefix = ownerAndCategory.toUpperCase();
  if (!/^[A-Z]{3}[A-Z]$/.test(prefix)) {
    throw new RangeError(`owner and category must be 4 letters, got "${ownerAndCategory}"`);
  }
  if (!Number.isInteger(serial) || serial < 0 || serial > 999_999) {
    throw new RangeError(`serial must be an integer 0…999999, got ${serial}`);
  }
  const first10 = prefix + String(serial).padStart(6, "0");
  return first10 + String(iso6346CheckDigit(first10));
}
