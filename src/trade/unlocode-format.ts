/**
 * UN/LOCODE value formats that need no data: the code itself, the 8-position function
 * string and the DDMM[NS] DDDMM[EW] coordinates.
 */

/** A syntactically valid UN/LOCODE split into its parts. */
export interface LocodeParts {
  /** 5 characters, e.g. "USLAX". */
  code: string;
  /** ISO 3166-1 alpha-2 country. */
  country: string;
  /** 3 characters [A-Z2-9]. */
  location: string;
}

/** Outcome of parseLocode. */
export type LocodeResult = { ok: true; value: LocodeParts } | { ok: false; reason: string; normalised: string };

/** Transport functions of a location, decoded from the 8-position function string. */
export interface PortFunctions {
  seaport: boolean;
  rail: boolean;
  road: boolean;
  air: boolean;
  postal: boolean;
  /** Multimodal function, ICD or inland clearance depot (position 6). */
  multimodal: boolean;
  /** Fixed transport installation, e.g. pipeline (position 7). */
  fixed: boolean;
  /** Border crossing (position 8, "B"). */
  border: boolean;
  /** Position 1 is "0": function not known / not officially functional. */
  unknown: boolean;
}

/** Decimal latitude and longitude. */
export interface LatLon {
  lat: number;
  lon: number;
}

/** Uppercase and remove spaces so "us lax" and "US LAX" become "USLAX". */
export function normaliseLocode(raw: string): string {
  return raw.toUpperCase().replace(/\s+/g, "");
}

/** Check the UN/LOCODE shape (2 letters + 3 of [A-Z2-9]); never throws. */
export function parseLocode(raw: string): LocodeResult {
  const normalised = normaliseLocode(raw);
  if (normalised.length !== 5) {
    return { ok: false, reason: `UN/LOCODE must be 5 characters, got ${normalised.length}`, normalised };
  }
  if (!/^[A-Z]{2}/.test(normalised)) {
    return { ok: false, reason: "country code must be 2 letters", normalised };
  }
  if (!/^[A-Z2-9]{3}$/.test(normalised.slice(2))) {
    return { ok: false, reason: "location code must be 3 of A-Z or 2-9 (no 0 or 1)", normalised };
  }
  return { ok: true, value: { code: normalised, country: normalised.slice(0, 2), location: normalised.slice(2) } };
}

/** Decode a function string such as "1--45---" position by position (missing positions count as absent). */
export function decodeFunctions(functionCode: string): PortFunctions {
  const at = (position: number, symbol: string): boolean => functionCode.charAt(position - 1) === symbol;
  return {
    seaport: at(1, "1"),
    rail: at(2, "2"),
    road: at(3, "3"),
    air: at(4, "4"),
    postal: at(5, "5"),
    multimodal: at(6, "6"),
    fixed: at(7, "7"),
    border: at(8, "B"),
    unknown: at(1, "0"),
  };
}

function degreesMinutes(text: string, degreeDigits: number, hemisphere: string): number | undefined {
  const degrees = Number(text.slice(0, degreeDigits));
  const minutes = Number(text.slice(degreeDigits));
  if (minutes >= 60) {
    return undefined;
  }
  const value = degrees + minutes / 60;
  return hemisphere === "S" || hemisphere === "W" ? -value : value;
}

/** Convert "3346N 11811W" to { lat: 33.767, lon: -118.183 } (DD + MM/60); undefined when malformed or empty. */
export function decodeCoordinates(raw: string): LatLon | undefined {
  const match = /^\s*(\d{4})([NS])\s*(\d{5})([EW])\s*$/.exec(raw.toUpperCase());
  if (!match) {
    return undefined;
  }
  const [, latText = "", latHemi = "", lonText = "", lonHemi = ""] = match;
  const lat = degreesMinutes(latText, 2, latHemi);
  const lon = degreesMinutes(lonText, 3, lonHemi);
  if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    return undefined;
  }
  return { lat: roundTo(lat, 4), lon: roundTo(lon, 4) };
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Lowercase, strip diacritics and punctuation: "Göteborg" → "goteborg", "Nagoya, Aichi" → "nagoya aichi". */
export function foldPlaceName(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}
