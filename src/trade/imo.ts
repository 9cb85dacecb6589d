/**
 * IMO ship identification numbers: 7 digits, the last a check digit
 * (first six weighted 7,6,5,4,3,2; sum mod 10).
 */

function sixDigits(first6: string | number): string | undefined {
  const text = typeof first6 === "number" ? String(first6) : first6.trim();
  if (typeof first6 === "number" && (!Number.isInteger(first6) || first6 < 0)) {
    return undefined;
  }
  const padded = typeof first6 === "number" ? text.padStart(6, "0") : text;
  return /^\d{6}$/.test(padded) ? padded : undefined;
}

/** IMO check digit of the first six digits; NaN if the input is not six digits (a number is zero-padded). */
export function imoCheckDigit(first6: string | number): number {
  const digits = sixDigits(first6);
  if (digits === undefined) {
    return Number.NaN;
  }
  let sum = 0;
  for (let i = 0; i < 6; i++) {
    sum += Number(digits.charAt(i)) * (7 - i);
  }
  return sum % 10;
}

/** Strip an optional "IMO" prefix, spaces and separators; returns the bare digits (may be invalid). */
export function normaliseImo(raw: string): string {
  return raw
    .toUpperCase()
    .replace(/^\s*IMO[\s:.#-]*/, "")
    .replace(/[\s.-]/g, "");
}

/** True when raw is a 7-digit IMO number with a correct check digit ("9786774", "IMO 9786774"). */
export function isValidImo(raw: string): boolean {
  const digits = normaliseImo(raw);
  if (!/^\d{7}$/.test(digits)) {
    return false;
  }
  return imoCheckDigit(digits.slice(0, 6)) === Number(digits.charAt(6));
}

/** Build a valid 7-digit IMO number from its first six digits; throws RangeError outside 0…999999. */
export function makeImoNumber(first6: number): string {
  const digits = sixDigits(first6);
  if (digits === undefined) {
    throw new RangeError(`first six IMO digits must be an integer 0…999999, got ${first6}`);
  }
  return digits + String(imoCheckDigit(digits));
}
