/**
 * SCAC (Standard Carrier Alpha Code, NMFTA): 2 to 4 uppercase letters. Format check only;
 * the registry itself is not public.
 */

/** Uppercase and trim a SCAC as found in documents. */
export function normaliseScac(raw: string): string {
  return raw.trim().toUpperCase();
}

/** True when raw (trimmed, case-insensitive) is 2–4 Latin letters, e.g. "MAEU", "CMDU", "UP". */
export function isValidScac(raw: string): boolean {
  return /^[A-Z]{2,4}$/.test(normaliseScac(raw));
}
