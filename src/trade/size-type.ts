/**
 * ISO 6346 size/type codes: 1995 alphanumeric codes (22G1, L5G1), type-group codes (22GP, 45RT)
 * and legacy 1984 numeric codes (2210, 4510). Tables per bic-code.org; legacy details are best effort.
 */

/** A decoded size/type code. */
export interface SizeType {
  /** The code as given, uppercased and trimmed. */
  code: string;
  /** Nominal length in feet (24'6" → 24.5). */
  lengthFt: number;
  /** Nominal height in feet; for open-ended classes (">9'6\"") the bound. */
  heightFt: number;
  /** Height as printed, e.g. "8'6\"", "9'6\"", ">9'6\"". */
  heightLabel: string;
  /** True for 9'6" and taller boxes. */
  highCube: boolean;
  /** ISO type group (GP, RT, UT, PC, TN, …); undefined when the legacy type is not decoded. */
  typeGroup: string | undefined;
  /** Human description, e.g. "40' high cube refrigerated and heated". */
  description: string;
  /** Which code system the code was read as. */
  system: "iso1995" | "iso1995-group" | "iso1984";
}

/** Outcome of decodeSizeType. */
export type SizeTypeResult = { ok: true; value: SizeType } | { ok: false; reason: string };

const LENGTHS: Readonly<Record<string, number>> = {
  "1": 10,
  "2": 20,
  "3": 30,
  "4": 40,
  B: 24,
  C: 24.5,
  G: 41,
  H: 43,
  L: 45,
  M: 48,
  N: 49,
};

interface Height {
  ft: number;
  label: string;
}

const H8: Height = { ft: 8, label: "8'" };
const H86: Height = { ft: 8.5, label: "8'6\"" };
const H9: Height = { ft: 9, label: "9'" };
const H96: Height = { ft: 9.5, label: "9'6\"" };
const HOVER: Height = { ft: 9.5, label: ">9'6\"" };

/** Second character: height (letters C–F and L–P are the wide variants of the same heights). */
const HEIGHTS: Readonly<Record<string, Height>> = {
  "0": H8,
  "2": H86,
  "4": H9,
  "5": H96,
  "6": HOVER,
  "8": { ft: 4.25, label: "4'3\"" },
  "9": { ft: 4, label: "<=4'" },
  C: H86,
  D: H9,
  E: H96,
  F: HOVER,
  L: H86,
  M: H9,
  N: H96,
  P: HOVER,
};

const GROUP_NAMES: Readonly<Record<string, string>> = {
  GP: "general purpose",
  VH: "ventilated",
  BU: "dry bulk, non-pressurised",
  BK: "dry bulk, pressurised",
  SN: "named cargo",
  RE: "refrigerated",
  RT: "refrigerated and heated",
  RS: "self-powered refrigerated",
  HR: "refrigerated/heated, removable equipment",
  HI: "insulated",
  UT: "open top",
  PL: "platform",
  PF: "flat rack, fixed ends",
  PC: "flat rack, folding ends",
  PS: "platform, open/skeletal",
  TN: "tank, non-dangerous liquid",
  TD: "tank, dangerous liquid",
  TG: "tank, gas",
  AS: "air/surface",
};

/** Group of a 1995 type code, keyed by letter then by detail digit ("*" = any digit). */
const TYPE_GROUPS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  G: { "*": "GP" },
  V: { "*": "VH" },
  B: { "0": "BU", "1": "BU", "2": "BU", "*": "BK" },
  S: { "*": "SN" },
  R: { "0": "RE", "1": "RT", "*": "RS" },
  H: { "0": "HR", "1": "HR", "2": "HR", "*": "HI" },
  U: { "*": "UT" },
  P: { "0": "PL", "1": "PF", "2": "PF", "3": "PC", "4": "PC", "*": "PS" },
  T: { "0": "TN", "1": "TN", "2": "TN", "7": "TG", "8": "TG", "9": "TG", "*": "TD" },
  A: { "*": "AS" },
};

function groupOfType(type: string): string | undefined {
  const byDigit = TYPE_GROUPS[type.charAt(0)];
  if (!byDigit || !/^\d$/.test(type.charAt(1))) {
    return undefined;
  }
  return byDigit[type.charAt(1)] ?? byDigit["*"];
}

/** Legacy 1984 two-digit type → group; only the well-attested ranges are decoded. */
function groupOfLegacyType(type: string): string | undefined {
  const tens = type.charAt(0);
  if (tens === "0" || tens === "1") {
    return "GP";
  }
  if (tens === "3") {
    return type === "32" ? "RT" : "RE";
  }
  const simple: Readonly<Record<string, string>> = { "5": "UT", "6": "PF", "7": "TN", "8": "BU" };
  return simple[tens];
}

function describe(lengthFt: number, height: Height, group: string | undefined, fallback: string): string {
  const length = Number.isInteger(lengthFt) ? `${lengthFt}'` : `${Math.floor(lengthFt)}'6"`;
  const cube = height.ft >= 9.5 ? " high cube" : ` ${height.label}`;
  const kind = group ? (GROUP_NAMES[group] ?? group) : fallback;
  return `${length}${cube} ${kind}`;
}

function sizeOf(code: string): { lengthFt: number; height: Height } | string {
  const lengthFt = LENGTHS[code.charAt(0)];
  if (lengthFt === undefined) {
    return `unknown length code "${code.charAt(0)}"`;
  }
  const height = HEIGHTS[code.charAt(1)];
  if (!height) {
    return `unknown height/width code "${code.charAt(1)}"`;
  }
  return { lengthFt, height };
}

function build(
  code: string,
  size: { lengthFt: number; height: Height },
  group: string | undefined,
  system: SizeType["system"],
  fallback: string,
): SizeType {
  return {
    code,
    lengthFt: size.lengthFt,
    heightFt: size.height.ft,
    heightLabel: size.height.label,
    highCube: size.height.ft >= 9.5,
    typeGroup: group,
    description: describe(size.lengthFt, size.height, group, fallback),
    system,
  };
}

/** Carrier shorthand that is not ISO 6346, mapped to the usual ISO code. */
const SHORTHAND: Readonly<Record<string, string>> = {
  "20DV": "22G1",
  "20DC": "22G1",
  "40DV": "42G1",
  "40DC": "42G1",
  "40HC": "45G1",
  "40HQ": "45G1",
  "45HC": "L5G1",
  "20RF": "22R1",
  "40RF": "45R1",
  "40RH": "45R1",
  "20OT": "22U1",
  "40OT": "42U1",
  "20FR": "22P3",
  "40FR": "42P3",
  "20TK": "22T1",
};

function withShorthandHint(code: string, result: SizeTypeResult): SizeTypeResult {
  const iso = SHORTHAND[code];
  if (result.ok || iso === undefined) {
    return result;
  }
  return { ok: false, reason: `"${code}" is carrier shorthand, not ISO 6346 (usually ${iso})` };
}

/** Decode a 4-character size/type code (22G1, 45R1, L5G1, 22GP, 45RT, legacy 2210/4510/4500); never throws. */
export function decodeSizeType(raw: string): SizeTypeResult {
  const code = raw.trim().toUpperCase();
  return withShorthandHint(code, decodeIsoSizeType(code, raw));
}

function decodeIsoSizeType(code: string, raw: string): SizeTypeResult {
  if (!/^[0-9A-Z]{4}$/.test(code)) {
    return { ok: false, reason: `size/type code must be 4 letters or digits, got "${raw}"` };
  }
  const size = sizeOf(code);
  if (typeof size === "string") {
    return { ok: false, reason: size };
  }
  const type = code.slice(2);
  if (/^\d\d$/.test(type)) {
    if (!/^[1-4][0-5]$/.test(code.slice(0, 2))) {
      return { ok: false, reason: `unknown legacy size code "${code.slice(0, 2)}"` };
    }
    const group = groupOfLegacyType(type);
    return { ok: true, value: build(code, size, group, "iso1984", `legacy type ${type}`) };
  }
  if (GROUP_NAMES[type] !== undefined) {
    return { ok: true, value: build(code, size, type, "iso1995-group", type) };
  }
  const group = groupOfType(type);
  if (group === undefined) {
    return { ok: false, reason: `unknown type code "${type}"` };
  }
  return { ok: true, value: build(code, size, group, "iso1995", type) };
}
