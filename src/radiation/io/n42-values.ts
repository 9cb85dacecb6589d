import { RadFileError, type RadFileLocation } from "../errors.ts";
import type { DetectorKind, InstrumentType, MeasurementClass } from "../model.ts";
import { Buffer } from "node:buffer";
import { decodeXmlText, XmlNode } from "./xml-tree.ts";

/** SpecUtils' cap on expanded channel counts; protects against zero-run bombs. */
export const MAX_CHANNELS = 131072;

/** Where a problem is: a location, or the element it is in (its path is only built if an error needs it). */
export type LazyLocation = RadFileLocation | XmlNode;

function locate(where: LazyLocation): RadFileLocation {
  return where instanceof XmlNode ? { xmlPath: where.path } : where;
}

// Separators of a number list: what /[\s,]+/ split on before (ASCII whitespace and comma here;
// the Unicode spaces, met as UTF-8 byte sequences, in unicodeSpaceLength).
const SEPARATOR = new Uint8Array(256);
for (const c of [9, 10, 11, 12, 13, 32, 44]) {
  SEPARATOR[c] = 1;
}

/** Byte length of the UTF-8 encoded Unicode space (a `\s` character) starting at b[i], else 0. */
function unicodeSpaceLength(b: Uint8Array, i: number, end: number): number {
  const c0 = b[i]!;
  const c1 = i + 1 < end ? b[i + 1]! : -1;
  const c2 = i + 2 < end ? b[i + 2]! : -1;
  if (c0 === 0xc2) {
    return c1 === 0xa0 ? 2 : 0; // U+00A0
  }
  if (c0 === 0xe1) {
    return c1 === 0x9a && c2 === 0x80 ? 3 : 0; // U+1680
  }
  if (c0 === 0xe2) {
    if (c1 === 0x80) {
      // U+2000–U+200A, U+2028, U+2029, U+202F
      return c2 >= 0x80 && (c2 <= 0x8a || c2 === 0xa8 || c2 === 0xa9 || c2 === 0xaf) ? 3 : 0;
    }
    return c1 === 0x81 && c2 === 0x9f ? 3 : 0; // U+205F
  }
  if (c0 === 0xe3) {
    return c1 === 0x80 && c2 === 0x80 ? 3 : 0; // U+3000
  }
  return c0 === 0xef && c1 === 0xbb && c2 === 0xbf ? 3 : 0; // U+FEFF
}

/** Exact powers of ten: a ≤15-digit mantissa times or divided by one of these is correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

const utf8 = new TextDecoder("utf-8");

/** End of the token the last scanNumber call read. */
let tokenEnd = 0;

/**
 * Reads the number token starting at b[start] (not a separator) and sets tokenEnd. Plain decimals
 * (sign, ≤15 significant digits, fraction, exponent up to ±22 after scaling) are converted here,
 * giving exactly what Number() gives; anything else (hex, 16+ digits, huge exponents, junk) is
 * decoded and handed to Number(). Non-numbers and non-finite values throw.
 */
function scanNumber(b: Uint8Array, start: number, end: number, where: LazyLocation): number {
  let i = start;
  let c = b[i]!;
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    c = ++i < end ? b[i]! : -1;
  }
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let exponent = 0;
  while (c >= 48 && c <= 57) {
    if (mantissa !== 0 || c !== 48) {
      mantissa = mantissa * 10 + (c - 48);
      significant++;
    }
    digits++;
    c = ++i < end ? b[i]! : -1;
  }
  if (c === 46) {
    c = ++i < end ? b[i]! : -1;
    while (c >= 48 && c <= 57) {
      if (mantissa !== 0 || c !== 48) {
        mantissa = mantissa * 10 + (c - 48);
        significant++;
      }
      exponent--;
      digits++;
      c = ++i < end ? b[i]! : -1;
    }
  }
  let plain = digits > 0 && significant <= 15;
  if (plain && (c === 101 || c === 69)) {
    c = ++i < end ? b[i]! : -1;
    let expNegative = false;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      c = ++i < end ? b[i]! : -1;
    }
    let e = 0;
    let expDigits = 0;
    while (c >= 48 && c <= 57) {
      e = Math.min(e * 10 + (c - 48), 100000);
      expDigits++;
      c = ++i < end ? b[i]! : -1;
    }
    plain = expDigits > 0;
    exponent += expNegative ? -e : e;
  }
  const atEnd = i >= end || SEPARATOR[c] === 1 || (c >= 0x80 && unicodeSpaceLength(b, i, end) > 0);
  if (plain && atEnd && exponent >= -22 && exponent <= 22) {
    tokenEnd = i;
    const v = exponent === 0 ? mantissa : exponent > 0 ? mantissa * POW10[exponent]! : mantissa / POW10[-exponent]!;
    return negative ? -v : v;
  }
  while (i < end && SEPARATOR[b[i]!] !== 1 && !(b[i]! >= 0x80 && unicodeSpaceLength(b, i, end) > 0)) {
    i++;
  }
  tokenEnd = i;
  const token = utf8.decode(b.subarray(start, i));
  const v = Number(token);
  if (!Number.isFinite(v)) {
    throw new RadFileError("radfile.malformed", `Not a number: "${token.slice(0, 40)}"`, locate(where));
  }
  return v;
}

/** Reused scan buffer: numbers land here first, then are copied once into an array of the exact length. */
let scratch: Float64Array = new Float64Array(16384);

function grow(n: number): Float64Array {
  const next = new Float64Array(Math.max(n, scratch.length * 2));
  next.set(scratch);
  scratch = next;
  return next;
}

/** Sum of the values scratchArray last copied, added left to right like reduce((a, b) => a + b, 0). */
let scratchSum = 0;

/**
 * The first n scratch values as a number[] (the model's type): one allocation of the exact size.
 * Whole counts are stored as small integers, which keeps the array's integer representation; one
 * fractional (or -0) value switches it to doubles, which costs V8 a second copy of the array.
 * Sums the values on the way (scratchSum), so readers need not walk the counts again.
 */
/** Scan buffer size kept between calls; a larger one (a huge uncompressed list) is let go after use. */
const SCRATCH_KEEP = 2 * MAX_CHANNELS;

function scratchArray(n: number): number[] {
  const out = new Array<number>(n);
  const s = scratch;
  let sum = 0;
  let k = 0;
  for (; k < n; k++) {
    const v = s[k]!;
    const i = v | 0;
    if (i !== v || (i === 0 && 1 / v < 0)) {
      break;
    }
    out[k] = i;
    sum += v;
  }
  for (; k < n; k++) {
    const v = s[k]!;
    out[k] = v;
    sum += v;
  }
  scratchSum = sum;
  if (scratch.length > SCRATCH_KEEP) {
    scratch = new Float64Array(16384);
  }
  return out;
}

/**
 * Next number of the list at or after b[i], or NaN at the end of the list; sets tokenEnd. Whole
 * numbers of up to 15 digits (channel counts, nearly every token) are read here, the rest by scanNumber.
 */
function nextNumber(b: Uint8Array, i: number, end: number, where: LazyLocation): number {
  for (;;) {
    while (i < end && SEPARATOR[b[i]!] === 1) {
      i++;
    }
    if (i >= end) {
      tokenEnd = end;
      return Number.NaN;
    }
    let c = b[i]!;
    if (c >= 48 && c <= 57) {
      let v = c - 48;
      let j = i + 1;
      while (j < end && (c = b[j]!) >= 48 && c <= 57) {
        v = v * 10 + (c - 48);
        j++;
      }
      if (j - i <= 15 && (j === end || SEPARATOR[c] === 1)) {
        tokenEnd = j;
        return v;
      }
      return scanNumber(b, i, end, where);
    }
    if (c < 0x80) {
      return scanNumber(b, i, end, where);
    }
    const space = unicodeSpaceLength(b, i, end);
    if (space === 0) {
      return scanNumber(b, i, end, where);
    }
    i += space;
  }
}

/** Parses bytes [start, end) as a whitespace/comma separated list of numbers; throws RadFileError on a non-number token. */
export function parseNumberBytes(b: Uint8Array, start: number, end: number, where: LazyLocation = {}): number[] {
  let n = 0;
  let buf = scratch;
  for (let v = nextNumber(b, start, end, where); v === v; v = nextNumber(b, tokenEnd, end, where)) {
    if (n === buf.length) {
      buf = grow(n + 1);
    }
    buf[n++] = v;
  }
  return scratchArray(n);
}

/** Parses a whitespace/comma separated list of numbers; throws RadFileError on a non-number token. */
export function parseNumberList(text: string, where: LazyLocation = {}): number[] {
  const b = Buffer.from(text, "utf8");
  return parseNumberBytes(b, 0, b.length, where);
}

/**
 * Numbers in the text of `el`, with entity references decoded as childText would: read in place in
 * the document when the element holds plain text. An `&` can only be part of a token that is not a
 * number, so an in-place read that succeeds saw none; when it fails on text holding one, the decoded
 * text decides.
 */
export function elementNumbers(el: XmlNode | undefined, where: LazyLocation = {}): number[] {
  if (!el) {
    return [];
  }
  if (!el.isPlain) {
    return parseNumberList(decodeXmlText(el.text), where);
  }
  const b = el.src.bytes;
  try {
    return parseNumberBytes(b, el.contentStart, el.contentEnd, where);
  } catch (e) {
    const amp = b.indexOf(38, el.contentStart);
    if (amp !== -1 && amp < el.contentEnd) {
      return parseNumberList(decodeXmlText(el.text), where);
    }
    throw e;
  }
}

/**
 * Channel counts of bytes [start, end), expanding N42 CountedZeroes on the fly when `countedZeroes`
 * (same rules as expandCountedZeros) straight into the scan buffer: one pass, no intermediate list.
 */
export function parseChannelCounts(
  b: Uint8Array,
  start: number,
  end: number,
  countedZeroes: boolean,
  where: LazyLocation = {},
): number[] {
  if (!countedZeroes) {
    return parseNumberBytes(b, start, end, where);
  }
  let n = 0;
  let buf = scratch;
  // The previous value, when it was a zero whose meaning (literal, or run start) the next one decides.
  let zero = Number.NaN;
  for (let v = nextNumber(b, start, end, where); v === v; v = nextNumber(b, tokenEnd, end, where)) {
    if (zero === zero) {
      if (v === 0) {
        if (n === buf.length) {
          buf = grow(n + 1);
        }
        buf[n++] = zero;
        zero = v;
      } else {
        const run = Math.round(v);
        if (run < 1 || n + run > MAX_CHANNELS) {
          throw new RadFileError("radfile.malformed", `Bad CountedZeroes run length ${v}`, locate(where));
        }
        if (n + run > buf.length) {
          buf = grow(n + run);
        }
        buf.fill(0, n, n + run);
        n += run;
        zero = Number.NaN;
      }
    } else if (v === 0) {
      zero = v;
      continue;
    } else {
      if (n === buf.length) {
        buf = grow(n + 1);
      }
      buf[n++] = v;
    }
    if (n > MAX_CHANNELS) {
      throw new RadFileError("radfile.malformed", `More than ${MAX_CHANNELS} channels`, locate(where));
    }
  }
  if (zero === zero) {
    if (n === buf.length) {
      buf = grow(n + 1);
    }
    buf[n++] = zero;
    if (n > MAX_CHANNELS) {
      throw new RadFileError("radfile.malformed", `More than ${MAX_CHANNELS} channels`, locate(where));
    }
  }
  return scratchArray(n);
}

/**
 * Counts of a ChannelData element and their sum, scanned in place in the document (never decoded to
 * a string) when it is plain text.
 */
export function readChannelCounts(cd: XmlNode, countedZeroes: boolean): { counts: number[]; sum: number } {
  let counts: number[];
  if (cd.isPlain) {
    counts = parseChannelCounts(cd.src.bytes, cd.contentStart, cd.contentEnd, countedZeroes, cd);
  } else {
    const b = Buffer.from(cd.text, "utf8");
    counts = parseChannelCounts(b, 0, b.length, countedZeroes, cd);
  }
  return { counts, sum: scratchSum };
}

/** Sum of the values, left to right (as reduce((a, b) => a + b, 0) adds them). */
export function sumOf(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) {
    sum += v;
  }
  return sum;
}

/** Expands N42 CountedZeroes: a 0 followed by N>0 is a run of N zeros; a trailing 0 or 0 0 is literal. */
export function expandCountedZeros(values: readonly number[], where: LazyLocation = {}): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const next = values[i + 1];
    if (v !== 0 || next === undefined || next === 0) {
      out.push(v);
    } else {
      const run = Math.round(next);
      if (run < 1 || out.length + run > MAX_CHANNELS) {
        throw new RadFileError("radfile.malformed", `Bad CountedZeroes run length ${next}`, locate(where));
      }
      for (let k = 0; k < run; k++) {
        out.push(0);
      }
      i++;
    }
    if (out.length > MAX_CHANNELS) {
      throw new RadFileError("radfile.malformed", `More than ${MAX_CHANNELS} channels`, locate(where));
    }
  }
  return out;
}

/** Compresses counts with CountedZeroes (each run of zeros → `0 runLength`). */
export function compressCountedZeros(counts: readonly number[]): number[] {
  const out: number[] = [];
  let run = 0;
  for (const c of counts) {
    if (c === 0) {
      run++;
      continue;
    }
    if (run > 0) {
      out.push(0, run);
      run = 0;
    }
    out.push(c);
  }
  if (run > 0) {
    out.push(0, run);
  }
  return out;
}

/** Parses an xs:duration (`PT12.5S`, `PT1H2M3S`, `P1DT2H`) or a bare number of seconds; NaN if unreadable. */
export function parseDurationS(text: string): number {
  const t = text.trim();
  if (t === "") {
    return Number.NaN;
  }
  if (/^[-+]?[0-9.eE+-]+$/.test(t)) {
    return Number(t);
  }
  const m = /^(-)?P(?:(\d+(?:\.\d*)?)D)?(?:T(?:(\d+(?:\.\d*)?)H)?(?:(\d+(?:\.\d*)?)M)?(?:(\d+(?:\.\d*)?)S)?)?$/i.exec(
    t,
  );
  if (!m) {
    return Number.NaN;
  }
  const [, neg, d, h, mi, s] = m;
  const total = Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(mi ?? 0) * 60 + Number(s ?? 0);
  return neg ? -total : total;
}

/** Formats seconds as an xs:duration `PT<s>S` using the shortest round-trippable decimal. */
export function formatDurationS(seconds: number): string {
  const s = String(seconds);
  const plain = /e/i.test(s) ? seconds.toFixed(12).replace(/\.?0+$/, "") : s;
  return `PT${plain}S`;
}

/** Normalises a date-time string to ISO-8601 (UTC) when parseable, else returns undefined. */
export function normaliseDateTime(text: string): string | undefined {
  const t = text.trim();
  if (t === "") {
    return undefined;
  }
  const hasZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(t);
  const ms = Date.parse(hasZone ? t : `${t}Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Maps N42 MeasurementClassCode / 2006 SourceType to our measurement class. */
export function mapMeasurementClass(code: string): MeasurementClass {
  const c = code.trim().toLowerCase();
  if (c === "foreground" || c === "item") {
    return "foreground";
  }
  if (c === "background") {
    return "background";
  }
  if (c === "calibration") {
    return "calibration";
  }
  if (c === "occupancy") {
    return "occupancy";
  }
  return "unknown";
}

/** Maps N42 RadDetectorCategoryCode / 2006 DetectorType to a detector kind. */
export function mapDetectorKind(code: string): DetectorKind {
  const c = code.trim().toLowerCase();
  const table: Record<string, DetectorKind> = {
    gamma: "gamma",
    neutron: "neutron",
    alpha: "alpha",
    beta: "beta",
    "x-ray": "xray",
    xray: "xray",
    other: "other",
  };
  return table[c] ?? "unknown";
}

/** Maps an instrument class string (2012 RadInstrumentClassCode or 2006 InstrumentType) to our type. */
export function mapInstrumentType(code: string): InstrumentType {
  const c = code.trim().toLowerCase();
  if (c === "") {
    return "unknown";
  }
  if (c.includes("portal")) {
    return c.includes("spectro") ? "spectroscopic" : "portal";
  }
  if (c.includes("identifier") || c.includes("handheld") || c.includes("personal") || c.includes("backpack")) {
    return "handheld";
  }
  if (c.includes("spectro") || c.includes("mobile")) {
    return "spectroscopic";
  }
  return "unknown";
}

/** Drops trailing zero polynomial coefficients (keeps at least two) so every reader reports the same form. */
export function trimTrailingZeros(c: readonly number[]): number[] {
  let n = c.length;
  while (n > 2 && c[n - 1] === 0) {
    n--;
  }
  return c.slice(0, n);
}
