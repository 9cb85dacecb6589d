import { RadFileError, type RadFileLocation } from "../errors.ts";
import type { DetectorKind, InstrumentType, MeasurementClass } from "../model.ts";

/** SpecUtils' cap on expanded channel counts; protects against zero-run bombs. */
export const MAX_CHANNELS = 131072;

/** Parses a whitespace/comma separated list of numbers; throws RadFileError on a non-number token. */
export function parseNumberList(text: string, where: RadFileLocation = {}): number[] {
  const out: number[] = [];
  for (const tok of text.split(/[\s,]+/)) {
    if (tok === "") {
      continue;
    }
    const v = Number(tok);
    if (!Number.isFinite(v)) {
      throw new RadFileError("radfile.malformed", `Not a number: "${tok.slice(0, 40)}"`, where);
    }
    out.push(v);
  }
  return out;
}

/** Expands N42 CountedZeroes: a 0 followed by N>0 is a run of N zeros; a trailing 0 or 0 0 is literal. */
export function expandCountedZeros(values: readonly number[], where: RadFileLocation = {}): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const next = values[i + 1];
    if (v !== 0 || next === undefined || next === 0) {
      out.push(v);
    } else {
      const run = Math.round(next);
      if (run < 1 || out.length + run > MAX_CHANNELS) {
        throw new RadFileError("radfile.malformed", `Bad CountedZeroes run length ${next}`, where);
      }
      for (let k = 0; k < run; k++) {
        out.push(0);
      }
      i++;
    }
    if (out.length > MAX_CHANNELS) {
      throw new RadFileError("radfile.malformed", `More than ${MAX_CHANNELS} channels`, where);
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
  const m = /^(-)?P(?:(\d+(?:\.\d*)?)D)?(?:T(?:(\d+(?:\.\d*)?)H)?(?:(\d+(?:\.\d*)?)M)?(?:(\d+(?:\.\d*)?)S)?)?$/i.exec(t);
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
